"""The Celery application: configured from Django's settings (CELERY_* names)."""

import os

import redis
from celery import Celery
from kombu.transport import redis as kombu_redis

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseflow.settings")


class RedisChannel(kombu_redis.Channel):
    """Kombu's Redis channel, which reports a closed connection as a broker error a worker survives.

    When Redis goes away, the worker drops its connection (kombu sets the
    connection's `client` to None) and then closes the old channel, which tries
    to put its unacknowledged messages back (CELERY_TASK_ACKS_LATE: a task still
    running is one), and a task that ends later acknowledges on that channel
    too. Both ask for a new Redis client, and kombu 5.7.0 builds it from the
    connection's client, hence "AttributeError: 'NoneType' object has no
    attribute 'hostname'": not a broker error, so the worker exits ("Unrecoverable
    error") and no reminder is sent until someone restarts it.

    As a broker error, the worker logs it and reconnects, as it does for every
    other outage. The message stays unacknowledged: Redis gives it out again after
    the visibility timeout, if Redis kept it at all. Both are harmless, as every
    task is idempotent and the next beat tick claims what is due from the
    database (tests/caseflow/callbacks/test_broker_outage.py).
    """

    def _connparams(self, asynchronous=False):
        if self.connection.client is None:
            raise redis.ConnectionError("the connection to the broker was closed after an error")
        return super()._connparams(asynchronous=asynchronous)


class RedisTransport(kombu_redis.Transport):
    """`redis://` with RedisChannel; CELERY_BROKER_TRANSPORT names it when REDIS_URL is set."""

    Channel = RedisChannel

app = Celery("caseflow")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The `tasks` module of each installed app (caseflow.tasks) and of each of caseflow's concern
# packages, which are not apps of their own.
app.autodiscover_tasks()
app.autodiscover_tasks(["caseflow.audit", "caseflow.callbacks", "caseflow.team"])
