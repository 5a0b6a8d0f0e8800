"""Issuance: exactly once under concurrency and redelivery, unguessable codes, only for
eligible learners, enqueued only after commit."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from certification import models as certification_models
from certification import services, tasks
from certification.models import (
    CODE_ALPHABET,
    CODE_GROUP,
    CODE_LENGTH,
    Certificate,
    CertificateEvent,
    StatusListCounter,
    new_code,
)
from courses import services as courses_services
from courses import signals as courses_signals
from courses.models import Enrollment
from policy.models import PolicyAcknowledgement, PolicyVersion
from tests.factories.answers import correct_answers
from tests.factories.certification import (
    CertificateFactory,
    CertificationProgramFactory,
    ProgramRequirementFactory,
    eligible_learner,
)
from tests.factories.courses import CoursePageFactory
from tests.factories.policy import PolicyPageFactory

CODE_PATTERN = re.compile(rf"^[{CODE_ALPHABET}]{{5}}(-[{CODE_ALPHABET}]{{5}}){{4}}-[{CODE_ALPHABET}]$")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def enqueued(monkeypatch):
    """Every task publication after commit, as ``(task name, args)``, instead of running it."""
    published: list[tuple[str, tuple]] = []

    def record(task, *args):
        published.append((task.name, args))
        return True

    monkeypatch.setattr(tasks, "enqueue", record)
    return published


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _counter_value() -> int | None:
    return StatusListCounter.objects.filter(name=services.STATUS_LIST).values_list("next_index", flat=True).first()


# --- exactly once ------------------------------------------------------------------------------


def test_issuing_twice_keeps_one_certificate(course_index, django_capture_on_commit_callbacks, enqueued):
    # given
    learner = eligible_learner(course_index)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        first = services.certificate_issue(user_id=learner.user.pk, program_id=learner.program.pk)
    with django_capture_on_commit_callbacks(execute=True) as second_callbacks:
        second = services.certificate_issue(user_id=learner.user.pk, program_id=learner.program.pk)

    # then
    assert first is not None
    assert second.pk == first.pk
    assert Certificate.objects.filter(user=learner.user, program=learner.program).count() == 1
    assert list(CertificateEvent.objects.values_list("certificate_id", "action", "key")) == [
        (first.pk, "issued", "issued")
    ]
    assert _counter_value() == 1
    assert second_callbacks == []
    assert enqueued == [
        ("certification.tasks.certificate_render_pdf_task", (first.pk,)),
        ("certification.tasks.certificate_email_task", (first.pk,)),
    ]


def test_issuance_task_run_twice_gives_one_certificate_pdf_email_and_event(
    course_index, django_capture_on_commit_callbacks, media_root
):
    # given: render and email run eagerly (test settings), on commit
    learner = eligible_learner(course_index)

    # when: the task body runs twice (signal + redelivery)
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.certificates_issue_for_user_task.apply(args=[learner.user.pk])
    with django_capture_on_commit_callbacks(execute=True):
        second = tasks.certificates_issue_for_user_task.apply(args=[learner.user.pk])

    # then
    certificate = Certificate.objects.get()
    assert first.get() == [certificate.pk]
    assert second.get() == [certificate.pk]
    pdfs = sorted(p.name for p in (media_root / "certificates" / "pdf").iterdir())
    assert pdfs == [f"{certificate.code}.pdf"]
    assert certificate.pdf.name == f"certificates/pdf/{certificate.code}.pdf"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [learner.user.email]
    assert certificate.code in mail.outbox[0].body
    assert sorted(CertificateEvent.objects.values_list("action", flat=True)) == ["emailed", "issued", "pdf_rendered"]


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_issuances_give_one_certificate(course_index, run_concurrently, enqueued):
    # given
    learner = eligible_learner(course_index)

    # when
    outcomes = run_concurrently(
        10, lambda i: services.certificate_issue(user_id=learner.user.pk, program_id=learner.program.pk)
    )

    # then
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert errors == []
    certificate = Certificate.objects.get()
    assert {o.pk for o in outcomes} == {certificate.pk}
    assert (certificate.user_id, certificate.program_id, certificate.cycle) == (learner.user.pk, learner.program.pk, 1)
    assert list(CertificateEvent.objects.values_list("action", flat=True)) == ["issued"]
    assert sorted(enqueued) == [
        ("certification.tasks.certificate_email_task", (certificate.pk,)),
        ("certification.tasks.certificate_render_pdf_task", (certificate.pk,)),
    ]


# --- only for eligible learners ---------------------------------------------------------------


def _missing_course(site, course_index):
    learner = eligible_learner(course_index)
    ProgramRequirementFactory(program=learner.program, courses=[CoursePageFactory(parent=course_index)])
    return learner


def _course_started_not_completed(site, course_index):
    learner = eligible_learner(course_index)
    Enrollment.objects.filter(user=learner.user).update(completed_at=None)
    return learner


def _policy_not_acknowledged(site, course_index):
    PolicyPageFactory(parent=site)
    return eligible_learner(course_index, requires_policy_acknowledgement=True)


def _policy_required_but_none_published(site, course_index):
    return eligible_learner(course_index, requires_policy_acknowledgement=True)


def _inactive_programme(site, course_index):
    return eligible_learner(course_index, active=False)


NOT_ELIGIBLE = {
    "missing_course": _missing_course,
    "course_started_not_completed": _course_started_not_completed,
    "policy_not_acknowledged": _policy_not_acknowledged,
    "policy_required_but_none_published": _policy_required_but_none_published,
    "inactive_programme": _inactive_programme,
}


@pytest.mark.parametrize("case", sorted(NOT_ELIGIBLE))
def test_not_eligible_gets_nothing_and_nothing_is_written(
    case, site, course_index, django_capture_on_commit_callbacks, enqueued
):
    # given
    learner = NOT_ELIGIBLE[case](site, course_index)
    counter = _counter_value()

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        certificate = services.certificate_issue(user_id=learner.user.pk, program_id=learner.program.pk)
        issued = services.certificates_issue_for_user(user_id=learner.user.pk)

    # then
    assert certificate is None
    assert issued == []
    assert Certificate.objects.count() == 0
    assert CertificateEvent.objects.count() == 0
    assert _counter_value() == counter
    assert callbacks == []
    assert enqueued == []
    assert mail.outbox == []


def test_acknowledging_the_policy_is_what_makes_the_learner_eligible(site, course_index, enqueued):
    # given: the same learner as "policy_not_acknowledged", who then acknowledges version 1
    learner = _policy_not_acknowledged(site, course_index)
    assert services.certificate_issue(user_id=learner.user.pk, program_id=learner.program.pk) is None
    PolicyAcknowledgement.objects.create(
        user=learner.user, version=PolicyVersion.objects.get(number=1), language="en", text_sha256="0" * 64
    )

    # when
    certificate = services.certificate_issue(user_id=learner.user.pk, program_id=learner.program.pk)

    # then
    assert certificate is not None
    assert Certificate.objects.get().pk == certificate.pk


def test_a_revoked_certificate_is_not_issued_again(course_index, enqueued):
    # given: the learner still meets every requirement, but their certificate was revoked
    learner = eligible_learner(course_index)
    revoked = CertificateFactory(user=learner.user, program=learner.program, revoked=True)

    # when
    again = services.certificate_issue(user_id=learner.user.pk, program_id=learner.program.pk)
    for_user = services.certificates_issue_for_user(user_id=learner.user.pk)

    # then
    assert again is None
    assert for_user == []
    assert list(Certificate.objects.values_list("pk", "status")) == [(revoked.pk, "revoked")]
    assert CertificateEvent.objects.count() == 0
    assert enqueued == []


def test_a_revoked_certificate_past_its_expiry_is_not_renewed_either(course_index, enqueued):
    # given: revoked, and its expiry date has passed since
    learner = eligible_learner(course_index)
    revoked = CertificateFactory(
        user=learner.user,
        program=learner.program,
        revoked=True,
        issued_at=T0 - timedelta(days=400),
        expires_at=T0 - timedelta(days=35),
    )

    # when
    with time_machine.travel(T0, tick=False):
        again = services.certificate_issue(user_id=learner.user.pk, program_id=learner.program.pk)

    # then
    assert again is None
    assert list(Certificate.objects.values_list("pk", flat=True)) == [revoked.pk]


def test_an_expired_certificate_is_not_renewed_on_the_completion_it_was_issued_for(course_index, enqueued):
    # given: issued at T0 on a completion from before T0, expired since
    with time_machine.travel(T0, tick=False):
        learner = eligible_learner(course_index)
        first = services.certificate_issue(user_id=learner.user.pk, program_id=learner.program.pk)

    # when
    with time_machine.travel(T0 + timedelta(days=400), tick=False):
        again = services.certificate_issue(user_id=learner.user.pk, program_id=learner.program.pk)

    # then
    assert again is None
    assert list(Certificate.objects.values_list("pk", "cycle")) == [(first.pk, 1)]


# --- enqueued after commit only ----------------------------------------------------------------


def _passing_attempt(quiz_factory, user):
    """A programme requiring the course of a quiz, and ``user``'s attempt on that quiz."""
    quiz = quiz_factory(types=("single_choice", "true_false"))
    program = CertificationProgramFactory()
    ProgramRequirementFactory(program=program, courses=[quiz.course_page])
    attempt = courses_services.attempt_start(user=user, quiz=quiz)
    return program, attempt


