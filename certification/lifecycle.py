"""The life of a certificate after issuance. This module finds and finishes the work whose
message was lost (reconciliation: issuance, PDFs, emails, HR's reminder batches), called by
beat jobs and tasks (see ``certification.tasks``); it also re-exports the other parts, each in
its own module: expiry reminders and renewal (``certification.renewal``), HR's renewal reminders
(``certification.reminders``), bulk PDF re-issue (``certification.bulk_render``).

Every function is idempotent: the database remembers what was done (unique event keys,
``RenewalEnrolment`` one-to-one, conditional updates), so a job run twice, or a message
delivered twice, does the work once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from certification import services, tasks
from certification.bulk_render import bulk_key, bulk_render_create, bulk_render_one, bulk_render_start
from certification.models import Certificate, HolderReminder, IssuanceRequest, ReminderBatch
from certification.reminders import (
    REMIND_ACTION,
    ReminderSelection,
    reminder_batch_create,
    reminder_batch_send,
    reminder_key_hr,
    reminder_selection,
)
from certification.renewal import (
    REMINDER_DAYS,
    RENEWAL_KEY,
    certificate_expiry_reminders_send,
    reminder_key,
    renewal_start,
)
from lms import broker

logger = logging.getLogger(__name__)

# Work younger than the grace period is still in flight (the task was enqueued on commit);
# older work whose result is missing was lost (broker down, worker killed before it ran or
# while it ran: the filesystem broker forgets a message once a worker took it). Ten minutes
# with Redis; one minute in the embedded setup (``PORTE_VOIX_RECONCILE_GRACE_SECONDS``), whose
# beat looks every 30 s, so lost work is found within 90 s there.
RECONCILE_BATCH = 500
# PDFs and emails are not enqueued again while the embedded queue has a message waiting
# longer than this: the work is most likely among them, and a backlog must not be doubled.
BACKLOG_TOLERANCE_SECONDS = 5
EMAIL_ISSUED_KEY = "email:issued"


# --- reconciliation ------------------------------------------------------------------------


def reconcile_grace() -> timedelta:
    return timedelta(seconds=settings.PORTE_VOIX_RECONCILE_GRACE_SECONDS)


def issuance_reconcile_batch(
    *, after: int = 0, limit: int | None = None, now: datetime | None = None
) -> tuple[dict[str, int], int | None]:
    """Run issuance for one batch of pending requests (``IssuanceRequest``) older than the
    grace period, by request pk after ``after``. Returns the counts (``issued`` new
    certificates, ``requests`` handled, ``errors``) and the cursor of the next batch, None
    when this was the last. Idempotent: issuance is, and a request is closed only once its
    issuance ran (a newer request for the same person stays)."""
    now = now or timezone.now()
    limit = limit or RECONCILE_BATCH
    counts = {"issued": 0, "requests": 0, "errors": 0}
    pending = list(
        IssuanceRequest.objects.filter(pk__gt=after, requested_at__lte=now - reconcile_grace())
        .order_by("pk")
        .values_list("pk", "user_id")[:limit]
    )
    for _pk, user_id in pending:
        started_at = timezone.now()
        held = set(Certificate.objects.filter(user_id=user_id).values_list("pk", flat=True))
        try:
            certificates = services.certificates_issue_for_user(user_id=user_id)
        except Exception:
            # One user's problem must not stop the others; the request stays for the next run.
            logger.exception("reconcile: issuance failed for user %s", user_id)
            counts["errors"] += 1
            continue
        services.issuance_request_done(user_id=user_id, started_at=started_at)
        counts["requests"] += 1
        counts["issued"] += sum(1 for certificate in certificates if certificate.pk not in held)
    cursor = pending[-1][0] if len(pending) == limit else None
    return counts, cursor


def _enqueue_in_batches(queryset, task, batch: int = 1000) -> int:
    """Enqueue ``task`` for every pk of ``queryset``, reading it by pk in batches."""
    enqueued, after = 0, 0
    while True:
        pks = list(queryset.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:batch])
        for pk in pks:
            enqueued += tasks.enqueue(task, pk)
        if len(pks) < batch:
            return enqueued
        after = pks[-1]


def _backlogged(job: str) -> bool:
    waited = broker.backlog_seconds()
    if waited > BACKLOG_TOLERANCE_SECONDS:
        logger.info("reconcile %s: skipped, a message has waited %s s in the queue", job, waited)
        return True
    return False


def pdfs_reconcile(*, now: datetime | None = None) -> int:
    """Enqueue again the render of every certificate issued before the grace period without a
    PDF and without a recorded render error. Returns how many were enqueued."""
    now = now or timezone.now()
    if _backlogged("pdfs"):
        return 0
    without_pdf = Certificate.objects.not_revoked().filter(
        pdf="", render_error="", issued_at__lte=now - reconcile_grace()
    )
    return _enqueue_in_batches(without_pdf, tasks.certificate_render_pdf_task)


def emails_reconcile(*, now: datetime | None = None) -> int:
    """Enqueue again the email of every valid certificate issued before the grace period whose
    holder was never emailed. Returns how many were enqueued."""
    now = now or timezone.now()
    if _backlogged("emails"):
        return 0
    not_emailed = (
        Certificate.objects.current(now)
        .filter(issued_at__lte=now - reconcile_grace())
        .exclude(events__key=EMAIL_ISSUED_KEY)
    )
    return _enqueue_in_batches(not_emailed, tasks.certificate_email_task)


def certificates_reconcile(*, now: datetime | None = None) -> dict[str, int]:
    """Finish all certification work whose message was lost, in one call (the shell, tests);
    beat runs each part as its own task (``certification.tasks``).

    - Pending issuance requests older than the grace period: every certificate the person now
      qualifies for is issued (exactly once), all batches.
    - Certificates issued before the grace period without a PDF and without a recorded render
      error get their render enqueued again; valid ones whose holder was never emailed, the
      email.
    - Renewal reminder batches still holding queued reminders get their task again.
    Returns counts: ``issued`` (new certificates), ``pdf_enqueued``, ``email_enqueued``,
    ``reminders_enqueued`` (batches), ``errors``.
    """
    now = now or timezone.now()
    counts = {"issued": 0, "pdf_enqueued": 0, "email_enqueued": 0, "reminders_enqueued": 0, "errors": 0}
    cursor: int | None = 0
    while cursor is not None:
        batch, cursor = issuance_reconcile_batch(after=cursor, now=now)
        counts["issued"] += batch["issued"]
        counts["errors"] += batch["errors"]
    counts["pdf_enqueued"] = pdfs_reconcile(now=now)
    counts["email_enqueued"] = emails_reconcile(now=now)
    counts["reminders_enqueued"] = reminder_batches_reconcile(now=now)
    return counts


def reminder_batches_reconcile(*, now: datetime | None = None) -> int:
    """Enqueue again the task of every renewal reminder batch asked more than 10 minutes ago
    that still has queued reminders (its message was lost). Idempotent: the task claims each
    reminder once. Returns the number of batches enqueued."""
    now = now or timezone.now()
    unsent = (
        ReminderBatch.objects.filter(
            finished_at__isnull=True,
            requested_at__lte=now - reconcile_grace(),
            reminders__state=HolderReminder.State.QUEUED,
        )
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(tasks.enqueue(tasks.certificate_reminder_batch_task, batch_id) for batch_id in unsent)


__all__ = [
    "REMINDER_DAYS",
    "REMIND_ACTION",
    "RENEWAL_KEY",
    "ReminderSelection",
    "bulk_key",
    "bulk_render_create",
    "bulk_render_one",
    "bulk_render_start",
    "certificate_expiry_reminders_send",
    "certificates_reconcile",
    "emails_reconcile",
    "issuance_reconcile_batch",
    "pdfs_reconcile",
    "reminder_batch_create",
    "reminder_batch_send",
    "reminder_batches_reconcile",
    "reminder_key",
    "reminder_key_hr",
    "reminder_selection",
    "renewal_start",
]
