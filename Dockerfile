# Caseflow's production image: one image for web (gunicorn), worker, beat and
# the one-shot migrate service of docker-compose.yml; only the command differs.
FROM python:3.11-slim

# STATIC_ROOT is where collectstatic writes below and WhiteNoise reads at
# runtime: the two must agree, so it is fixed in the image.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STATIC_ROOT=/app/staticfiles

# An unprivileged user with a home (gunicorn puts its control socket there).
RUN groupadd --system --gid 10001 caseflow \
 && useradd --system --uid 10001 --gid caseflow \
        --home-dir /home/caseflow --create-home --shell /usr/sbin/nologin caseflow

WORKDIR /app

# Runtime requirements only, in their own layer so code changes reuse it.
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

# The code stays owned by root: the app user can read it, not change it.
COPY . .

# Settings refuse to import in production without these, so collectstatic gets
# throw-away values on this line only. None of them ends up in the image's
# environment; the real ones come from docker-compose.yml at runtime.
# var/ is the only writable place under /app; var/beat holds beat's schedule
# volume, and a fresh named volume takes this directory's owner.
RUN CASEFLOW_ENV=production \
    SECRET_KEY=build-time-only-placeholder-for-collectstatic-never-used-at-runtime \
    ALLOWED_HOSTS=build \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    REDIS_URL=redis://build.invalid:6379/0 \
    python manage.py collectstatic --noinput \
 && rm -rf /tmp/build.sqlite3* /app/var \
 && mkdir -p /app/var/beat \
 && chown -R caseflow:caseflow /app/var

USER caseflow

EXPOSE 8000

# Workers from WEB_CONCURRENCY (default 3), bind 0.0.0.0:8000, access log on
# stdout, graceful timeout: see gunicorn.conf.py.
CMD ["gunicorn", "--config", "gunicorn.conf.py", "caseflow.wsgi:application"]
