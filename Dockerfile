# Production image: gunicorn behind a TLS-terminating proxy; the same image runs worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORTAL_VAR_DIR=/var/lib/portal
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk libharfbuzz-subset0 \
       libpango-1.0-0 libpangoft2-1.0-0 gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir .
COPY . .
# Build-time values only: collectstatic needs settings to load, not real keys.
RUN SECRET_KEY=build-only PORTAL_DEV=1 python manage.py collectstatic --noinput -v0

RUN useradd --system --home /var/lib/portal portal && mkdir -p /var/lib/portal \
    && chown portal /var/lib/portal
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
