from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    """Celery beat for `make run`: without a broker, run the beat schedule's tasks in process.

    Production runs the real `celery beat`; this keeps mails that are due later (retries,
    reminders) going out on a developer's machine too.
    """

    help = "Run the CELERY_BEAT_SCHEDULE tasks in this process, forever (development only)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="run each task once and stop")

    def handle(self, *args, once: bool = False, **options) -> None:
        from kag_portal.celery import app

        app.loader.import_default_modules()  # registers the tasks of every app
        schedule = settings.CELERY_BEAT_SCHEDULE
        next_run = dict.fromkeys(schedule, 0.0)
        while True:
            now = time.monotonic()
            for name, entry in schedule.items():
                if now >= next_run[name]:
                    app.tasks[entry["task"]].apply()
                    next_run[name] = now + float(entry["schedule"])
            if once:
                return
            time.sleep(5)
