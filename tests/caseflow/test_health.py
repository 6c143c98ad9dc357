import pytest
from django.urls import reverse

from caseflow.celery import app as celery_app


@pytest.fixture
def unreachable_broker():
    """Point the broker at a closed local port, as when Redis is down."""
    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:9/0"
    yield
    celery_app.conf.broker_url = saved


@pytest.mark.django_db
def test_healthz_reports_database_and_broker_as_json(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"] == {"ok": True, "transport": celery_app.conf.broker_url.split(":")[0]}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_answers_503_when_the_broker_is_down(client, unreachable_broker):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["broker"]["ok"] is False
    assert body["broker"]["error"]  # the kind of error, for the operator
    assert "127.0.0.1" not in response.content.decode()  # no addresses leak out
    assert body["database"]["ok"] is True
