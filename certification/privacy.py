"""Personal data held by the certification layer (see ``lms.people.privacy``)."""

from lms.people import privacy


def export_certificates(user) -> list[dict]:
    from certification.models import Certificate

    return [
        {
            "programme": c.program.name,
            "code": c.code,
            "holder_name": c.holder_name,
            "state": c.state(),
            "issued_at": c.issued_at.isoformat(),
            "expires_at": c.expires_at.isoformat() if c.expires_at else None,
            "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
            "revocation_reason": c.revocation_reason,
        }
        for c in Certificate.objects.filter(user=user).select_related("program").order_by("issued_at")
    ]


def export_renewals(user) -> list[dict]:
    from certification.models import RenewalEnrolment

    return [
        {
            "code": r.certificate.code,
            "started_at": r.started_at.isoformat(),
            "completed_at": r.completed_at.isoformat() if r.completed_at else None,
        }
        for r in RenewalEnrolment.objects.filter(certificate__user=user).select_related("certificate")
    ]


def export_holder_reminders(user) -> list[dict]:
    from certification.models import HolderReminder

    return [
        {
            "code": r.certificate.code,
            "day": r.day.isoformat(),
            "state": r.state,
            "sent_at": r.sent_at.isoformat() if r.sent_at else None,
        }
        for r in HolderReminder.objects.filter(certificate__user=user).select_related("certificate").order_by("pk")
    ]


def register() -> None:
    privacy.register("certification.Certificate", export_certificates)
    privacy.register("certification.RenewalEnrolment", export_renewals)
    privacy.register("certification.HolderReminder", export_holder_reminders)
    privacy.register_not_personal(
        "certification.CertificateEvent",
        "actor is the HR user behind an audit entry; the holder's data is on the certificate",
    )
    privacy.register_not_personal("certification.BulkRender", "requested_by is the HR user who asked for a bulk render")
    privacy.register_not_personal(
        "certification.ReminderBatch", "requested_by is the HR user who asked for renewal reminders"
    )
