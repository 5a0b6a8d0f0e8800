"""HR's "remind these people" on the acknowledgement report (services: writes).

The shape shared with the certification report's renewal reminders (``lms.reminders``): a
confirmation page counts who will be reminded, the request creates a batch and one reminder row
per person (unique per person, version and day), leaves a Wagtail log entry, and one task sends
the emails.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from wagtail.log_actions import log

from lms import reminders
from lms.i18n import language_code, single_line
from policy import selectors, tasks
from policy.models import AcknowledgementReminder, AcknowledgementReminderBatch, PolicyAcknowledgement, PolicyVersion

if TYPE_CHECKING:
    from lms.people.models import User

logger = logging.getLogger(__name__)

REMIND_ACTION = "policy.remind_acknowledgements"


@dataclass(frozen=True)
class ReminderSelection(reminders.ReminderSelection):
    """Who a "remind these people" would reach now: the people of the filtered report who have
    not accepted ``version`` (``ids``), and among them those already reminded on ``day``."""

    version: PolicyVersion


def reminder_selection(*, department_id: int | None = None, now: datetime | None = None) -> ReminderSelection | None:
    """The people of the report (one department, or everyone) who have not accepted the
    current version; ``None`` before the first version. Reads only."""
    users, current = selectors.acknowledgement_report(department_id=department_id)
    if current is None:
        return None
    day = timezone.localdate(now or timezone.now())
    user_ids = tuple(users.filter(Q(has_acknowledged=False)).order_by("pk").values_list("pk", flat=True))
    already = selectors.reminded_on(user_ids=list(user_ids), version=current, day=day)
    return ReminderSelection(version=current, day=day, ids=user_ids, already_reminded=frozenset(already))


@transaction.atomic
def acknowledgement_reminder_batch_create(
    *,
    requested_by: User | None,
    department_id: int | None = None,
    filters: dict[str, str] | None = None,
    now: datetime | None = None,
) -> AcknowledgementReminderBatch | None:
    """One ``AcknowledgementReminder`` per person of the filtered report who has not accepted
    the current version and was not reminded today (a reminder that failed today is queued
    again), an ``AcknowledgementReminderBatch`` with the counts, a Wagtail log entry (actor,
    filter, counts), and one ``acknowledgement_reminder_batch_task`` enqueued on commit when
    there is anything to send. ``None`` (nothing written) before the first version.

    Idempotent per day: reminders are unique per (person, version, day), so asking twice,
    even at the same time, queues one reminder per person.
    """
    now = now or timezone.now()
    selection = reminder_selection(department_id=department_id, now=now)
    if selection is None:
        return None
    batch = AcknowledgementReminderBatch.objects.create(
        requested_by=requested_by,
        requested_at=now,
        version=selection.version,
        day=selection.day,
        filters=dict(filters or {}),
    )
    queued = reminders.batch_fill(
        batch,
        failed=AcknowledgementReminder.objects.filter(
            user_id__in=selection.ids, version=selection.version, day=selection.day
        ),
        new=[
            AcknowledgementReminder(user_id=pk, version=selection.version, day=selection.day, batch=batch)
            for pk in selection.to_remind
        ],
        selected=len(selection.ids),
    )
    log(
        instance=batch,
        action=REMIND_ACTION,
        user=requested_by,
        data={
            "version": selection.version.number,
            "filters": batch.filters,
            "queued": batch.queued,
            "already_reminded": batch.already_reminded,
        },
    )
    if queued:
        tasks.enqueue_on_commit(tasks.acknowledgement_reminder_batch_task, batch.pk)
    else:
        AcknowledgementReminderBatch.objects.filter(pk=batch.pk).update(finished_at=now)
    return batch


def _send(reminder: AcknowledgementReminder) -> None:
    user = reminder.user
    with translation.override(language_code(user.preferred_language or settings.LANGUAGE_CODE)):
        context = {
            "user": user,
            "version": reminder.version,
            "policy_url": settings.PORTE_VOIX_BASE_URL + selectors.policy_url(),
        }
        subject = single_line(render_to_string("policy/email/acknowledgement_reminder_subject.txt", context))
        body = render_to_string("policy/email/acknowledgement_reminder.txt", context)
    EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]).send()


def acknowledgement_reminder_batch_send(*, batch_id: int, now: datetime | None = None) -> dict[str, int]:
    """Send the reminders of a batch: each queued reminder is claimed (queued → sending, a
    conditional update), emailed in the person's language with the policy's address, then
    marked sent. A person who accepted the version meanwhile is skipped (marked sent, no email);
    an email that fails marks its reminder failed (a later "remind" on the same day queues it
    again).

    Idempotent: a reminder is claimed once, so a task run twice, or two runs at once, send one
    email per reminder. Returns ``{"sent": n, "skipped": n, "failed": n}``.
    """
    now = now or timezone.now()
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    pending = list(
        AcknowledgementReminder.objects.filter(batch_id=batch_id, state=AcknowledgementReminder.State.QUEUED)
        .select_related("user", "version")
        .order_by("pk")
    )
    for reminder in pending:
        if not AcknowledgementReminder.claim(reminder.pk):
            continue
        accepted = PolicyAcknowledgement.objects.filter(user_id=reminder.user_id, version=reminder.version).exists()
        if accepted or not reminder.user.is_active or not reminder.user.email:
            AcknowledgementReminder.mark(reminder.pk, AcknowledgementReminder.State.SENT, error="not needed any more")
            counts["skipped"] += 1
            continue
        try:
            _send(reminder)
        except Exception as error:
            logger.exception("acknowledgement reminder %s failed", reminder.pk)
            AcknowledgementReminder.mark(reminder.pk, AcknowledgementReminder.State.FAILED, error=str(error))
            counts["failed"] += 1
            continue
        AcknowledgementReminder.mark(reminder.pk, AcknowledgementReminder.State.SENT, sent_at=now)
        counts["sent"] += 1
    AcknowledgementReminderBatch.finish_if_sent(batch_id, now)
    return counts
