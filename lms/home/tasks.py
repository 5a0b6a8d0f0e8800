"""Celery tasks of the site itself (not of one layer)."""

from celery import shared_task
from celery.signals import worker_ready
from django.core.management import call_command


@shared_task(acks_late=True)
def publish_scheduled_task() -> None:
    """Beat job: publish the pages and snippets whose scheduled time has come, unpublish the
    expired ones (Wagtail's ``publish_scheduled``; each revision goes live once, so a second
    run changes nothing). A scheduled material change of the policy records its version like
    any other publication, through ``page_published``."""
    call_command("publish_scheduled", verbosity=0)


@shared_task(ignore_result=True)
def worker_heartbeat_task() -> None:
    """Beat job: "a worker is taking work", read by ``/readyz`` (``lms.home.health``)."""
    from lms.home import health

    health.heartbeat_record()


@worker_ready.connect
def _heartbeat_on_start(**kwargs: object) -> None:
    from lms.home import health

    health.heartbeat_record()
