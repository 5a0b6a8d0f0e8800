"""The public surface of the certification layer. Higher layers import this, never the models.

Every function returns ``certification.data`` dataclasses (or plain values): display values
and URLs, never model instances.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from certification import selectors
from certification.data import AdvocacyAccess, AdvocacyFunnel, CertificateSummary, CertificationDashboard

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lms.people.models import User

__all__ = [
    "AdvocacyAccess",
    "AdvocacyFunnel",
    "CertificateSummary",
    "CertificationDashboard",
    "advocacy_access",
    "advocacy_funnel",
    "dashboard",
    "demo_certificates",
    "demo_certify",
    "hr_editor_permissions",
    "user_certificates",
]

# What HR editors do in the certification admin: programmes (no delete: certificates point at
# them), certificates (revoke, reinstate: a change), the audit trail (read), PDF re-issues, the
# certification report and its "remind these people".
HR_EDITOR_PERMISSIONS = (
    "certification.add_certificationprogram",
    "certification.change_certificationprogram",
    "certification.view_certificationprogram",
    "certification.change_certificate",
    "certification.view_certificate",
    "certification.view_certificateevent",
    "certification.report_certificate",
    "certification.remind_certificate",
    "certification.add_bulkrender",
    "certification.view_bulkrender",
)


def hr_editor_permissions() -> list[str]:
    """The model permissions (``app_label.codename``) the HR editors group needs here."""
    return list(HR_EDITOR_PERMISSIONS)


def advocacy_access(user: User | AnonymousUser) -> AdvocacyAccess:
    """allowed / reason / next step. Reasons: no_certificate, expired, revoked,
    policy_reacknowledgement. Evaluated on every call, never cached as a role."""
    return selectors.advocacy_access(user)


def advocacy_funnel() -> AdvocacyFunnel:
    """Counted now: active employees, enrolled in a course, holding a valid certificate that
    unlocks advocacy (for the advocacy dashboard's funnel)."""
    return selectors.advocacy_funnel()


def user_certificates(user: User) -> list[CertificateSummary]:
    """The user's certificates, newest first, with their state now."""
    return [selectors.certificate_summary(c) for c in selectors.user_certificates(user=user)]


def dashboard(user: User) -> CertificationDashboard:
    """What /me/ shows about certification: certificates, share links, pending, the gate."""
    return selectors.dashboard(user=user)


def demo_certificates(
    *, advocate: User, employee: User, revoked_holder: User, actor: User | None = None
) -> dict[str, Any]:
    """The demo programme and one certificate per state (see ``certification.demo``):
    ``{"program_id": id, "certificates": {role: {"code", "state"}}}``."""
    from certification import demo

    return demo.demo_certificates(advocate=advocate, employee=employee, revoked_holder=revoked_holder, actor=actor)


def demo_certify(*, users: list[User], issued_days_ago: dict[int, int]) -> dict[int, int]:
    """Valid demo certificates issued ``issued_days_ago[user.pk]`` days ago, with the current
    policy acknowledged (see ``certification.demo.demo_certify``): ``{user id: certificate id}``."""
    from certification import demo

    return demo.demo_certify(users=users, issued_days_ago=issued_days_ago)


# --- HR overview ---------------------------------------------------------------------------

if TYPE_CHECKING:
    from datetime import datetime

    from certification.data import CertificationOverview, CertifiedHeadcount


def certification_overview(
    *, weeks: int = 12, now: datetime | None = None, no_department_label: str = ""
) -> CertificationOverview:
    """Certificate status by department now (the certification report's buckets, expiring ones
    added up, every programme) and certificates issued per week over the last ``weeks`` weeks.
    Aggregates only; two queries whatever the number of certificates."""
    from django.utils import timezone

    from certification import overview
    from certification.data import CertificationOverview, DepartmentCertificates, WeeklyCount

    now = now or timezone.now()
    return CertificationOverview(
        departments=tuple(
            DepartmentCertificates(**cell)
            for cell in overview.status_by_department(now=now, no_department_label=no_department_label)
        ),
        weekly_issued=tuple(
            WeeklyCount(week_start=start, count=n) for start, n in overview.issued_per_week(weeks=weeks, now=now)
        ),
    )


def certified_headcount(*, now: datetime | None = None) -> list[CertifiedHeadcount]:
    """How many active people of each department hold a valid certificate that unlocks
    advocacy now (departments with none are left out). One query."""
    from django.utils import timezone

    from certification import overview
    from certification.data import CertifiedHeadcount

    return [CertifiedHeadcount(**row) for row in overview.certified_by_department(now=now or timezone.now())]
