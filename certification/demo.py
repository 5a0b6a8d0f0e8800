"""Demo certification data: the "Certified Social Advocate" programme and three certificates
(valid, expired, revoked), built through the services. Called by ``manage.py load_demo``
after the demo courses and the policy are loaded.

Never for production: it completes courses and acknowledges the policy on behalf of users.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from certification import lifecycle, selectors, services
from certification.models import Certificate, CertificateEvent, CertificationProgram, ProgramRequirement
from courses import api as courses_api
from policy import api as policy_api

# Each requirement is satisfied by its French or its English course (slugs of fixtures/courses).
DEFAULT_PROGRAM: dict[str, Any] = {
    "slug": "ambassadeur-certifie",
    "name": "Ambassadeur certifié",
    "name_en": "Certified Social Advocate",
    "description": (
        "Atteste que le titulaire connaît la politique réseaux sociaux d'Acme, sait partager un contenu "
        "de l'entreprise avec transparence et sait réagir lors d'une crise en ligne. Ouvre l'accès au "
        "partage de contenus au nom de l'entreprise."
    ),
    "description_en": (
        "Shows that the holder knows Acme's social media policy, shares company content transparently "
        "and knows how to react during an online crisis. Unlocks sharing content on the company's behalf."
    ),
    "criteria": (
        "Avoir suivi les trois formations (politique réseaux sociaux, bien partager sur LinkedIn et X, "
        "gérer une crise en ligne), réussi leurs quiz, et pris connaissance de la version en vigueur "
        "de la politique."
    ),
    "criteria_en": (
        "Completed the three courses (social media policy, sharing well on LinkedIn and X, handling an "
        "online crisis), passed their quizzes, and acknowledged the current version of the policy."
    ),
    "validity_months": 12,
    "requires_policy_acknowledgement": True,
    "unlocks_advocacy": True,
    "renewal_mode": CertificationProgram.RenewalMode.REFRESHER,
    "refresher_course": "politique-reseaux-sociaux-essentiel",
    "signatory_name": "Nadia Benali",
    "signatory_title": "Directrice des ressources humaines",
    "signatory_title_en": "Human Resources Director",
    "requirements": [
        {
            "title": "Politique réseaux sociaux\u00a0: l'essentiel / Social media policy essentials",
            "courses": ["politique-reseaux-sociaux-essentiel", "social-media-policy-essentials"],
        },
        {
            "title": "Bien partager sur LinkedIn et X / Sharing well on LinkedIn and X",
            "courses": ["bien-partager-linkedin-x", "sharing-well-on-linkedin-and-x"],
        },
        {
            "title": "Gérer une crise en ligne / Handling an online crisis",
            "courses": ["gerer-une-crise-en-ligne", "handling-an-online-crisis"],
        },
    ],
}

PROGRAM_FIELDS = (
    "name",
    "name_en",
    "description",
    "description_en",
    "criteria",
    "criteria_en",
    "validity_months",
    "requires_policy_acknowledgement",
    "unlocks_advocacy",
    "renewal_mode",
    "signatory_name",
    "signatory_title",
    "signatory_title_en",
)
EXPIRED_ISSUED_MONTHS_AGO = 13
REVOKED_ISSUED_DAYS_AGO = 45
REVOCATION_REASON = "Démo\u00a0: publication d'informations confidentielles sur un client (§5 de la politique)."


def _course_ids_by_slug() -> dict[str, int]:
    """Catalogue courses by the last segment of their URL, which is their slug."""
    courses = {}
    for course in courses_api.all_courses():
        if course.url:
            courses[course.url.rstrip("/").rsplit("/", 1)[-1]] = course.id
    return courses


def _course_id(courses: dict[str, int], slug: str) -> int:
    try:
        return courses[slug]
    except KeyError:
        raise ValueError(f"demo certification: no course with the slug {slug!r}; load the demo courses first") from None


def program_ensure(data: Mapping[str, Any]) -> CertificationProgram:
    """Create or update the programme described by ``data`` (see ``DEFAULT_PROGRAM``). Idempotent."""
    courses = _course_ids_by_slug()
    defaults = {field: data[field] for field in PROGRAM_FIELDS if field in data}
    refresher = data.get("refresher_course")
    defaults["refresher_course_id"] = _course_id(courses, refresher) if refresher else None
    program, _created = CertificationProgram.objects.update_or_create(slug=data["slug"], defaults=defaults)
    for order, spec in enumerate(data["requirements"]):
        requirement, _created = ProgramRequirement.objects.update_or_create(
            program=program, sort_order=order, defaults={"title": spec["title"]}
        )
        requirement.courses.set([_course_id(courses, slug) for slug in spec["courses"]])
        requirement.save()  # a parental many-to-many is written when its owner is saved
    ProgramRequirement.objects.filter(program=program, sort_order__gte=len(data["requirements"])).delete()
    return program


def _courses_in_language(program: CertificationProgram, language: str) -> list[int]:
    """One course per requirement: the one in ``language`` if there is one, else the first."""
    chosen = []
    for requirement in program.requirements.all():
        ids = [course.pk for course in requirement.courses.all()]
        summaries = {summary.id: summary for summary in courses_api.course_summaries(ids)}
        in_language = [pk for pk in ids if pk in summaries and summaries[pk].language == language]
        chosen.append((in_language or ids)[0])
    return chosen


def _certificate_backdated(*, user, program: CertificationProgram, issued_at) -> Certificate:
    """A cycle-1 certificate issued in the past (demo history), with its audit entry."""
    with transaction.atomic():
        certificate = Certificate.objects.create(
            user=user,
            program=program,
            cycle=1,
            holder_name=user.get_display_name(),
            issued_at=issued_at,
            expires_at=issued_at + relativedelta(months=program.validity_months) if program.validity_months else None,
            status_list_index=services._allocate_status_index(),
        )
        CertificateEvent.objects.create(
            certificate=certificate, action=CertificateEvent.Action.ISSUED, at=issued_at, key="issued"
        )
    return certificate


def _render(certificate: Certificate) -> None:
    if not certificate.pdf:
        services.certificate_render_pdf(certificate_id=certificate.pk)


def demo_certificates(
    *, advocate, employee, revoked_holder, program_data: Mapping[str, Any] | None = None, actor=None
) -> dict[str, Any]:
    """The demo programme and one certificate in each state, PDFs rendered synchronously.

    - ``advocate`` completes the three courses in their language (lessons read, quizzes
      passed through the quiz services), acknowledges the current policy, and is issued a
      valid certificate through ``services.certificate_issue``;
    - ``employee`` holds a certificate issued 13 months ago, now expired, with its renewal
      started (enrolled again in the refresher course);
    - ``revoked_holder`` holds one revoked by ``actor`` (HR) with a reason.
    ``program_data`` overrides keys of ``DEFAULT_PROGRAM``. Idempotent: users who already hold
    a certificate of the programme keep it. Returns the programme id and each holder's code
    and state. Raises ``ValueError`` if the demo courses are not loaded.
    """
    data = {**DEFAULT_PROGRAM, **(program_data or {})}
    program = program_ensure(data)
    now = timezone.now()

    advocate_certificate = Certificate.objects.filter(user=advocate, program=program).order_by("-cycle").first()
    if advocate_certificate is None:
        language = selectors.holder_language(advocate)
        for course_id in _courses_in_language(program, language):
            courses_api.demo_course_complete(advocate.pk, course_id)
        if program.requires_policy_acknowledgement:
            policy_api.acknowledge_current(advocate, language=language)
        advocate_certificate = services.certificate_issue(user_id=advocate.pk, program_id=program.pk, now=now)
        if advocate_certificate is None:
            raise ValueError("demo certification: the advocate does not qualify; are the policy and courses loaded?")

    employee_certificate = Certificate.objects.filter(user=employee, program=program).order_by("-cycle").first()
    if employee_certificate is None:
        employee_certificate = _certificate_backdated(
            user=employee, program=program, issued_at=now - relativedelta(months=EXPIRED_ISSUED_MONTHS_AGO)
        )
        # What the expiry job does for a certificate that expired unseen: start the renewal, so
        # the demo employee finds the refresher course on /me/ at once (idempotent).
        lifecycle.renewal_start(certificate=employee_certificate, now=now)

    revoked_certificate = Certificate.objects.filter(user=revoked_holder, program=program).order_by("-cycle").first()
    if revoked_certificate is None:
        revoked_certificate = _certificate_backdated(
            user=revoked_holder, program=program, issued_at=now - timedelta(days=REVOKED_ISSUED_DAYS_AGO)
        )
        revoked_certificate = services.certificate_revoke(
            certificate=revoked_certificate, actor=actor, reason=REVOCATION_REASON
        )

    certificates = {
        "advocate": advocate_certificate,
        "employee": employee_certificate,
        "revoked": revoked_certificate,
    }
    for certificate in certificates.values():
        _render(certificate)
    return {
        "program_id": program.pk,
        "certificates": {
            role: {"code": certificate.code, "state": certificate.state(now)}
            for role, certificate in certificates.items()
        },
    }


def demo_certify(*, users, issued_days_ago: Mapping[int, int], now=None) -> dict[int, int]:
    """Valid certificates of the demo programme for demo employees (advocacy demo data).

    Each user of ``users`` gets a cycle-1 certificate issued ``issued_days_ago[user.pk]`` days
    ago (valid while that is under the programme's validity), with its audit entry, and
    acknowledges the current policy when the programme asks, so that the advocacy gate lets
    them in. No PDF is rendered here (the reconciliation job renders missing ones). Idempotent:
    a user who already holds a certificate of the programme keeps it. Returns each user's
    certificate id. Raises ``ValueError`` when the demo programme does not exist yet
    (``demo_certificates`` makes it).
    """
    program = CertificationProgram.objects.filter(slug=DEFAULT_PROGRAM["slug"]).first()
    if program is None:
        raise ValueError("demo certification: load the demo programme (demo_certificates) first")
    now = now or timezone.now()
    held = {c.user_id: c.pk for c in Certificate.objects.filter(program=program, user__in=users).order_by("cycle")}
    certificate_ids = {}
    for user in users:
        if user.pk not in held:
            issued_at = now - timedelta(days=issued_days_ago[user.pk])
            held[user.pk] = _certificate_backdated(user=user, program=program, issued_at=issued_at).pk
        certificate_ids[user.pk] = held[user.pk]
        if program.requires_policy_acknowledgement:
            policy_api.acknowledge_current(user, language=selectors.holder_language(user))
    return certificate_ids
