"""Frozen views of the certification layer for higher layers. Standard library only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

NO_CERTIFICATE = "no_certificate"
EXPIRED = "expired"
REVOKED = "revoked"
POLICY_REACKNOWLEDGEMENT = "policy_reacknowledgement"


@dataclass(frozen=True)
class AdvocacyAccess:
    """Whether a user may use advocacy now; if not, why, and where to go next."""

    allowed: bool
    reason: str = ""
    next_step_url: str = ""
    certificate_code: str = ""
    expires_at: datetime | None = None


@dataclass(frozen=True)
class CertificateSummary:
    """One certificate as its holder sees it: ``state`` is valid, expired or revoked, computed
    when the summary was made; the URLs are absolute. ``pdf_url`` is empty while the PDF is
    being prepared, ``linkedin_add_url`` unless the certificate is valid."""

    code: str
    program_name: str
    state: str
    issued_at: datetime
    expires_at: datetime | None
    verify_url: str
    pdf_ready: bool
    pdf_url: str = ""
    linkedin_add_url: str = ""


@dataclass(frozen=True)
class CertificationDashboard:
    """What /me/ shows about certification: the user's certificates (newest first), the names
    of the programmes whose certificate is being prepared, and the advocacy gate."""

    certificates: tuple[CertificateSummary, ...]
    pending_programs: tuple[str, ...]
    advocacy: AdvocacyAccess


# --- HR overview ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WeeklyCount:
    """A figure of one week: the week's Monday (in the site's time zone) and the count."""

    week_start: date
    count: int


@dataclass(frozen=True)
class DepartmentCertificates:
    """Certificates of one department's people (``department_id`` None: people without one),
    every programme, by status now: the certification report's buckets, the three "expiring"
    ones added up."""

    department_id: int | None
    department_name: str
    valid: int
    expiring: int
    expired: int
    revoked: int

    @property
    def total(self) -> int:
        return self.valid + self.expiring + self.expired + self.revoked


@dataclass(frozen=True)
class CertificationOverview:
    """The certification part of the HR overview: status per department, and certificates
    issued per week (oldest week first, the current week last)."""

    departments: tuple[DepartmentCertificates, ...]
    weekly_issued: tuple[WeeklyCount, ...]


@dataclass(frozen=True)
class CertifiedHeadcount:
    """How many people of a department (``department_id`` None: without one) hold a valid
    certificate that unlocks advocacy now."""

    department_id: int | None
    department_name: str
    people: int


@dataclass(frozen=True)
class AdvocacyFunnel:
    """The first stages of the advocacy funnel, counted now: active employees, those enrolled
    in at least one course, those holding a valid certificate of a programme that unlocks
    advocacy (each one person, whatever their number of courses or certificates)."""

    employees: int
    enrolled: int
    certified: int
