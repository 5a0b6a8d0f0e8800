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


def register() -> None:
    # Which version was accepted, when: kept, anonymous once the account is erased (the
    # acknowledgement report's figures do not change).
    privacy.register("policy.PolicyAcknowledgement", export_acknowledgements, privacy.kept_anonymous)
    privacy.register_not_personal(
        "policy.PolicyVersion", "published_by names the HR editor who published a version: an audit field of the policy"
    )
