"""Caseflow settings: one module, configured through environment variables.

CASEFLOW_ENV chooses the mode. `production` (the default, so that a forgotten
variable fails safe) refuses to start with DEBUG on, without a real SECRET_KEY
or without ALLOWED_HOSTS. `development` is what `make run` and `make test` use:
SQLite and the filesystem broker under var/ unless DATABASE_URL / REDIS_URL say
otherwise. See README.md for the table of variables.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from caseflow.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    env_time_range,
    env_weekdays,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CASEFLOW_VAR_DIR", str(BASE_DIR / "var")))

CASEFLOW_ENV = env_choice("CASEFLOW_ENV", ("production", "development"), "production")
PRODUCTION = CASEFLOW_ENV == "production"
DEBUG = env_bool("DEBUG", default=False)

if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when CASEFLOW_ENV=production.")


def _is_weak_secret(key: str) -> bool:
    # The same test as Django's security.W009, so that `check --deploy` agrees.
    return len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-")


def _development_secret() -> str:
    """A random key kept under var/, so sessions survive a restart of `make run`."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY")
if PRODUCTION and (SECRET_KEY is None or _is_weak_secret(SECRET_KEY)):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production "
        "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
SECRET_KEY = SECRET_KEY or _development_secret()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the host(s) Caseflow is served on.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- Applications -----------------------------------------------------------

INSTALLED_APPS = [
    "caseflow.apps.CaseflowAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "simple_history",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "caseflow",
    "intake",
    "referrals",
    "consent",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every view needs a signed-in user unless it is marked @login_not_required,
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # ... and the second factor (caseflow/accounts/security.py), within the session's limits.
    "django_otp.middleware.OTPMiddleware",
    "caseflow.accounts.security.SecondFactorMiddleware",
    "caseflow.accounts.security.SessionLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records request.user as the author of every history row written in a request.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Writes the access log rows for the cases a page showed, once it is answered (caseflow/audit/access_log.py).
    "caseflow.audit.access_log.AccessLogMiddleware",
    # Last, as django-axes asks: counts failed sign-ins and answers a locked-out username.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "caseflow.urls"
WSGI_APPLICATION = "caseflow.wsgi.application"
AUTH_USER_MODEL = "caseflow.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "caseflow.accounts.context_processors.roles_context",
            ],
        },
    },
]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Each silenced check says why where it is added.
SILENCED_SYSTEM_CHECKS: list[str] = []

# --- Database ---------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'caseflow.sqlite3'}")
if PRODUCTION and env_str("DATABASE_URL") is None:
    # The embedded SQLite file would quietly give every container its own data.
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production.")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except ValueError as error:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {error}") from None
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # Web, worker and beat share the file: WAL lets readers run beside the
        # writer, and IMMEDIATE takes the write lock up front instead of failing
        # with "database is locked" half-way through a transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The covering index of the case search (models.Case) is PostgreSQL's; SQLite
    # builds it without the extra columns, which is all it needs.
    SILENCED_SYSTEM_CHECKS.append("models.W040")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Broker, tasks and cache ------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
if PRODUCTION and not REDIS_URL:
    # A filesystem broker in one container is never seen by a worker in another.
    raise ImproperlyConfigured("REDIS_URL must point at Redis in production.")

if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Kombu's Redis transport, mended so that a worker outlives a Redis outage (see there).
    CELERY_BROKER_TRANSPORT = "caseflow.celery:RedisTransport"
    CELERY_RESULT_BACKEND = REDIS_URL
    # A task unacknowledged this long is delivered again; tasks are idempotent.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    # The embedded default: a broker made of files, shared by every process of
    # `make run` without any server. Celery does not create the folders itself.
    BROKER_DIR, RESULTS_DIR = VAR_DIR / "broker", VAR_DIR / "celery-results"
    for folder in (BROKER_DIR, RESULTS_DIR):
        folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_RESULT_BACKEND = f"file://{RESULTS_DIR}"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR),
        "data_folder_out": str(BROKER_DIR),
        "store_processed": False,
    }

CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only after it ran, so a killed worker's task runs again
# elsewhere; every task is written to be idempotent for that reason.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker that lost the broker tries again every 30 s (at most) for as long as it takes; Celery's
# default gives up after 100 attempts, some 47 minutes, and the worker exits: no reminders after.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Authentication ---------------------------------------------------------

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Brute force (django-axes): this many failed sign-ins for one username lock it for a while.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
# The lockout is per username, as asked: the helpline's staff share one office address,
# so a lockout per address would lock the whole team out (axes warns about that).
SILENCED_SYSTEM_CHECKS.append("axes.W006")
AXES_RESET_ON_SUCCESS = True
# Every failed sign-in is kept (admin: sign-in failures), not only the counts.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "caseflow.accounts.security.locked_out"
# Axes' own log lines would carry the username and address; ours carry the user id.
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address"]

# Two-factor sign-in (django-otp, TOTP + backup codes) for every account. The demo
# accounts of `make run` may skip it, outside production only.
TWO_FACTOR_REQUIRED = True
TWO_FACTOR_DEMO_EXEMPT = env_bool("TWO_FACTOR_DEMO_EXEMPT", default=False)
if PRODUCTION and TWO_FACTOR_DEMO_EXEMPT:
    raise ImproperlyConfigured("TWO_FACTOR_DEMO_EXEMPT is for `make run` only; never in production.")
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Caseflow")

# Sessions end after this long without activity (a page's own polling does not count),
# and after SESSION_MAX_SECONDS whatever happens.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_MINUTES", 15, minimum=2) * 60
SESSION_MAX_SECONDS = env_int("SESSION_MAX_HOURS", 12, minimum=1) * 3600

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language, time and the line's office hours -------------------------------

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# Stored in UTC, shown in the helpline's zone (daylight saving included).
TIME_ZONE = env_str("TIME_ZONE", "Europe/Amsterdam")

# When the advice line is open; call-backs are planned inside these hours.
OFFICE_HOURS = env_time_range("OFFICE_HOURS", "10:00-13:00")
OFFICE_DAYS = env_weekdays("OFFICE_DAYS", "mon,tue,wed,thu,fri")
# Dutch public holidays (the `holidays` package) are closed days on top of these.

# --- Call-backs ---------------------------------------------------------------

# Call-backs are planned in slots of this length inside the office hours.
CALLBACK_SLOT_MINUTES = env_int("CALLBACK_SLOT_MINUTES", 15, minimum=5)
# How many call-backs one advisor can make in one slot; a full slot is not offered.
CALLBACK_SLOT_CAPACITY = env_int("CALLBACK_SLOT_CAPACITY", 2, minimum=1)
# The assignee is reminded this long before the call-back is due.
CALLBACK_REMINDER_LEAD_MINUTES = env_int("CALLBACK_REMINDER_LEAD_MINUTES", 10, minimum=0)
# A call-back not done this long after its window is escalated to the team leads.
CALLBACK_OVERDUE_MINUTES = env_int("CALLBACK_OVERDUE_MINUTES", 60, minimum=0)
# After this many attempts without reaching the parent, the case goes to the team lead.
CALLBACK_MAX_ATTEMPTS = env_int("CALLBACK_MAX_ATTEMPTS", 3, minimum=1)
# Also send reminders by e-mail (to the address on the account), besides the in-app one.
CALLBACK_REMINDER_EMAIL = env_bool("CALLBACK_REMINDER_EMAIL", default=False)
# How often the beat checks for due reminders and overdue call-backs, in seconds.
CALLBACK_TICK_SECONDS = env_int("CALLBACK_TICK_SECONDS", 60, minimum=1)
# How often an open page asks for new notifications (the badge), in seconds.
NOTIFICATION_POLL_SECONDS = env_int("NOTIFICATION_POLL_SECONDS", 30, minimum=1)

CELERY_BEAT_SCHEDULE = {
    # The database is the truth: each tick claims what is due, so a missed or
    # doubled tick (two beats) neither loses nor repeats a reminder.
    "callbacks-tick": {"task": "caseflow.tasks.callbacks_tick", "schedule": CALLBACK_TICK_SECONDS},
}

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "caseflow@localhost")

# --- Team leads --------------------------------------------------------------------

# The dashboard and the queue sum a tally of cases that grows by two rows per change of owner,
# status, at home, flag or review; this folds it back to one row per group (caseflow/team/tally.py).
CELERY_BEAT_SCHEDULE["tally-compact"] = {"task": "caseflow.tasks.tally_compact", "schedule": 300}

