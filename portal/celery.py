"""The Celery app. Configuration comes from Django settings (``CELERY_*``); tasks from every app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Areas inside an app keep their tasks beside their code.
app.autodiscover_tasks(["roadmap.launches", "integrations.connectors"])
