"""The advocacy gate, ``certification.api.advocacy_access``: allowed only while the user holds a
valid certificate of a programme that unlocks advocacy and, when the programme asks, has
acknowledged the current policy. Evaluated on every call."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from certification import api, services
from certification.data import EXPIRED, NO_CERTIFICATE, POLICY_REACKNOWLEDGEMENT, REVOKED
from policy import services as policy_services
from policy.models import PolicyVersion
from policy.text import sha256
from tests.factories.certification import (
    CertificateFactory,
    CertificationProgramFactory,
    CompletedEnrollmentFactory,
    ProgramRequirementFactory,
)
from tests.factories.courses import CoursePageFactory
from tests.factories.people import UserFactory
from tests.factories.policy import PolicyPageFactory, publish_change


def test_anonymous_and_uncertified_users_are_refused_with_the_catalogue_as_next_step(db):
    # given an anonymous visitor and an employee without any certificate
    employee = UserFactory()
    # when the gate is asked
    anonymous, uncertified = api.advocacy_access(AnonymousUser()), api.advocacy_access(employee)
    # then both are refused: no certificate
    assert (anonymous.allowed, anonymous.reason) == (False, NO_CERTIFICATE)
    assert (uncertified.allowed, uncertified.reason, uncertified.next_step_url) == (False, NO_CERTIFICATE, "/courses/")


def test_a_valid_certificate_of_a_programme_that_unlocks_advocacy_allows(db):
    # given a valid certificate
    certificate = CertificateFactory(program=CertificationProgramFactory(unlocks_advocacy=True))
    # when
    access = api.advocacy_access(certificate.user)
    # then
    assert (access.allowed, access.reason, access.certificate_code) == (True, "", certificate.code)
    assert access.expires_at == certificate.expires_at


def test_a_programme_that_does_not_unlock_advocacy_does_not_count(db):
    # given a valid certificate of a programme that does not unlock advocacy
    certificate = CertificateFactory(program=CertificationProgramFactory(unlocks_advocacy=False))
    # when / then
    access = api.advocacy_access(certificate.user)
    assert (access.allowed, access.reason) == (False, NO_CERTIFICATE)


def test_an_expired_certificate_is_refused_with_its_expiry(db):
    # given a certificate that expired yesterday
    issued = timezone.now() - timedelta(days=366)
    certificate = CertificateFactory(issued_at=issued, expires_at=timezone.now() - timedelta(days=1))
    # when
    access = api.advocacy_access(certificate.user)
    # then
    assert (access.allowed, access.reason, access.certificate_code) == (False, EXPIRED, certificate.code)
    assert access.expires_at == certificate.expires_at


def test_an_expired_certificate_renewed_by_a_refresher_points_to_that_course(course_index):
    # given a certificate that expired yesterday, of a programme renewed by a refresher course
    refresher = CoursePageFactory(parent=course_index, title="Refresher", slug="refresher")
    program = CertificationProgramFactory(renewal_mode="refresher", refresher_course=refresher)
    issued = timezone.now() - timedelta(days=366)
    certificate = CertificateFactory(program=program, issued_at=issued, expires_at=timezone.now() - timedelta(days=1))
    # when
    access = api.advocacy_access(certificate.user)
    # then
    assert (access.allowed, access.reason, access.next_step_url) == (False, EXPIRED, "/courses/refresher/")


def test_an_expired_certificate_of_a_full_renewal_points_to_the_catalogue(course_index):
    # given a certificate that expired yesterday, of a programme renewed in full (a refresher
    # course is set but not used)
    refresher = CoursePageFactory(parent=course_index, title="Refresher", slug="refresher")
    program = CertificationProgramFactory(renewal_mode="full", refresher_course=refresher)
    issued = timezone.now() - timedelta(days=366)
    certificate = CertificateFactory(program=program, issued_at=issued, expires_at=timezone.now() - timedelta(days=1))
    # when
    access = api.advocacy_access(certificate.user)
    # then
    assert (access.allowed, access.reason, access.next_step_url) == (False, EXPIRED, "/courses/")


def test_revocation_takes_effect_on_the_next_call(db):
    # given an allowed advocate
    certificate = CertificateFactory()
    assert api.advocacy_access(certificate.user).allowed is True
    # when HR revokes the certificate
    services.certificate_revoke(certificate=certificate, actor=None, reason="Shared a confidential figure.")
    # then the very next call refuses, without any cache to clear, and with no next step
    access = api.advocacy_access(certificate.user)
    assert (access.allowed, access.reason, access.next_step_url) == (False, REVOKED, "")


def test_a_material_policy_change_locks_advocacy_until_reacknowledged(site):
    # given an advocate certified by a programme that requires the current policy, who
    # acknowledged version 1
    page = PolicyPageFactory(parent=site)
    advocate = UserFactory()
    version_1 = PolicyVersion.objects.get(page=page, number=1)
    policy_services.acknowledgement_record(
        user=advocate,
        version_id=version_1.pk,
        text_sha256=sha256(policy_services.shown_text(page, "fr")),
        language="fr",
    )
    CertificateFactory(user=advocate, program=CertificationProgramFactory(requires_policy_acknowledgement=True))
    assert api.advocacy_access(advocate).allowed is True

    # when HR publishes a material change (version 2)
    publish_change(page.specific, material=True, summary="Nouvelle clause.", intro="Nouvelle introduction.")

    # then advocacy is locked, pointing to the policy
    access = api.advocacy_access(advocate)
    assert (access.allowed, access.reason, access.next_step_url) == (
        False,
        POLICY_REACKNOWLEDGEMENT,
        "/policy/changes/",
    )

    # and acknowledging version 2 unlocks it again
    live = page.__class__.objects.get(pk=page.pk)
    version_2 = PolicyVersion.objects.get(page=page, number=2)
    policy_services.acknowledgement_record(
        user=advocate,
        version_id=version_2.pk,
        text_sha256=sha256(policy_services.shown_text(live, "fr")),
        language="fr",
    )
    assert api.advocacy_access(advocate).allowed is True


def test_revocation_fails_closed_when_the_audit_entry_cannot_be_written(db, monkeypatch):
    # given a valid certificate, and an audit trail that cannot be written
    from django.db import DatabaseError

    from certification.models import Certificate, CertificateEvent

    certificate = CertificateFactory()

    def broken_create(*args, **kwargs):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(CertificateEvent.objects, "create", broken_create)

    # when HR revokes it
    try:
        services.certificate_revoke(certificate=certificate, actor=None, reason="Shared a confidential figure.")
        raised = None
    except DatabaseError as exc:
        raised = exc

    # then the revocation is refused as a whole: the error surfaces and nothing changed
    assert str(raised) == "audit table unavailable"
    certificate = Certificate.objects.get(pk=certificate.pk)
    assert (certificate.status, certificate.revoked_at, certificate.revocation_reason) == ("issued", None, "")


# --- the first step of someone without a certificate ----------------------------------------


def _programme_of_two_courses(course_index, **fields):
    """A programme requiring two courses, each offered in French and in English."""
    pages = {
        (n, lang): CoursePageFactory(parent=course_index, title=f"C{n} {lang}", slug=f"c{n}-{lang}", language=lang)
        for n in (1, 2)
        for lang in ("fr", "en")
    }
    program = CertificationProgramFactory(unlocks_advocacy=True, **fields)
    for n in (1, 2):
        ProgramRequirementFactory(program=program, courses=[pages[n, "fr"], pages[n, "en"]], sort_order=n)
    return program, pages


def test_without_a_certificate_the_next_step_is_the_first_required_course_in_the_learners_language(course_index):
    # given
    _programme_of_two_courses(course_index)
    french, english = UserFactory(preferred_language="fr"), UserFactory(preferred_language="en")

    # when
    steps = [api.advocacy_access(user).next_step_url for user in (french, english)]

    # then
    assert steps == ["/courses/c1-fr/", "/courses/c1-en/"]


def test_a_completed_course_in_either_language_moves_the_next_step_on(course_index):
    # given: the first course done in English by a French-speaking learner
    _program, pages = _programme_of_two_courses(course_index)
    learner = UserFactory(preferred_language="fr")
    CompletedEnrollmentFactory(user=learner, course=pages[1, "en"])

    # when
    access = api.advocacy_access(learner)

    # then
    assert (access.allowed, access.reason, access.next_step_url) == (False, NO_CERTIFICATE, "/courses/c2-fr/")


def test_with_every_course_done_the_next_step_is_the_policy_the_programme_asks_for(site, course_index):
    # given
    PolicyPageFactory(parent=site)
    _program, pages = _programme_of_two_courses(course_index, requires_policy_acknowledgement=True)
    learner = UserFactory(preferred_language="fr")
    for n in (1, 2):
        CompletedEnrollmentFactory(user=learner, course=pages[n, "fr"])

    # when
    access = api.advocacy_access(learner)

    # then
    assert access.next_step_url == "/policy/"


def test_with_nothing_left_to_do_the_next_step_is_the_catalogue(course_index):
    # given: every course done, no policy required (the certificate is on its way)
    _program, pages = _programme_of_two_courses(course_index)
    learner = UserFactory()
    for n in (1, 2):
        CompletedEnrollmentFactory(user=learner, course=pages[n, "en"])

    # when / then
    assert api.advocacy_access(learner).next_step_url == "/courses/"
