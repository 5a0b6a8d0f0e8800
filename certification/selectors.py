"""Reads of the certification layer. Status is computed at read time, never cached."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.utils import timezone

from certification import sharing
from certification.data import (
    EXPIRED,
    NO_CERTIFICATE,
    POLICY_REACKNOWLEDGEMENT,
    REVOKED,
    AdvocacyAccess,
    AdvocacyFunnel,
    CertificateSummary,
    CertificationDashboard,
)
from certification.models import CODE_ALPHABET, BulkRender, Certificate, CertificationProgram
from certification.report_selectors import (  # noqa: F401 - re-exported: the module's public reads
    BUCKET_EXPIRED,
    BUCKET_REVOKED,
    BUCKETS,
    EXPIRING_30,
    EXPIRING_60,
    EXPIRING_90,
    REMINDABLE_BUCKETS,
    VALID,
    ReportRow,
    ReportSummary,
    reminded_on,
    report_bucket_expression,
    report_certificates,
    report_filter,
    report_summary,
)
from courses import api as courses_api
from lms.i18n import language_code
from policy import api as policy_api

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lms.people.models import User


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
    return str(settings.PORTE_VOIX_BASE_URL)


def verification_url(certificate: Certificate) -> str:
    return f"{base_url()}/certificates/{certificate.code}/"


def issuer_name() -> str:
    return str(settings.PORTE_VOIX_ORGANISATION_NAME)


def holder_language(user: User) -> str:
    """The language of what is made for a holder (PDF, credential, emails): their preferred
    language, else the site's; never the language of whoever triggered the work."""
    return language_code(user.preferred_language or settings.LANGUAGE_CODE)


def user_certificates(*, user: User) -> list[Certificate]:
    return list(Certificate.objects.filter(user=user).select_related("program").order_by("-issued_at"))


def certificate_summary(certificate: Certificate, *, now: datetime | None = None) -> CertificateSummary:
    """``certificate`` as its holder sees it (``certification.data.CertificateSummary``)."""
    state = certificate.state(now)
    url = verification_url(certificate)
    name = certificate.program.localised("name")
    linkedin_add_url = ""
    if state == "valid":
        linkedin_add_url = sharing.linkedin_add_to_profile_url(
            name=name,
            cert_url=url,
            cert_id=certificate.code,
            issued_at=certificate.issued_at,
            expires_at=certificate.expires_at,
        )
    return CertificateSummary(
        code=certificate.code,
        program_name=name,
        state=state,
        issued_at=certificate.issued_at,
        expires_at=certificate.expires_at,
        verify_url=url,
        pdf_ready=bool(certificate.pdf),
        pdf_url=f"{url}pdf/" if certificate.pdf else "",
        linkedin_add_url=linkedin_add_url,
    )


# --- eligibility -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    missing_courses: tuple[str, ...] = ()
    needs_policy: bool = False


def program_eligibility(
    *,
    user: User,
    program: CertificationProgram,
    since: datetime | None = None,
    completions: dict[int, datetime] | None = None,
) -> Eligibility:
    """Whether ``user`` meets every requirement of ``program`` (completions after ``since``).

    ``completions`` (``{course_id: completed_at}``) lets a caller checking several programmes
    read them once."""
    if completions is None:
        completions = courses_api.course_completions(user.pk)
    missing = []
    for requirement in program.requirements.all():
        course_ids = {c.pk for c in requirement.courses.all()}
        done = [at for cid, at in completions.items() if cid in course_ids and (since is None or at >= since)]
        if not done:
            missing.append(requirement.title)
    needs_policy = program.requires_policy_acknowledgement and not policy_api.has_acknowledged_current(user)
    return Eligibility(
        eligible=not missing and not needs_policy, missing_courses=tuple(missing), needs_policy=needs_policy
    )


def pending_programs(*, user: User) -> list[CertificationProgram]:
    """Programmes the user qualifies for but whose certificate is not there yet ("being prepared")."""
    held = set(Certificate.objects.filter(user=user).values_list("program_id", flat=True))
    programs = list(
        CertificationProgram.objects.filter(active=True).exclude(pk__in=held).prefetch_related("requirements__courses")
    )
    completions = courses_api.course_completions(user.pk) if programs else {}
    return [
        program
        for program in programs
        if program_eligibility(user=user, program=program, completions=completions).eligible
    ]


# --- the advocacy gate and renewal ---------------------------------------------------------------


def advocacy_access(user: User | AnonymousUser, now: datetime | None = None) -> AdvocacyAccess:
    """The advocacy gate: allowed only with a valid certificate of a programme that unlocks
    advocacy, and (when the programme asks) the current policy acknowledged. Evaluated on
    every request; never cached."""
    if not user.is_authenticated:
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
            # What changed since the version they accepted, with the button to accept it.
            changes_url = f"{policy_api.policy_url()}changes/"
            return AdvocacyAccess(
                False, POLICY_REACKNOWLEDGEMENT, changes_url, certificate.code, certificate.expires_at
            )
        return AdvocacyAccess(True, "", "", certificate.code, certificate.expires_at)
    if not certificates:
        return AdvocacyAccess(False, NO_CERTIFICATE, first_step_path(user))
    latest = certificates[0]
    if latest.state(now) == "revoked":
        # Nothing the holder can do on their own: no next step (HR reinstates or not).
        return AdvocacyAccess(False, REVOKED, "", latest.code)
    return AdvocacyAccess(False, EXPIRED, renewal_path(latest.program), latest.code, latest.expires_at)


