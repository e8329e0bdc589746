"""gunicorn's settings for the production image (Dockerfile: ``gunicorn -c
docker/gunicorn.conf.py``). The limits are chosen so that one slow or oversized request cannot
hold every web worker; the README's production section explains them."""

import os

bind = "0.0.0.0:8000"
# Synchronous workers: a request holds one for as long as it runs.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# A request running longer than this is cut and its worker replaced. Nothing here should take
# more than a few seconds (PDFs and notifications are the Celery worker's); an import of the
# largest manifest takes about 10 s.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Idle keep-alive connections are dropped quickly: behind a proxy they are the proxy's.
keepalive = 5
# Headers: the request line, how many header fields, how long each may be.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
# Bodies are bounded by the application (POE_MAX_REQUEST_BYTES, 413 before the body is read)
# and should be by the proxy first (e.g. nginx client_max_body_size 12m).
# Workers are recycled after this many requests, so memory a request kept is given back.
max_requests = 2000
max_requests_jitter = 200
# gunicorn's worker heartbeat files, in memory (a container's /tmp may be a slow disk).
worker_tmp_dir = "/dev/shm"  # noqa: S108
accesslog = "-"
