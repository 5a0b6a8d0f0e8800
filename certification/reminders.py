"""HR's "remind these people" on the certification report: renewal reminders to the holders
of expiring or expired certificates (``certification.admin_views.ReminderConfirmView`` asks,
``certificate_reminder_batch_task`` sends). The shape shared with the policy report's
acknowledgement reminders lives in ``lms.reminders``.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from certification import notifications, selectors, services, tasks
from certification.models import Certificate, CertificateEvent, HolderReminder, ReminderBatch
from lms import reminders

if TYPE_CHECKING:
    from lms.people.models import User

logger = logging.getLogger(__name__)

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
