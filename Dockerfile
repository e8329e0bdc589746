# POE Ops production image: gunicorn (web), Celery worker and Celery beat all run from it.
# See docker-compose.yml. No Docker engine runs on the development machines: keep this file
# correct by reading it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=poe_ops.settings \
    STATIC_ROOT=/app/staticfiles \
    POE_VAR_DIR=/app/var

# WeasyPrint's runtime libraries (Pango, HarfBuzz subsetting) and a font; nothing else.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# Non-root runtime user. It has a home so fontconfig (WeasyPrint) can keep its cache there.
RUN groupadd --system --gid 10001 poe \
    && useradd --system --uid 10001 --gid poe --create-home --home-dir /home/poe \
        --shell /usr/sbin/nologin poe

WORKDIR /app

COPY pyproject.toml constraints.txt ./
COPY manage.py ./
COPY poe_ops ./poe_ops
COPY cases ./cases
COPY arrivals ./arrivals
COPY staffing ./staffing
COPY reports ./reports
COPY templates ./templates
COPY static ./static
COPY docker/entrypoint.sh docker/gunicorn.conf.py ./docker/

# Exactly the versions that were tested (constraints.txt). The code runs from /app (PYTHONPATH),
# where the templates and static files are; the copy pip puts in site-packages only satisfies
# the package metadata.
RUN pip install --no-cache-dir -c constraints.txt . \
    && rm -rf build ./*.egg-info \
    && chmod 0755 docker/entrypoint.sh

# Hashed, compressed static files for WhiteNoise. Settings refuse to load in production without
# these four variables; the values below exist only for this build step and are never used at
# run time (nothing connects to the database or Redis here).
RUN DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 \
    SECRET_KEY=build-only-collectstatic-key-never-used-at-run-time-0123456789 \
    ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput

# POE_VAR_DIR: private files (generated PDFs) and the beat schedule. Created here, owned by the
# runtime user, so an empty named volume mounted on it starts with that ownership.
RUN mkdir -p /app/var/private && chown -R poe:poe /app/var

USER poe

EXPOSE 8000

# /healthz is 200 when the database and the broker answer (503 otherwise); a late worker makes
# it "degraded" but still 200, since the web keeps working — the worker's own check
# (manage.py healthcheck worker, in docker-compose.yml) reports that. Two things
# would turn a healthy app into a failure here, so the request carries:
#  - a Host from ALLOWED_HOSTS (the first entry; a leading-dot wildcard loses its dot; "*" or
#    none falls back to localhost) — otherwise Django answers 400 DisallowedHost;
#  - X-Forwarded-Proto: https — SECURE_SSL_REDIRECT is on in production and would answer 301;
#    Django honours the header only with BEHIND_TLS_PROXY=true (set in docker-compose.yml).
# http.client does not follow redirects, so a 301 counts as unhealthy instead of being chased
# to the public https:// address.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD python -c "import http.client, os, sys; \
hosts = [h.strip() for h in os.environ.get('ALLOWED_HOSTS', '').split(',') if h.strip() not in ('', '*')]; \
host = hosts[0].lstrip('.') if hosts else 'localhost'; \
conn = http.client.HTTPConnection('127.0.0.1', 8000, timeout=4); \
conn.request('GET', '/healthz', headers={'Host': host, 'X-Forwarded-Proto': 'https'}); \
sys.exit(0 if conn.getresponse().status == 200 else 1)"

ENTRYPOINT ["/app/docker/entrypoint.sh"]
# Workers, timeouts and header limits: docker/gunicorn.conf.py (WEB_CONCURRENCY, GUNICORN_TIMEOUT).
CMD ["gunicorn", "poe_ops.wsgi:application", "--config", "docker/gunicorn.conf.py", \
     "--no-control-socket"]