def test_passing_the_final_quiz_issues_the_certificate_only_after_commit(
    quiz_factory, employee, django_capture_on_commit_callbacks, media_root
):
    # given
    program, attempt = _passing_attempt(quiz_factory, employee)

    # when: the learner passes the quiz
    with django_capture_on_commit_callbacks(execute=True):
        graded = courses_services.attempt_submit(attempt=attempt, data=correct_answers(attempt))
        # then: nothing is issued before the commit
        assert graded.passed is True
        assert Certificate.objects.count() == 0
        assert mail.outbox == []

    # then: after the commit, course_completed → issuance task → render and email tasks
    certificate = Certificate.objects.get()
    assert (certificate.user_id, certificate.program_id, certificate.cycle) == (employee.pk, program.pk, 1)
    assert Enrollment.objects.get(user=employee).completed_at is not None
    assert certificate.pdf.name == f"certificates/pdf/{certificate.code}.pdf"
    assert [m.to for m in mail.outbox] == [[employee.email]]


def test_a_rolled_back_completion_enqueues_nothing_and_issues_nothing(
    quiz_factory, employee, django_capture_on_commit_callbacks, enqueued
):
    # given
    program, attempt = _passing_attempt(quiz_factory, employee)

    # when: something fails after grading, in the same transaction
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            courses_services.attempt_submit(attempt=attempt, data=correct_answers(attempt))
            raise RuntimeError("failure after grading")

    # then
    assert callbacks == []
    assert enqueued == []
    assert Certificate.objects.count() == 0
    assert Enrollment.objects.get(user=employee).completed_at is None