# An open case without contact for this many days counts as stuck on the dashboard.
TEAM_STALE_DAYS = env_int("TEAM_STALE_DAYS", 14, minimum=1)

# --- Privacy ------------------------------------------------------------------

# A closed case's personal data is anonymised this many months after closing
# (live rows and history rows), by a nightly task at RETENTION_HOUR (UTC).
RETENTION_CLOSED_MONTHS = env_int("RETENTION_CLOSED_MONTHS", 24, minimum=1)
RETENTION_HOUR = env_int("RETENTION_HOUR", 2, minimum=0)
# A half-typed call that was never saved (its draft) is deleted after this many days.
DRAFT_RETENTION_DAYS = env_int("DRAFT_RETENTION_DAYS", 30, minimum=1)
CELERY_BEAT_SCHEDULE["retention-nightly"] = {
    "task": "caseflow.tasks.retention_nightly",
    "schedule": crontab(minute=0, hour=RETENTION_HOUR),
}

# --- Cases ------------------------------------------------------------------

# Case references read PREFIX-YEAR-NUMBER, e.g. OO-2026-0042.
CASE_REFERENCE_PREFIX = env_str("CASE_REFERENCE_PREFIX", "OO")
if not re.fullmatch(r"[A-Z]{1,5}", CASE_REFERENCE_PREFIX):
    raise ImproperlyConfigured("CASE_REFERENCE_PREFIX must be 1 to 5 capital letters, e.g. OO.")

# --- Consent ----------------------------------------------------------------

# When true, data leaves only if every parent with parental authority consented.
CONSENT_BOTH_PARENTS = env_bool("CONSENT_BOTH_PARENTS", default=False)

# --- Inbox: the public contact form and voicemail (intake/inbox/) -------------------------

# The telephony providers that deliver voicemail to /api/voicemail/<provider>/, each with its own
# bearer token: VOICEMAIL_TOKENS="provider:token,other-provider:token" (tokens of 32+ characters).
def _voicemail_tokens(items: list[str]) -> dict[str, str]:
    tokens = {}
    for item in items:
        provider, _colon, token = item.partition(":")
        if not re.fullmatch(r"[a-z0-9-]{1,40}", provider) or len(token) < 32:
            # Never the token itself in the message: it ends up in logs.
            raise ImproperlyConfigured(
                f"VOICEMAIL_TOKENS: the entry for {provider[:40]!r} must read provider:token, the provider in "
                "a-z, 0-9 and -, the token at least 32 characters."
            )
        tokens[provider] = token
    return tokens


VOICEMAIL_TOKENS = _voicemail_tokens(env_list("VOICEMAIL_TOKENS", []))
# Contact forms one client address may send per hour; more are refused and not stored.
CONTACT_FORM_SENDS_PER_HOUR = env_int("CONTACT_FORM_SENDS_PER_HOUR", 5, minimum=1)
# Behind a proxy: the request header that carries the client's address (HTTP_X_FORWARDED_FOR, its
# last entry is used); empty: REMOTE_ADDR. The contact form's rate limit counts per address.
CLIENT_ADDRESS_HEADER = env_str("CLIENT_ADDRESS_HEADER", "")
# A message nobody picked up this long after the line's next opening is escalated to the team leads.
INBOX_ESCALATE_MINUTES = env_int("INBOX_ESCALATE_MINUTES", 60, minimum=0)
CELERY_BEAT_SCHEDULE["inbox-escalate"] = {"task": "intake.inbox.tasks.inbox_escalate", "schedule": 60}

# --- Static files -----------------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside production WhiteNoise serves straight from static/ and picks up edits.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not PRODUCTION
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Security ---------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # Health checks come from inside the cluster over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # An operator trying a first deployment can shorten these; a browser
    # remembers HSTS for SECURE_HSTS_SECONDS.
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    # The TLS-terminating proxy in front of gunicorn tells us the scheme.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp), in every environment so that the tests see
# what production sends: only our own scripts, styles, images and connections; no
# inline script or style, no frames, forms post only to us.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap's icons in form controls are data: SVGs in its CSS.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Logging ----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
