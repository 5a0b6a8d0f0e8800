"""Celery tasks of the certification layer: take ids, call one service, idempotent.

Web requests never wait on a dead broker: ``enqueue_on_commit`` publishes after commit with
a short, bounded retry and, if the broker is down, logs and moves on; the reconciliation
beat job finds the work again (certificates not issued, PDFs not rendered, emails not sent).
"""

from __future__ import annotations

import logging
import smtplib
from typing import Any

from celery import Task, shared_task
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from certification import services

logger = logging.getLogger(__name__)

PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def enqueue(task: Task[..., Any], *args: int) -> bool:
    """Publish ``task`` now; on a broker failure log it and return False (never raise)."""
    try:
        task.apply_async(args=args, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except (BrokerError, ConnectionError, OSError, TimeoutError) as exc:
        logger.warning("broker unavailable, %s%r left to reconciliation: %s", task.name, args, exc)
        return False
    except Exception:
        # Whatever else goes wrong while publishing must not fail the user's request: the
        # reconciliation job finds the work again. Logged with its traceback.
        logger.exception("could not publish %s%r; left to reconciliation", task.name, args)
        return False
    return True


def enqueue_on_commit(task: Task[..., Any], *args: int) -> None:
    """``enqueue`` once the current transaction commits (never for a rolled-back one)."""
    transaction.on_commit(lambda: enqueue(task, *args))


@shared_task(acks_late=True)
def certificates_issue_for_user_task(user_id: int) -> list[int]:
    """Issue every programme the user now qualifies for (idempotent), then close the user's
    pending issuance request."""
    started_at = timezone.now()
    issued = [c.pk for c in services.certificates_issue_for_user(user_id=user_id)]
    services.issuance_request_done(user_id=user_id, started_at=started_at)
    return issued


@shared_task(
    acks_late=True, soft_time_limit=60, time_limit=90, autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def certificate_render_pdf_task(certificate_id: int, force: bool = False) -> bool:
    """Render and store the certificate PDF and its PNG once (idempotent)."""
    return services.certificate_render_pdf(certificate_id=certificate_id, force=force)


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=6,
)
def certificate_email_task(certificate_id: int) -> bool:
    """Email the holder once (idempotent through a unique event key)."""
    return services.certificate_email(certificate_id=certificate_id)


@shared_task(acks_late=True)
def certificate_reconcile_task() -> dict[str, int]:
    """Finish every kind of lost work in one go (issuance, PDFs, emails, reminders): for
    tests and the shell. Beat runs the four jobs below, each on its own."""
    from certification import lifecycle

    return lifecycle.certificates_reconcile()


@shared_task(acks_late=True)
def certificate_reconcile_issuance_task(after: int = 0) -> dict[str, int]:
    """Beat job: one batch of pending issuance requests older than the grace period, from the
    cursor ``after`` (a request pk); enqueues the next batch while there is one."""
    from certification import lifecycle

    counts, cursor = lifecycle.issuance_reconcile_batch(after=after)
    if cursor is not None:
        enqueue(certificate_reconcile_issuance_task, cursor)
    return counts


@shared_task(acks_late=True)
def certificate_reconcile_pdfs_task() -> int:
    """Beat job: enqueue again the renders of certificates still without a PDF."""
    from certification import lifecycle

    return lifecycle.pdfs_reconcile()


@shared_task(acks_late=True)
def certificate_reconcile_emails_task() -> int:
    """Beat job: enqueue again the emails of certificates whose holder was never emailed."""
    from certification import lifecycle

    return lifecycle.emails_reconcile()


@shared_task(acks_late=True)
def certificate_reconcile_reminders_task() -> int:
    """Beat job: enqueue again the renewal reminder batches whose message was lost."""
    from certification import lifecycle

    return lifecycle.reminder_batches_reconcile()


@shared_task(acks_late=True)
def certificate_expiry_reminders_task() -> int:
    """Beat job: 90/60/30/7-day reminders and renewal enrolment (idempotent per threshold)."""
    from certification import lifecycle

    return lifecycle.certificate_expiry_reminders_send()


@shared_task(acks_late=True)
def bulk_render_task(bulk_id: int) -> int:
    """Fan out one render per certificate of a programme, tracking progress."""
    from certification import lifecycle

    return lifecycle.bulk_render_start(bulk_id=bulk_id)


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def bulk_render_one_task(bulk_id: int, certificate_id: int) -> bool:
    from certification import lifecycle

    return lifecycle.bulk_render_one(bulk_id=bulk_id, certificate_id=certificate_id)


@shared_task(acks_late=True)
def certificate_reminder_batch_task(batch_id: int) -> dict[str, int]:
    """Send the renewal reminders HR asked for on the report (idempotent per reminder)."""
    from certification import lifecycle

    return lifecycle.reminder_batch_send(batch_id=batch_id)