def test_course_completed_handler_publishes_the_issuance_task_on_commit_only(
    course_index, django_capture_on_commit_callbacks, enqueued
):
    # given
    learner = eligible_learner(course_index)

    # when: the signal is sent inside a transaction (as a rollback-able caller would)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        courses_signals.course_completed.send(sender=None, user_id=learner.user.pk, course_id=learner.course.pk)
        published_before_commit = list(enqueued)
    for callback in callbacks:
        callback()

    # then: nothing before commit; on commit, the issuance task once (the second callback is the
    # advocacy layer's course points, a receiver of the same signal)
    assert published_before_commit == []
    assert len(callbacks) == 2
    assert enqueued == [("certification.tasks.certificates_issue_for_user_task", (learner.user.pk,))]


# --- codes -------------------------------------------------------------------------------------


def test_a_thousand_codes_are_unique_and_well_formed():
    # when
    codes = [new_code() for _ in range(1000)]

    # then
    assert len(set(codes)) == 1000
    assert all(CODE_PATTERN.match(code) for code in codes)
    assert {len(code.replace("-", "")) for code in codes} == {CODE_LENGTH}
    assert {tuple(len(group) for group in code.split("-")) for code in codes} == {(5, 5, 5, 5, 5, 1)}
    assert set("".join(codes).replace("-", "")) <= set(CODE_ALPHABET)
    assert len(CODE_ALPHABET) == 32 and CODE_GROUP == 5
    assert not set("01IO") & set(CODE_ALPHABET)


def test_codes_come_from_the_secrets_module(monkeypatch):
    # given: a stand-in for ``secrets`` that records what it is asked
    asked = []

    class FakeSecrets:
        @staticmethod
        def choice(alphabet):
            asked.append(alphabet)
            return "Z"

    monkeypatch.setattr(certification_models, "secrets", FakeSecrets)

    # when
    code = new_code()

    # then
    assert code == "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-Z"
    assert asked == [CODE_ALPHABET] * CODE_LENGTH


def test_a_code_is_not_derived_from_user_or_programme(monkeypatch, course_index, enqueued):
    # given: the random source fixed; the code must follow it, whoever the holder is
    learner = eligible_learner(course_index)
    monkeypatch.setattr(certification_models.secrets, "choice", lambda alphabet: "Q")

    # when
    certificate = services.certificate_issue(user_id=learner.user.pk, program_id=learner.program.pk)

    # then
    assert certificate.code == "QQQQQ-QQQQQ-QQQQQ-QQQQQ-QQQQQ-Q"


def test_a_renewal_for_the_same_user_and_programme_gets_a_new_code(course_index, enqueued):
    # given: a certificate valid 12 months, then expired
    with time_machine.travel(T0, tick=False):
        learner = eligible_learner(course_index)
        first = services.certificate_issue(user_id=learner.user.pk, program_id=learner.program.pk)

    # when: after expiry the learner completes the course again and is issued the next cycle
    with time_machine.travel(T0 + timedelta(days=400), tick=False):
        Enrollment.objects.filter(user=learner.user).update(completed_at=T0 + timedelta(days=399))
        second = services.certificate_issue(user_id=learner.user.pk, program_id=learner.program.pk)

    # then
    assert (first.cycle, second.cycle) == (1, 2)
    assert second.supersedes_id == first.pk
    assert second.code != first.code
    assert CODE_PATTERN.match(second.code)
    assert Certificate.objects.count() == 2
