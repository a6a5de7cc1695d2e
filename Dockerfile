# KAG Portal: one image for the three roles web (default), worker and beat.
# See docker-compose.yml and README.md ("Production").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_ENV=production

RUN groupadd --system --gid 1000 kag \
 && useradd --system --uid 1000 --gid kag --home-dir /app --no-create-home --shell /usr/sbin/nologin kag

WORKDIR /app

# Dependencies first, so this layer is rebuilt only when the pins change. pyproject.toml declares no
# packages ([tool.setuptools] packages = []): installing it brings only the pinned dependencies, and
# the code runs from /app. README.md is needed because pyproject.toml names it as the readme.
COPY pyproject.toml requirements.lock README.md ./
RUN pip install -c requirements.lock .

# The code is owned by root and only readable by the app user: a compromised process cannot
# change it. Only var/media and var/mail (the file mail backend, used when EMAIL_URL is empty)
# are writable.
COPY . .
RUN mkdir -p var/media var/mail \
 && chown kag:kag var/media var/mail

# Production settings refuse to start without these; the dummy values exist for this step only
# and are not part of the image's environment.
RUN SECRET_KEY=collectstatic-only-not-a-secret \
    ALLOWED_HOSTS=localhost \
    SITE_URL=https://localhost \
    REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput

USER kag
EXPOSE 8000
ENTRYPOINT ["sh", "/app/docker/entrypoint.sh"]
CMD ["web"]
