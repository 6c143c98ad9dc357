"""Readiness of the services Caseflow depends on, for /healthz and operators."""

from __future__ import annotations

from django.db import DatabaseError, connection

from caseflow.celery import app as celery_app


def database_state() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        # The class name is enough to act on; the message may carry hosts or users.
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "vendor": connection.vendor}


def broker_state() -> dict:
    transport = celery_app.conf.broker_url.split(":", 1)[0]
    try:
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=3)
    except Exception as error:  # kombu raises a wide family of errors per transport
        return {"ok": False, "transport": transport, "error": type(error).__name__}
    return {"ok": True, "transport": transport}


def service_states() -> dict:
    return {"database": database_state(), "broker": broker_state()}
