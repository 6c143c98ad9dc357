"""Test settings: caseflow.settings in development mode, with a few speed-ups.

The database and broker still come from DATABASE_URL / REDIS_URL, so the same
suite runs on SQLite with eager tasks, or on PostgreSQL and Redis in CI.
"""

import os

os.environ.setdefault("CASEFLOW_ENV", "development")
# Playwright's sync API runs an event loop in the test thread; Django would
# otherwise refuse database access from it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# CASEFLOW_TEST_CLOCK_SHIFT_DAYS=365: the suite a year from now. Here rather than in conftest.py,
# so that the worker processes the tests start on these settings move their clocks too.
from tests.clock import move_clock_from_environment  # noqa: E402

move_clock_from_environment()

from caseflow.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Unit tests run tasks in-process; tests marked `redis` turn this off and use a
# real worker (tests/celery_worker.py).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
