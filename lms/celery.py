"""Celery application (shape of cookiecutter-django's ``config/celery_app.py``)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")

app = Celery("lms")
# Every thread (gunicorn threads, the test live server, concurrency tests) must resolve
# ``shared_task`` proxies to this app, not to Celery's fallback "default" app.
app.set_default()
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
