#!/bin/sh
# Starts one role of the portal in the container: web (the default), worker or beat.
# Anything else is run as given, e.g. `docker compose run --rm web python manage.py shell`.
set -eu

cd /app
# Django would start with an empty key and fail only on the first page that needs it.
: "${SECRET_KEY:?is empty: set SECRET_KEY in .env (README.md, Production)}"

role="${1:-web}"
case "$role" in
    web)
        # Only the web role migrates, so two containers never race on the schema.
        python manage.py migrate --noinput
        exec gunicorn kag_portal.wsgi:application \
            --bind 0.0.0.0:8000 \
            --workers "${GUNICORN_WORKERS:-3}" \
            --access-logfile -
        ;;
    worker)
        exec celery -A kag_portal worker --loglevel=info
        ;;
    beat)
        # The schedule file only remembers when each task last ran; losing it with the
        # container is harmless (the sweep runs every minute anyway). Remote control lets the
        # health check reach beat with `celery inspect ping`.
        exec celery -A kag_portal beat --loglevel=info --schedule /tmp/celerybeat-schedule \
            --enable-remote-control
        ;;
    *)
        exec "$@"
        ;;
esac
