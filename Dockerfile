# OKR check-ins for Microsoft Teams: the bot as a container.
#   docker build -t okr-checkins .
#   docker run -p 3978:3978 --env-file .env okr-checkins
# Settings come from the environment (see docs/deploy.md); nothing secret is baked in.
# With credentials the app needs STORAGE: cosmos in production. /app/data is only for an
# explicit STORAGE=sqlite on a mounted volume: the container's own disk is lost on restart.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOST=0.0.0.0 \
    PORT=3978

WORKDIR /app

# Runtime dependencies only (requirements.txt); the test tools stay out of the image.
COPY requirements.txt .
RUN pip install --no-compile -r requirements.txt

RUN groupadd --system --gid 10001 okr \
    && useradd --system --uid 10001 --gid okr --home-dir /app --shell /usr/sbin/nologin okr \
    && mkdir -p /app/data \
    && chown okr:okr /app/data

COPY --chown=root:root . .

USER 10001:10001
EXPOSE 3978

# /healthz answers while the process serves; the standard library keeps the image small.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"3978\")}/healthz', timeout=4)"]

# Exec form: python is the container's first process, so the platform's SIGTERM reaches it
# and the app shuts down cleanly (a running pass releases its leases) within the grace period.
CMD ["python", "app.py"]
