"""The public surface of the certification layer. Higher layers import this, never the models."""

from __future__ import annotations

from certification import selectors
from certification.data import AdvocacyAccess, CertificateSummary

__all__ = ["AdvocacyAccess", "CertificateSummary", "advocacy_access", "user_certificates"]


def advocacy_access(user) -> AdvocacyAccess:
    """allowed / reason / next step. Reasons: no_certificate, expired, revoked,
    policy_reacknowledgement. Evaluated on every call, never cached as a role."""
    return selectors.advocacy_access(user)


def user_certificates(user) -> list[CertificateSummary]:
    return [
        CertificateSummary(
            code=c.code,
            program_name=c.program.localised("name"),
            state=c.state(),
            issued_at=c.issued_at,
            expires_at=c.expires_at,
            verify_url=selectors.verification_url(c),
            pdf_ready=bool(c.pdf),
        )
        for c in selectors.user_certificates(user=user)
    ]


def dashboard(user) -> dict:
    """What /me/ shows about certification: certificates, share links, pending, progress."""
    return selectors.dashboard(user=user)


def demo_certificates(**kwargs) -> dict:
    """The demo programme and one certificate per state (see ``certification.demo``)."""
    from certification import demo

    return demo.demo_certificates(**kwargs)
