"""The life of a certificate after issuance: reconciliation, expiry reminders, renewal,
bulk PDF re-issue. Called by beat jobs and tasks (see ``certification.tasks``).

Every function is idempotent: the database remembers what was done (unique event keys,
``RenewalEnrolment`` one-to-one, conditional updates), so a job run twice, or a message
delivered twice, does the work once.
"""

from __future__ import annotations

import logging
import math
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from certification import notifications, selectors, services, tasks
from certification.models import (
    BulkRender,
    Certificate,
    CertificateEvent,
    CertificationProgram,
    HolderReminder,
    IssuanceRequest,
    ReminderBatch,
    RenewalEnrolment,
)
from courses import api as courses_api
from lms import broker, reminders

if TYPE_CHECKING:
    from lms.people.models import User

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
REMINDER_DAYS = (90, 60, 30, 7)
EMAIL_ISSUED_KEY = "email:issued"
RENEWAL_KEY = "renewal:started"


def reminder_key(days: int) -> str:
    return f"reminder:{days}"


def bulk_key(bulk_id: int) -> str:
    return f"bulk:{bulk_id}"


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


# --- expiry reminders and renewal -------------------------------------------------------------


def _renewal_course_ids(certificate: Certificate) -> list[int]:
    """The courses the holder goes through again: the refresher, or for a full renewal every
    course of every requirement they had completed."""
    program = certificate.program
    if program.renewal_mode == CertificationProgram.RenewalMode.REFRESHER and program.refresher_course_id:
        return [program.refresher_course_id]
    completed = courses_api.course_completions(certificate.user_id)
    course_ids: list[int] = []
    for requirement in program.requirements.all():
        for course in requirement.courses.all():
            if course.pk in completed and course.pk not in course_ids:
                course_ids.append(course.pk)
    return course_ids


