"""The Celery app. Every setting comes from Django's settings under the CELERY_ prefix.

Tasks are declared with kag_portal.queueing.portal_task and queued with enqueue_on_commit.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kag_portal.settings")

app = Celery("kag_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
