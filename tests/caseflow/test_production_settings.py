"""Production mode refuses unsafe configuration, and `check --deploy` is clean.

Settings are read once per process, so each case starts `manage.py` anew with
the environment an operator would give it.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Variables of this test process that must not leak into the checked one.
SETTINGS_UNDER_TEST = {
    "CASEFLOW_ENV", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "REDIS_URL",
}  # fmt: skip
GOOD_SECRET = "k3J9vQ2mX8pL5nR7tY1wZ4aB6cD0eF2gH5jK8lM1nP4qS7uV0xW3yZ6"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_UNDER_TEST}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "caseflow.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION = {
    "CASEFLOW_ENV": "production",
    "SECRET_KEY": GOOD_SECRET,
    "ALLOWED_HOSTS": "caseflow.example",
    # `check` does not connect, so these need not be running.
    "DATABASE_URL": "postgres://caseflow@db.invalid:5432/caseflow",
    "REDIS_URL": "redis://redis.invalid:6379/0",
}


def test_check_deploy_reports_nothing_in_production():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_is_the_default_mode():
    result = manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DEBUG": "true"}, "DEBUG must be off when CASEFLOW_ENV=production"),
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "change-me"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "django-insecure-" + "x1y2z3" * 10}, "SECRET_KEY must be set"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must name"),
        ({"DATABASE_URL": ""}, "DATABASE_URL must point at PostgreSQL"),
        ({"REDIS_URL": ""}, "REDIS_URL must point at Redis"),
        ({"DEBUG": "perhaps"}, "DEBUG='perhaps' is not a boolean"),
    ],
)
def test_production_refuses_to_start_with_unsafe_settings(override, message):
    result = manage("check", **{**PRODUCTION, **override})
    assert result.returncode != 0
    assert message in result.stderr


def test_development_mode_runs_without_any_configuration(tmp_path):
    result = manage("check", CASEFLOW_ENV="development", CASEFLOW_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    # The generated key is private to its owner.
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