def renewal_start(*, certificate: Certificate, now: datetime | None = None) -> RenewalEnrolment | None:
    """Start the renewal of ``certificate`` once: a ``RenewalEnrolment`` from ``now``, an audit
    entry, and the holder re-enrolled in the renewal path (``courses.api.enrollment_restart``).

    Idempotent: returns ``None`` when the renewal had already started. All or nothing: if a
    re-enrolment fails, no renewal is recorded and the next run tries again.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            renewal = RenewalEnrolment.objects.create(certificate=certificate, started_at=now)
            course_ids = _renewal_course_ids(certificate)
            CertificateEvent.objects.create(
                certificate=certificate,
                action=CertificateEvent.Action.RENEWAL_STARTED,
                at=now,
                key=RENEWAL_KEY,
                after={"mode": certificate.program.renewal_mode, "courses": course_ids},
            )
            for course_id in course_ids:
                courses_api.enrollment_restart(certificate.user_id, course_id)
    except IntegrityError:
        return None
    return renewal


def _reminder_claim(certificate: Certificate, days: int, now: datetime) -> bool:
    """Record that the ``days`` reminder is being sent; False if it already was."""
    try:
        with transaction.atomic():
            CertificateEvent.objects.create(
                certificate=certificate,
                action=CertificateEvent.Action.REMINDED,
                at=now,
                key=reminder_key(days),
                after={"days": days},
            )
    except IntegrityError:
        return False
    return True


def certificate_expiry_reminders_send(*, now: datetime | None = None) -> int:
    """Expiry reminders at 90, 60, 30 and 7 days, and the start of the renewal (beat job).

    For each certificate that is not revoked, not yet renewed, and expires within 90 days:
    every threshold crossed is recorded once (event key ``reminder:<days>``, unique, and
    ``reminders_sent``). A run that crosses several thresholds at once (the job was down, or
    the certificate is short-lived) sends one email, for the nearest one, never a burst.
    The email goes out in the holder's language. The first reminder also starts the renewal
    (``renewal_start``). A certificate that expired without a renewal (e.g. the job never
    saw its window) gets the renewal started, without an email.

    Idempotent: a second run sends nothing and starts nothing. If an email cannot be sent,
    its record is removed, so the next run tries again. Returns the number of emails sent.
    """
    now = now or timezone.now()
    sent = 0
    horizon = now + timedelta(days=max(REMINDER_DAYS))
    due = (
        Certificate.objects.not_revoked()
        .filter(expires_at__isnull=False, expires_at__lte=horizon, superseded_by__isnull=True)
        .filter(Q(expires_at__gt=now) | Q(renewal__isnull=True))
        .select_related("program", "user", "renewal")
        .prefetch_related("program__requirements__courses")
        .order_by("expires_at", "pk")
    )
    for certificate in due:
        if certificate.program.active and _certificate_remind(certificate=certificate, now=now):
            sent += 1
    return sent


def _certificate_remind(*, certificate: Certificate, now: datetime) -> bool:
    """One certificate of ``certificate_expiry_reminders_send``: claim the thresholds crossed,
    email the nearest, start the renewal. Returns whether an email went out."""
    expires_at = certificate.expires_at
    if expires_at is None:
        return False
    if expires_at <= now:
        if not hasattr(certificate, "renewal"):
            renewal_start(certificate=certificate, now=now)
        return False
    remaining = expires_at - now
    crossed = [days for days in REMINDER_DAYS if remaining <= timedelta(days=days)]
    claimed = [days for days in crossed if _reminder_claim(certificate, days, now)]
    emailed = False
    if claimed:
        try:
            notifications.send_expiry_reminder(
                certificate, math.ceil(remaining / timedelta(days=1)), selectors.renewal_url(certificate.program)
            )
        except Exception:
            # Forget the claims so that the next run sends the reminder (and starts the renewal).
            logger.exception("expiry reminder for certificate %s failed", certificate.pk)
            CertificateEvent.objects.filter(
                certificate=certificate, key__in=[reminder_key(days) for days in claimed]
            ).delete()
            return False
        emailed = True
        recorded = sorted(set(certificate.reminders_sent) | set(claimed), reverse=True)
        Certificate.objects.filter(pk=certificate.pk).update(reminders_sent=recorded)
        logger.info("expiry reminder (%s days) sent for certificate %s", min(claimed), certificate.pk)
    if crossed and not hasattr(certificate, "renewal"):
        renewal_start(certificate=certificate, now=now)
    return emailed


# --- renewal reminders asked by HR (the certification report) ------------------------------------

REMIND_ACTION = "certification.remind_holders"


def reminder_key_hr(day: date) -> str:
    return f"hr-reminder:{day.isoformat()}"


class ReminderSelection(reminders.ReminderSelection):
    """Who a "remind these people" would reach now: the certificates of the filtered list
    (``ids``), and among them those already reminded on ``day``."""


def reminder_selection(
    *,
    bucket: str,
    program_id: int | None = None,
    department_id: int | None = None,
    no_department: bool = False,
    now: datetime | None = None,
) -> ReminderSelection:
    """The certificates of the report's list for this filter, which must name a bucket whose
    holders can renew (expiring within 30, 60 or 90 days, or expired); raises
    ``CertificationError`` (400) for any other bucket. Reads only."""
    if bucket not in selectors.REMINDABLE_BUCKETS:
        raise services.CertificationError(
            "not_remindable",
            _("Reminders go to the holders of expiring or expired certificates: choose one of those statuses."),
            status=400,
        )
    now = now or timezone.now()
    day = timezone.localdate(now)
    queryset = selectors.report_filter(
        selectors.report_certificates(now=now),
        program_id=program_id,
        department_id=department_id,
        no_department=no_department,
        bucket=bucket,
    )
    certificate_ids = tuple(queryset.order_by("pk").values_list("pk", flat=True))
    already = selectors.reminded_on(certificate_ids=list(certificate_ids), day=day)
    return ReminderSelection(day=day, ids=certificate_ids, already_reminded=frozenset(already))


@transaction.atomic
def reminder_batch_create(
    *,
    requested_by: User | None,
    bucket: str,
    program_id: int | None = None,
    department_id: int | None = None,
    no_department: bool = False,
    filters: dict[str, str] | None = None,
    now: datetime | None = None,
) -> ReminderBatch:
    """HR's "remind these people": one ``HolderReminder`` per certificate of the filtered list
    not yet reminded today (a reminder that failed today is queued again), a ``ReminderBatch``
    with the counts, a Wagtail log entry (actor, filter, counts), and one
    ``certificate_reminder_batch_task`` enqueued on commit when there is anything to send.

    Idempotent per day: ``HolderReminder`` is unique per (certificate, day), so asking twice,
    even at the same time, queues one reminder per certificate. Raises ``CertificationError``
    (400) for a bucket whose holders cannot be reminded.
    """
    now = now or timezone.now()
    selection = reminder_selection(
        bucket=bucket, program_id=program_id, department_id=department_id, no_department=no_department, now=now
    )
    batch = ReminderBatch.objects.create(
        requested_by=requested_by, requested_at=now, day=selection.day, filters=dict(filters or {})
    )
    # A reminder whose email failed earlier today is sent again with this batch.
    queued = reminders.batch_fill(
        batch,
        failed=HolderReminder.objects.filter(certificate_id__in=selection.ids, day=selection.day),
        new=[HolderReminder(certificate_id=pk, day=selection.day, batch=batch) for pk in selection.to_remind],
        selected=len(selection.ids),
    )
    log(
        instance=batch,
        action=REMIND_ACTION,
        user=requested_by,
        data={"filters": batch.filters, "queued": batch.queued, "already_reminded": batch.already_reminded},
    )
    if queued:
        tasks.enqueue_on_commit(tasks.certificate_reminder_batch_task, batch.pk)
    else:
        ReminderBatch.objects.filter(pk=batch.pk).update(finished_at=now)
    return batch


def reminder_batch_send(*, batch_id: int, now: datetime | None = None) -> dict[str, int]:
    """Send the reminders of a batch: each queued ``HolderReminder`` is claimed (queued →
    sending, a conditional update), emailed in the holder's language with their renewal link,
    then marked sent with an audit event on the certificate (``hr-reminder:<day>``). An email
    that fails marks its reminder failed (a later "remind" on the same day queues it again).

    Idempotent: a reminder is claimed once, so a task run twice, or two runs at once, send one
    email per reminder. Returns ``{"sent": n, "failed": n}``.
    """
    now = now or timezone.now()
    counts = {"sent": 0, "failed": 0}
    batch = ReminderBatch.objects.select_related("requested_by").get(pk=batch_id)
    pending = list(
        HolderReminder.objects.filter(batch_id=batch_id, state=HolderReminder.State.QUEUED)
        .select_related("certificate__program", "certificate__user")
        .order_by("pk")
    )
    for reminder in pending:
        if not HolderReminder.claim(reminder.pk):
            continue
        certificate = reminder.certificate
        if certificate.status == Certificate.Status.REVOKED:
            # Revoked (or its holder erased) after HR queued the reminder: nothing to renew.
            HolderReminder.mark(reminder.pk, HolderReminder.State.FAILED, error="revoked before sending")
            counts["failed"] += 1
            continue
        try:
            notifications.send_renewal_reminder(certificate, selectors.renewal_url(certificate.program), now)
        except Exception as error:
            logger.exception("renewal reminder %s (certificate %s) failed", reminder.pk, certificate.pk)
            HolderReminder.mark(reminder.pk, HolderReminder.State.FAILED, error=str(error))
            counts["failed"] += 1
            continue
        HolderReminder.mark(reminder.pk, HolderReminder.State.SENT, sent_at=now)
        try:
            with transaction.atomic():
                CertificateEvent.objects.create(
                    certificate=certificate,
                    action=CertificateEvent.Action.REMINDED,
                    actor=batch.requested_by,
                    at=now,
                    key=reminder_key_hr(reminder.day),
                    after={"batch": batch.pk, "requested_by_hr": True},
                )
        except IntegrityError:
            pass  # already recorded for that day
        counts["sent"] += 1
    ReminderBatch.finish_if_sent(batch_id, now)
    return counts


# --- bulk PDF re-issue ----------------------------------------------------------------------


def bulk_render_create(*, program: CertificationProgram, requested_by: User | None = None) -> BulkRender:
    """HR asks for every PDF of ``program`` to be rendered again: a ``BulkRender`` row, and
    the fan-out task enqueued on commit (``bulk_render_start`` does the work)."""
    bulk = BulkRender.objects.create(program=program, requested_by=requested_by)
    tasks.enqueue_on_commit(tasks.bulk_render_task, bulk.pk)
    return bulk


def _finish_if_done(bulk_id: int) -> None:
    BulkRender.objects.filter(pk=bulk_id, finished_at__isnull=True, total__lte=F("done") + F("failed")).update(
        finished_at=timezone.now()
    )


def bulk_render_start(*, bulk_id: int) -> int:
    """Count the programme's certificates that are not revoked, store the total, and enqueue
    one ``bulk_render_one_task`` per certificate. Returns the total.

    Idempotent: a bulk render that has already started is not fanned out again. A message
    the broker refuses is rendered here, in this worker, so progress always reaches the total.
    """
    bulk = BulkRender.objects.get(pk=bulk_id)
    certificate_ids = list(
        Certificate.objects.not_revoked().filter(program_id=bulk.program_id).order_by("pk").values_list("pk", flat=True)
    )
    started = BulkRender.objects.filter(pk=bulk_id, total=0, done=0, failed=0, finished_at__isnull=True).update(
        total=len(certificate_ids)
    )
    if not started:
        return BulkRender.objects.get(pk=bulk_id).total
    if not certificate_ids:
        _finish_if_done(bulk_id)
        return 0
    for certificate_id in certificate_ids:
        if not tasks.enqueue(tasks.bulk_render_one_task, bulk_id, certificate_id):
            bulk_render_one(bulk_id=bulk_id, certificate_id=certificate_id)
    return len(certificate_ids)


def bulk_render_one(*, bulk_id: int, certificate_id: int) -> bool:
    """Render one certificate of a bulk re-issue (``force=True``) and count it: ``done``, or
    ``failed`` with the error kept on the certificate (``render_error``, shown in the admin).
    Sets ``finished_at`` when ``done + failed`` reaches ``total``. Counters move with F().

    Idempotent: the re-issue is recorded with the event key ``bulk:<id>``, so a redelivered
    message neither renders nor counts the certificate twice. Returns whether it rendered.
    """
    key = bulk_key(bulk_id)
    if CertificateEvent.objects.filter(certificate_id=certificate_id, key=key).exists():
        return False
    try:
        services.certificate_render_pdf(certificate_id=certificate_id, force=True, event_key=key)
    except IntegrityError:
        return False  # a duplicate delivery finished first and counted it
    except Exception:
        logger.exception("bulk render %s: certificate %s failed", bulk_id, certificate_id)
        BulkRender.objects.filter(pk=bulk_id).update(failed=F("failed") + 1)
        _finish_if_done(bulk_id)
        return False
    BulkRender.objects.filter(pk=bulk_id).update(done=F("done") + 1)
    _finish_if_done(bulk_id)
    return True


__all__ = [
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
    "reminder_selection",
    "renewal_start",
]
