"""Gunicorn settings for Caseflow's web process (the Docker image's default command).

Gunicorn reads this file itself: `gunicorn --config gunicorn.conf.py
caseflow.wsgi:application` from the project directory. Everything an operator
may want to tune comes from the environment, so the image never needs a rebuild.
"""

import os

# Inside the container the published port is the only way in; a TLS-terminating
# proxy in front of it sends X-Forwarded-Proto (see SECURE_PROXY_SSL_HEADER).
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# Sync workers: Caseflow's views are short, database-bound requests.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGTERM (docker stop) requests in flight get this long to finish; compose
# gives the container longer than this (stop_grace_period) before SIGKILL.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5

# Recycle workers now and then so that a slow leak can never grow unbounded.
max_requests = 1000
max_requests_jitter = 100

# Both logs on the container's output, where `docker compose logs` finds them.
accesslog = "-"
errorlog = "-"
# Path without the query string and no Referer: query strings (searches, ?next=)
# can carry a parent's or child's name, which has no place in an access log.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# The worker heartbeat file on tmpfs: on a container's overlay filesystem the
# heartbeat's fchmod can block a worker long enough to have it killed.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
