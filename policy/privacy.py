"""Personal data held by the policy layer (see ``lms.people.privacy``)."""

from lms.people import privacy


def export_acknowledgements(user) -> list[dict]:
    from policy.models import PolicyAcknowledgement

    return [
        {
            "version": ack.version.number,
            "language": ack.language,
            "text_sha256": ack.text_sha256,
            "acknowledged_at": ack.acknowledged_at.isoformat(),
        }
        for ack in PolicyAcknowledgement.objects.filter(user=user).select_related("version").order_by("acknowledged_at")
    ]


def export_acknowledgement_reminders(user) -> list[dict]:
    from policy.models import AcknowledgementReminder

    return [
        {
            "version": reminder.version.number,
            "day": reminder.day.isoformat(),
            "state": reminder.state,
            "sent_at": reminder.sent_at.isoformat() if reminder.sent_at else None,
        }
        for reminder in AcknowledgementReminder.objects.filter(user=user).select_related("version").order_by("pk")
    ]


def erase_acknowledgement_reminders(user) -> int:
    from policy.models import AcknowledgementReminder

    deleted, _ = AcknowledgementReminder.objects.filter(user=user).delete()
    return deleted


def register() -> None:
    # Which version was accepted, when: kept, anonymous once the account is erased (the
    # acknowledgement report's figures do not change).
    privacy.register("policy.PolicyAcknowledgement", export_acknowledgements, privacy.kept_anonymous)
    # Reminders to accept the policy say who was reminded, when: nothing left once erased.
    privacy.register(
        "policy.AcknowledgementReminder", export_acknowledgement_reminders, erase_acknowledgement_reminders
    )
    privacy.register_not_personal(
        "policy.AcknowledgementReminderBatch", "requested_by is the HR user who asked for the reminders"
    )
    privacy.register_not_personal(
        "policy.PolicyVersion", "published_by names the HR editor who published a version: an audit field of the policy"
    )
