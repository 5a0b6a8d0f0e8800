"""HR's reminders to accept the current version of the policy: the batch and reminder rows (the
shape shared with the certification report's renewal reminders is ``lms.reminders``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.reminders import ReminderBase, ReminderBatchBase
from policy.models.versions import PolicyVersion


class AcknowledgementReminderBatch(ReminderBatchBase):
    """HR's "remind these people" on the acknowledgement report: who asked, when, for which
    version, with which filter, and how many reminders it queued. The emails are
    ``AcknowledgementReminder`` rows, sent by one task (``acknowledgement_reminder_batch_task``)."""

    requested_at = models.DateTimeField(_("requested on"))
    version = models.ForeignKey(PolicyVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="+")

    class Meta(ReminderBatchBase.Meta):
        verbose_name = _("acknowledgement reminder batch")
        verbose_name_plural = _("acknowledgement reminder batches")


class AcknowledgementReminder(ReminderBase):
    """One reminder to accept a policy version, asked by HR for one person on one day: at most
    one per (person, version, day), whatever the clicks or the deliveries of the task."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    version = models.ForeignKey(PolicyVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(
        AcknowledgementReminderBatch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="reminders"
    )

    class Meta(ReminderBase.Meta):
        verbose_name = _("acknowledgement reminder")
        verbose_name_plural = _("acknowledgement reminders")
        constraints = [
            models.UniqueConstraint(fields=["user", "version", "day"], name="ackreminder_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.version_id} {self.day}"