def first_step_path(user: User) -> str:
    """Where someone without a certificate goes next: the first required course of the
    programme that unlocks advocacy that they have not completed, in their language when the
    course exists in it; the policy once every course is done and the programme asks for it;
    the catalogue otherwise (no such programme, or nothing left but the issuance)."""
    program = (
        CertificationProgram.objects.filter(active=True, unlocks_advocacy=True)
        .prefetch_related("requirements__courses")
        .order_by("name", "pk")
        .first()
    )
    if program is None:
        return "/courses/"
    completed = courses_api.completed_course_ids(user.pk)
    language = language_code(getattr(user, "preferred_language", "") or None)
    requirements = [[course.pk for course in requirement.courses.all()] for requirement in program.requirements.all()]
    # One read of the courses of every requirement, not one per requirement.
    summaries = {s.id: s for s in courses_api.course_summaries([pk for ids in requirements for pk in ids])}
    for course_ids in requirements:
        if completed.intersection(course_ids):
            continue
        reachable = [summaries[pk] for pk in course_ids if pk in summaries and summaries[pk].url]
        if reachable:
            in_language = [summary for summary in reachable if summary.language == language]
            return (in_language or reachable)[0].url
    if program.requires_policy_acknowledgement and not policy_api.has_acknowledged_current(user):
        return policy_api.policy_url()
    return "/courses/"


def renewal_path(program: CertificationProgram) -> str:
    """Where a holder renews, as a path: the refresher course when the programme renews with
    one, else the catalogue. One query, and only for a refresher course."""
    if program.renewal_mode == CertificationProgram.RenewalMode.REFRESHER and program.refresher_course_id:
        summaries = courses_api.course_summaries([program.refresher_course_id])
        if summaries and summaries[0].url:
            return summaries[0].url
    return "/courses/"


def renewal_url(program: CertificationProgram) -> str:
    """Where a holder renews, as an absolute URL (for emails)."""
    url = renewal_path(program)
    return url if url.startswith("http") else f"{base_url()}{url}"


def dashboard(*, user: User) -> CertificationDashboard:
    """/me/: the user's certificates with state and share links, pending issuance, the gate."""
    now = timezone.now()
    return CertificationDashboard(
        certificates=tuple(certificate_summary(c, now=now) for c in user_certificates(user=user)),
        pending_programs=tuple(str(program) for program in pending_programs(user=user)),
        advocacy=advocacy_access(user, now),
    )


# --- bulk PDF re-issue -----------------------------------------------------------------------------


class RenderFailure(TypedDict):
    pk: int
    code: str
    holder_name: str
    render_error: str


class BulkRenderProgress(TypedDict):
    processed: int
    percent: int
    finished: bool
    failures: list[RenderFailure]


def bulk_render_progress(*, bulk: BulkRender) -> BulkRenderProgress:
    """What the admin progress page shows: counts, percent, and the certificates that failed
    (the first 50)."""
    processed = bulk.done + bulk.failed
    if bulk.total:
        percent = min(100, processed * 100 // bulk.total)
    else:
        percent = 100 if bulk.finished_at else 0
    failures: list[RenderFailure] = []
    if bulk.failed:
        rows = (
            Certificate.objects.filter(program_id=bulk.program_id)
            .exclude(render_error="")
            .order_by("pk")
            .values_list("pk", "code", "holder_name", "render_error")[:50]
        )
        failures = [
            RenderFailure(pk=pk, code=code, holder_name=holder, render_error=error) for pk, code, holder, error in rows
        ]
    return {"processed": processed, "percent": percent, "finished": bulk.finished_at is not None, "failures": failures}


def program_certificates_to_render_count(*, program: CertificationProgram) -> int:
    """How many PDFs a re-issue of ``program`` renders: its certificates that are not revoked."""
    return Certificate.objects.not_revoked().filter(program=program).count()


def bulk_render_running(*, program: CertificationProgram) -> BulkRender | None:
    """The re-issue of ``program`` still running, if any."""
    return BulkRender.objects.filter(program=program, finished_at__isnull=True).first()


def program_assignable_courses(*, program: CertificationProgram) -> dict[int, list[int]]:
    """``{course_id: alternative_course_ids}``: the course to assign for each requirement of
    ``program``, in the programme's order: the first published course the requirement lists;
    with the requirement's other courses (e.g. the same course in another language), published
    or not, which satisfy it as well. A course that is the one to assign for two requirements
    keeps only the alternatives satisfying both. Two queries."""
    courses: dict[int, set[int]] = {}
    for requirement in program.requirements.prefetch_related("courses").order_by("sort_order"):
        listed = requirement.courses.all()
        live = sorted((course for course in listed if course.live), key=lambda c: c.path)
        if not live:
            continue
        first = int(live[0].pk)
        others = {int(course.pk) for course in listed} - {first}
        courses[first] = courses[first] & others if first in courses else others
    return {course_id: sorted(others) for course_id, others in courses.items()}


def advocacy_funnel(*, now: datetime | None = None) -> AdvocacyFunnel:
    """Employees → enrolled → certified (a valid certificate of an active programme that
    unlocks advocacy), active people only. Three queries."""
    from lms.people.models import User as People

    now = now or timezone.now()
    certified = (
        Certificate.objects.current(now)
        .filter(program__unlocks_advocacy=True, program__active=True, user__is_active=True)
        .values("user_id")
        .distinct()
        .count()
    )
    return AdvocacyFunnel(
        employees=People.objects.filter(is_active=True).count(),
        enrolled=courses_api.enrolled_user_count(),
        certified=certified,
    )
