"""Reads of the certification layer. Status is computed at read time, never cached."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.utils import timezone

from certification.data import EXPIRED, NO_CERTIFICATE, POLICY_REACKNOWLEDGEMENT, REVOKED, AdvocacyAccess
from certification.models import CODE_ALPHABET, Certificate, CertificationProgram
from policy import api as policy_api


def normalise_code(raw: str) -> str | None:
    """The canonical form of a typed or printed code, or ``None`` if it cannot be one."""
    compact = re.sub(r"[\s-]", "", (raw or "").upper())[:40]
    if len(compact) != 26 or any(ch not in CODE_ALPHABET for ch in compact):
        return None
    return "-".join(compact[i : i + 5] for i in range(0, 26, 5))


def certificate_by_code(raw: str) -> Certificate | None:
    """One indexed lookup by the unique code; malformed codes never reach the database."""
    code = normalise_code(raw)
    if code is None:
        return None
    return Certificate.objects.select_related("program", "user").filter(code=code).first()


def base_url() -> str:
    return settings.PORTE_VOIX_BASE_URL


def verification_url(certificate: Certificate) -> str:
    return f"{base_url()}/certificates/{certificate.code}/"


def issuer_name() -> str:
    return settings.PORTE_VOIX_ORGANISATION_NAME


def user_certificates(*, user) -> list[Certificate]:
    return list(Certificate.objects.filter(user=user).select_related("program").order_by("-issued_at"))


def pending_programs(*, user) -> list[CertificationProgram]:
    """Programmes the user qualifies for but whose certificate is not there yet ("being prepared")."""
    from certification.services import program_eligibility
    from courses import api as courses_api

    held = set(Certificate.objects.filter(user=user).values_list("program_id", flat=True))
    programs = list(
        CertificationProgram.objects.filter(active=True).exclude(pk__in=held).prefetch_related("requirements__courses")
    )
    completions = courses_api.course_completions(user.pk) if programs else {}
    pending = []
    for program in programs:
        if program_eligibility(user=user, program=program, completions=completions).eligible:
            pending.append(program)
    return pending


def advocacy_access(user, now=None) -> AdvocacyAccess:
    """The advocacy gate: allowed only with a valid certificate of a programme that unlocks
    advocacy, and (when the programme asks) the current policy acknowledged. Evaluated on
    every request; never cached."""
    if not getattr(user, "is_authenticated", False):
        return AdvocacyAccess(False, NO_CERTIFICATE, settings.LOGIN_URL)
    now = now or timezone.now()
    certificates = list(
        Certificate.objects.filter(user=user, program__unlocks_advocacy=True, program__active=True)
        .select_related("program")
        .order_by("-issued_at")
    )
    valid = [c for c in certificates if c.state(now) == "valid"]
    if valid:
        certificate = valid[0]
        if certificate.program.requires_policy_acknowledgement and not policy_api.has_acknowledged_current(user):
            return AdvocacyAccess(
                False, POLICY_REACKNOWLEDGEMENT, policy_api.policy_url(), certificate.code, certificate.expires_at
            )
        return AdvocacyAccess(True, "", "", certificate.code, certificate.expires_at)
    if not certificates:
        return AdvocacyAccess(False, NO_CERTIFICATE, "/courses/")
    latest = certificates[0]
    if latest.state(now) == "revoked":
        # Nothing the holder can do on their own: no next step (HR reinstates or not).
        return AdvocacyAccess(False, REVOKED, "", latest.code)
    return AdvocacyAccess(False, EXPIRED, renewal_path(latest.program), latest.code, latest.expires_at)


def renewal_path(program: CertificationProgram) -> str:
    """Where a holder renews, as a path: the refresher course when the programme renews with
    one, else the catalogue. One query, and only for a refresher course."""
    if program.renewal_mode == CertificationProgram.RenewalMode.REFRESHER and program.refresher_course_id:
        from courses import api as courses_api

        summaries = courses_api.course_summaries([program.refresher_course_id])
        if summaries and summaries[0].url:
            return summaries[0].url
    return "/courses/"


def dashboard(*, user) -> dict[str, Any]:
    """/me/: the user's certificates with state and share links, pending issuance, progress."""
    from certification import sharing

    now = timezone.now()
    rows = []
    for certificate in user_certificates(user=user):
        state = certificate.state(now)
        url = verification_url(certificate)
        name = certificate.program.localised("name")
        rows.append(
            {
                "certificate": certificate,
                "state": state,
                "program_name": name,
                "verify_url": url,
                "pdf_ready": bool(certificate.pdf),
                "linkedin_add": sharing.linkedin_add_to_profile_url(
                    name=name,
                    cert_url=url,
                    cert_id=certificate.code,
                    issued_at=certificate.issued_at,
                    expires_at=certificate.expires_at,
                )
                if state == "valid"
                else "",
            }
        )
    return {
        "certificates": rows,
        "pending_programs": pending_programs(user=user),
        "advocacy": advocacy_access(user, now),
    }
