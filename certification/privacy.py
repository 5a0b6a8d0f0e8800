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


def erase_certificates(user) -> int:
    """Every certificate of the person is revoked with the reason ``erased`` (the public
    verification page then says revoked, with no name; the status list marks it), the holder
    name is blanked and the PDF and preview image are deleted."""
    from certification import services
    from certification.models import Certificate

    changed = 0
    for certificate in Certificate.objects.filter(user=user).order_by("pk"):
        if certificate.status != Certificate.Status.REVOKED:
            certificate = services.certificate_revoke(
                certificate=certificate, actor=None, reason=services.ERASED_REASON
            )
            changed += 1
        if certificate.holder_name or certificate.pdf or certificate.og_image:
            services.certificate_forget_holder(certificate=certificate)
            changed += 1
    return changed


def export_issuance_requests(user) -> list[dict]:
    from certification.models import IssuanceRequest

    return [
        {"requested_at": requested_at}
        for requested_at in IssuanceRequest.objects.filter(user=user).values_list("requested_at", flat=True)
    ]


def erase_issuance_requests(user) -> int:
    from certification.models import IssuanceRequest

    deleted, _ = IssuanceRequest.objects.filter(user=user).delete()
    return deleted


def register() -> None:
    privacy.register("certification.IssuanceRequest", export_issuance_requests, erase_issuance_requests)
    privacy.register("certification.Certificate", export_certificates, erase_certificates)
    # Renewals and reminders name nobody once the account is erased, and a revoked
    # certificate is never reminded.
    privacy.register("certification.RenewalEnrolment", export_renewals, privacy.kept_anonymous)
    privacy.register("certification.HolderReminder", export_holder_reminders, privacy.kept_anonymous)
    privacy.register_not_personal(
        "certification.CertificateEvent",
        "actor is the HR user behind an audit entry; the holder's data is on the certificate",
    )
    privacy.register_not_personal("certification.BulkRender", "requested_by is the HR user who asked for a bulk render")
    privacy.register_not_personal(
        "certification.ReminderBatch", "requested_by is the HR user who asked for renewal reminders"
    )
