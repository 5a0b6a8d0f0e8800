"""After issuance: reconciliation of lost work, expiry reminders at 90/60/30/7 days and
renewal, the attempt limit after a restart, bulk PDF re-issue."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from certification import lifecycle, selectors, services, sharing, tasks
from certification.models import (
    BulkRender,
    Certificate,
    CertificateEvent,
    CertificationProgram,
    IssuanceRequest,
    ProgramRequirement,
    RenewalEnrolment,
)
from courses import api as courses_api
from courses import services as courses_services
from courses.models import Attempt, Enrollment, LessonProgress
from policy.models import PolicyAcknowledgement, PolicyVersion
from tests.factories.answers import correct_answers, wrong_answers
from tests.factories.courses import CoursePageFactory, LessonPageFactory
from tests.factories.people import UserFactory
from tests.factories.policy import PolicyPageFactory, publish_change

ISSUED_AT = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


# --- builders ------------------------------------------------------------------------------------


def make_program(*, courses, refresher=None, mode=CertificationProgram.RenewalMode.REFRESHER, validity=12):
    program = CertificationProgram.objects.create(
        name="Ambassadeur certifié",
        name_en="Certified Social Advocate",
        slug=f"programme-{CertificationProgram.objects.count() + 1}",
        description="Description",
        validity_months=validity,
        requires_policy_acknowledgement=False,
        renewal_mode=mode,
        refresher_course=refresher,
    )
    for order, course in enumerate(courses):
        requirement = ProgramRequirement.objects.create(program=program, title=course.title, sort_order=order)
        requirement.courses.set([course])
        requirement.save()
    return program


def complete(user, course, at=None):
    """A completion recorded without its signal, as if the message had been lost."""
    Enrollment.objects.update_or_create(user=user, course=course, defaults={"completed_at": at or ISSUED_AT})


def pass_quiz(user, quiz):
    attempt = courses_services.attempt_start(user=user, quiz=quiz)
    return courses_services.attempt_submit(attempt=attempt, data=correct_answers(attempt))


def fail_quiz(user, quiz):
    attempt = courses_services.attempt_start(user=user, quiz=quiz)
    return courses_services.attempt_submit(attempt=attempt, data=wrong_answers(attempt))


@pytest.fixture
def refresher_quiz(quiz_factory):
    """A refresher course: one lesson and a one-question quiz (3 attempts)."""
    return quiz_factory(lessons=1, max_attempts=3)


@pytest.fixture
def main_course(course_index):
    return CoursePageFactory(parent=course_index, title="Main course")


@pytest.fixture
def program(main_course, refresher_quiz):
    return make_program(courses=[main_course], refresher=refresher_quiz.course_page)


@pytest.fixture
def holder(db):
    return UserFactory(email="camille@example.com", first_name="Camille", last_name="Martin", preferred_language="fr")


@pytest.fixture
def certificate(holder, main_course, program):
    complete(holder, main_course)
    with time_machine.travel(ISSUED_AT, tick=False):
        return services.certificate_issue(user_id=holder.pk, program_id=program.pk)


def at(moment):
    return time_machine.travel(moment, tick=False)


# --- reconciliation ------------------------------------------------------------------------------


def test_reconcile_issues_once_a_certificate_lost_while_the_broker_was_down(
    course_index, program, main_course, holder, monkeypatch, django_capture_on_commit_callbacks
):
    # given: a course with one lesson and no quiz; the broker refuses every message
    course = CoursePageFactory(parent=course_index)
    lesson = LessonPageFactory(parent=course)
    requirement = program.requirements.get()
    requirement.courses.set([course])
    requirement.save()

    def broker_down(*args, **kwargs):
        raise BrokerError("connection refused")

    monkeypatch.setattr(tasks.certificates_issue_for_user_task, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        assert courses_services.lesson_complete(user=holder, lesson=lesson) is True
    assert Certificate.objects.filter(user=holder).count() == 0
    monkeypatch.undo()

    # when: the beat job, within the grace period, then after it (twice)
    pending = IssuanceRequest.objects.get(user=holder)
    early = lifecycle.certificates_reconcile(now=pending.requested_at + timedelta(minutes=9))
    later = pending.requested_at + timedelta(minutes=11)
    first = lifecycle.certificates_reconcile(now=later)
    second = lifecycle.certificates_reconcile(now=later)

    # then: issued once, and the request is closed
    assert (early["issued"], first["issued"], second["issued"]) == (0, 1, 0)
    certificate = Certificate.objects.get(user=holder)
    assert (certificate.program_id, certificate.cycle, certificate.status) == (program.pk, 1, "issued")
    assert not IssuanceRequest.objects.exists()


def test_a_completion_leaves_a_pending_request_that_the_issuance_task_closes(
    course_index, program, holder, django_capture_on_commit_callbacks
):
    # given: a course with one lesson, required by the programme
    course = CoursePageFactory(parent=course_index)
    lesson = LessonPageFactory(parent=course)
    requirement = program.requirements.get()
    requirement.courses.set([course])
    requirement.save()

    # when: the lesson is completed and committed (the course sends its signal), the
    # issuance message not yet published
    with django_capture_on_commit_callbacks(execute=False) as completed:
        courses_services.lesson_complete(user=holder, lesson=lesson)
    with django_capture_on_commit_callbacks(execute=False) as publish:
        for callback in completed:
            callback()
    pending = list(IssuanceRequest.objects.values_list("user_id", flat=True))
    for callback in publish:
        callback()

    # then: pending until the task ran, closed after
    assert pending == [holder.pk]
    assert not IssuanceRequest.objects.exists()
    assert Certificate.objects.filter(user=holder).count() == 1


def test_a_request_newer_than_the_running_issuance_stays_pending(db, holder):
    # given: a request made while issuance was running
    started_at = timezone.now()
    services.issuance_request(user_id=holder.pk, now=started_at + timedelta(seconds=1))

    # when
    services.issuance_request_done(user_id=holder.pk, started_at=started_at)

    # then
    assert IssuanceRequest.objects.filter(user=holder).count() == 1


def test_reconcile_reads_pending_requests_by_cursor_and_not_active_people(program, main_course, holder, monkeypatch):
    # given: a person who completed the course yesterday with no pending request, and five
    # pending requests older than the grace period (people who qualify for nothing)
    complete(holder, main_course, at=ISSUED_AT - timedelta(days=1))
    IssuanceRequest.objects.all().delete()
    waiting = [UserFactory() for _ in range(5)]
    for user in waiting:
        services.issuance_request(user_id=user.pk, now=ISSUED_AT - timedelta(minutes=20))
    looked_at = []
    issue = services.certificates_issue_for_user
    monkeypatch.setattr(
        services, "certificates_issue_for_user", lambda *, user_id: looked_at.append(user_id) or issue(user_id=user_id)
    )

    # when: batches of two
    batches = []
    cursor = 0
    while cursor is not None:
        counts, cursor = lifecycle.issuance_reconcile_batch(after=cursor, limit=2, now=ISSUED_AT)
        batches.append(counts["requests"])

    # then: 2 + 2 + 1, only the pending people, every request closed, the holder not looked at
    assert batches == [2, 2, 1]
    assert looked_at == [user.pk for user in waiting]
    assert not IssuanceRequest.objects.exists()
    assert not Certificate.objects.exists()


def test_the_issuance_job_enqueues_its_next_batch_until_none_is_left(db, monkeypatch):
    # given: seven pending requests, batches of three (the task runs eagerly in tests)
    for _ in range(7):
        services.issuance_request(user_id=UserFactory().pk, now=timezone.now() - timedelta(hours=1))
    monkeypatch.setattr(lifecycle, "RECONCILE_BATCH", 3)
    cursors = []
    enqueue = tasks.enqueue
    monkeypatch.setattr(tasks, "enqueue", lambda task, *args: cursors.append(args) or enqueue(task, *args))

    # when
    counts = tasks.certificate_reconcile_issuance_task.delay().get()

    # then: the first batch handled three and chained two more
    assert counts == {"issued": 0, "requests": 3, "errors": 0}
    assert len(cursors) == 2
    assert not IssuanceRequest.objects.exists()


def test_reconcile_enqueues_missing_pdfs_and_emails_after_ten_minutes(certificate, program, monkeypatch):
    # given: four certificates, all without a PDF or an email
    other = UserFactory()
    failed = Certificate.objects.create(
        user=other, program=program, holder_name="X", issued_at=ISSUED_AT, status_list_index=900, render_error="boom"
    )
    revoked = Certificate.objects.create(
        user=UserFactory(),
        program=program,
        holder_name="Y",
        issued_at=ISSUED_AT,
        status_list_index=901,
        status=Certificate.Status.REVOKED,
    )
    emailed = Certificate.objects.create(
        user=UserFactory(), program=program, holder_name="Z", issued_at=ISSUED_AT, status_list_index=902, pdf="x.pdf"
    )
    CertificateEvent.objects.create(certificate=emailed, action=CertificateEvent.Action.EMAILED, key="email:issued")
    published = []
    monkeypatch.setattr(tasks, "enqueue", lambda task, *args: published.append((task.name, *args)) or True)

    # when: five minutes after issuance, then eleven
    with at(ISSUED_AT + timedelta(minutes=5)):
        early = lifecycle.certificates_reconcile()
    with at(ISSUED_AT + timedelta(minutes=11)):
        late = lifecycle.certificates_reconcile()

    # then
    assert (early["pdf_enqueued"], early["email_enqueued"]) == (0, 0)
    assert (late["pdf_enqueued"], late["email_enqueued"]) == (1, 2)
    assert sorted(published) == sorted(
        [
            ("certification.tasks.certificate_render_pdf_task", certificate.pk),
            ("certification.tasks.certificate_email_task", certificate.pk),
            ("certification.tasks.certificate_email_task", failed.pk),
        ]
    )
    assert revoked.pk not in {args[1] for args in published}


def test_a_failed_render_is_recorded_for_hr_and_left_alone_by_reconciliation(certificate, monkeypatch):
    # given
    def broken(certificate):
        raise ValueError("unsupported image")

    monkeypatch.setattr("certification.pdf.render_certificate_pdf", broken)

    # when
    with pytest.raises(ValueError):
        services.certificate_render_pdf(certificate_id=certificate.pk)

    # then
    certificate.refresh_from_db()
    assert certificate.render_error == "ValueError: unsupported image"
    assert not certificate.pdf
    with at(ISSUED_AT + timedelta(hours=1)):
        assert lifecycle.certificates_reconcile()["pdf_enqueued"] == 0


def test_embedded_mode_finds_a_lost_pdf_within_two_minutes(certificate, settings, monkeypatch):
    # given: the embedded grace period (60 s) and beat every 30 s; the render message was lost
    settings.PORTE_VOIX_RECONCILE_GRACE_SECONDS = 60
    published = []
    monkeypatch.setattr(tasks, "enqueue", lambda task, *args: published.append((task.name, *args)) or True)

    # when: the beat ticks at 30, 60 and 90 s after issuance
    found = {}
    for seconds in (30, 60, 90):
        with at(ISSUED_AT + timedelta(seconds=seconds)):
            found[seconds] = lifecycle.pdfs_reconcile()

    # then: found at the 60 s tick (90 s at worst)
    assert found == {30: 0, 60: 1, 90: 1}
    assert published[0] == ("certification.tasks.certificate_render_pdf_task", certificate.pk)


def test_lost_pdfs_and_emails_are_not_enqueued_again_while_the_queue_has_a_backlog(
    certificate, settings, monkeypatch, tmp_path
):
    # given: the embedded broker with a message waiting for 30 s
    queue = tmp_path / "queue"
    queue.mkdir()
    settings.CELERY_BROKER_URL = "filesystem://localhost/"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(queue)}
    waiting = queue / "0001_x.celery.msg"
    waiting.write_text("{}")
    monkeypatch.setattr(tasks, "enqueue", lambda task, *args: True)

    # when: an hour after issuance, with the backlog, then once it drained
    with at(ISSUED_AT + timedelta(hours=1)):
        then = time.time() - 30
        os.utime(waiting, (then, then))
        backlogged = (lifecycle.pdfs_reconcile(), lifecycle.emails_reconcile())
        waiting.unlink()
        drained = (lifecycle.pdfs_reconcile(), lifecycle.emails_reconcile())

    # then
    assert (backlogged, drained) == ((0, 0), (1, 1))


# --- expiry reminders and renewal ------------------------------------------------------------------


def test_reminders_at_90_60_30_and_7_days_one_email_each_in_the_holders_language(certificate, holder):
    # given
    expires = certificate.expires_at
    assert expires == ISSUED_AT + relativedelta(months=12)

    # when / then: nothing before 90 days
    with at(expires - timedelta(days=90, hours=1)):
        assert lifecycle.certificate_expiry_reminders_send() == 0
    assert mail.outbox == []
    for days in (90, 60, 30, 7):
        with at(expires - timedelta(days=days) + timedelta(hours=1)):
            assert lifecycle.certificate_expiry_reminders_send() == 1
            assert lifecycle.certificate_expiry_reminders_send() == 0
        assert len(mail.outbox) == 1
        message = mail.outbox.pop()
        assert message.to == ["camille@example.com"]
        assert message.subject == f"Votre certificat expire dans {days} jours"
        # French: the programme's French name, a French month name, the renewal link.
        assert "Ambassadeur certifié" in message.body
        assert "15 janvier 2027" in message.body
        assert "Certified Social Advocate" not in message.body
        assert "http://testserver/courses/" in message.body

    certificate.refresh_from_db()
    assert certificate.reminders_sent == [90, 60, 30, 7]
    assert sorted(
        CertificateEvent.objects.filter(certificate=certificate, action="reminded").values_list("key", flat=True)
    ) == ["reminder:30", "reminder:60", "reminder:7", "reminder:90"]


def test_reminder_in_english_for_an_english_holder(program, main_course):
    # given
    holder = UserFactory(email="jordan@example.com", preferred_language="en")
    complete(holder, main_course)
    with at(ISSUED_AT):
        certificate = services.certificate_issue(user_id=holder.pk, program_id=program.pk)

    # when
    with at(certificate.expires_at - timedelta(days=60)):
        sent = lifecycle.certificate_expiry_reminders_send()

    # then
    assert sent == 1
    (message,) = mail.outbox
    assert message.subject == "Your certificate expires in 60 days"
    assert "Certified Social Advocate" in message.body
    assert "January 2027" in message.body


def test_a_late_first_run_sends_one_email_for_the_nearest_threshold(certificate):
    # given: the job did not run between 90 and 20 days before expiry
    with at(certificate.expires_at - timedelta(days=20)):
        # when
        sent = lifecycle.certificate_expiry_reminders_send()
        again = lifecycle.certificate_expiry_reminders_send()

    # then: one email, every crossed threshold recorded
    assert (sent, again) == (1, 0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Votre certificat expire dans 20 jours"
    certificate.refresh_from_db()
    assert certificate.reminders_sent == [90, 60, 30]


def test_an_email_failure_leaves_the_reminder_to_the_next_run(certificate, monkeypatch):
    # given
    def smtp_down(*args, **kwargs):
        raise ConnectionError("smtp down")

    monkeypatch.setattr("certification.notifications.send_expiry_reminder", smtp_down)
    moment = certificate.expires_at - timedelta(days=89)

    # when
    with at(moment):
        assert lifecycle.certificate_expiry_reminders_send() == 0
    monkeypatch.undo()
    with at(moment + timedelta(hours=6)):
        assert lifecycle.certificate_expiry_reminders_send() == 1

    # then
    assert len(mail.outbox) == 1
    assert CertificateEvent.objects.filter(certificate=certificate, key="reminder:90").count() == 1
    assert RenewalEnrolment.objects.filter(certificate=certificate).count() == 1


def test_the_first_reminder_starts_the_renewal_once_and_restarts_the_refresher(certificate, holder, refresher_quiz):
    # given: the holder had done the refresher course before
    refresher = refresher_quiz.course_page
    lesson = refresher_quiz.lesson_pages[0]
    courses_services.lesson_complete(user=holder, lesson=lesson)
    pass_quiz(holder, refresher_quiz)
    assert Enrollment.objects.get(user=holder, course=refresher).completed_at is not None
    moment = certificate.expires_at - timedelta(days=89)

    # when
    with at(moment):
        lifecycle.certificate_expiry_reminders_send()
        lifecycle.certificate_expiry_reminders_send()
    with at(moment + timedelta(days=30)):
        lifecycle.certificate_expiry_reminders_send()

    # then
    renewal = RenewalEnrolment.objects.get()
    assert (renewal.certificate_id, renewal.started_at, renewal.completed_at) == (certificate.pk, moment, None)
    enrollment = Enrollment.objects.get(user=holder, course=refresher)
    assert (enrollment.completed_at, enrollment.restarted_at) == (None, moment)
    assert not LessonProgress.objects.filter(user=holder, lesson=lesson).exists()
    event = CertificateEvent.objects.get(certificate=certificate, action="renewal_started")
    assert (event.key, event.after) == ("renewal:started", {"mode": "refresher", "courses": [refresher.pk]})


def test_full_renewal_restarts_every_completed_course_of_the_programme(course_index, holder):
    # given
    first, second, unrelated = (CoursePageFactory(parent=course_index) for _ in range(3))
    program = make_program(courses=[first, second], mode=CertificationProgram.RenewalMode.FULL)
    for course in (first, second, unrelated):
        complete(holder, course)
    with at(ISSUED_AT):
        certificate = services.certificate_issue(user_id=holder.pk, program_id=program.pk)

    # when
    with at(certificate.expires_at - timedelta(days=90)):
        lifecycle.certificate_expiry_reminders_send()

    # then
    restarted = set(
        Enrollment.objects.filter(user=holder, restarted_at__isnull=False).values_list("course_id", flat=True)
    )
    assert restarted == {first.pk, second.pk}
    assert courses_api.completed_course_ids(holder.pk) == {unrelated.pk}


def test_a_renewed_certificate_is_cycle_2_with_new_dates_and_linkedin_link(
    certificate, holder, refresher_quiz, django_capture_on_commit_callbacks, monkeypatch
):
    # given: the renewal started 80 days before expiry
    monkeypatch.setattr("certification.pdf.render_certificate_pdf", lambda certificate: b"%PDF-1.7 test")
    monkeypatch.setattr("certification.pdf.render_og_png", lambda data: b"\x89PNG test")
    with at(certificate.expires_at - timedelta(days=80)):
        lifecycle.certificate_expiry_reminders_send()
    renewed_at = certificate.expires_at - timedelta(days=40)

    # when: the holder takes the refresher again; completion issues the certificate on commit
    with at(renewed_at), django_capture_on_commit_callbacks(execute=True):
        courses_services.lesson_complete(user=holder, lesson=refresher_quiz.lesson_pages[0])
        pass_quiz(holder, refresher_quiz)

    # then
    renewed = Certificate.objects.get(user=holder, cycle=2)
    assert renewed.supersedes_id == certificate.pk
    assert renewed.code != certificate.code
    assert (renewed.issued_at, renewed.expires_at) == (renewed_at, renewed_at + relativedelta(months=12))
    assert RenewalEnrolment.objects.get(certificate=certificate).completed_at == renewed_at
    assert Certificate.objects.filter(user=holder).count() == 2
    links = {}
    for cert in (certificate, renewed):
        url = sharing.linkedin_add_to_profile_url(
            name="Certified Social Advocate",
            cert_url=f"http://testserver/certificates/{cert.code}/",
            cert_id=cert.code,
            issued_at=cert.issued_at,
            expires_at=cert.expires_at,
        )
        links[cert.cycle] = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
    assert (links[1]["issueYear"], links[1]["issueMonth"]) == ("2026", "1")
    assert (links[1]["expirationYear"], links[1]["expirationMonth"]) == ("2027", "1")
    assert (links[2]["issueYear"], links[2]["issueMonth"]) == ("2026", "12")
    assert (links[2]["expirationYear"], links[2]["expirationMonth"]) == ("2027", "12")
    assert links[2]["certId"] == renewed.code
    # and the renewed certificate gets no reminder for the old one's expiry
    with at(certificate.expires_at - timedelta(days=7)):
        assert lifecycle.certificate_expiry_reminders_send() == 0


def test_a_refresher_renewal_is_not_issued_until_the_current_policy_is_acknowledged(
    site, course_index, holder, main_course, refresher_quiz, django_capture_on_commit_callbacks, monkeypatch
):
    # given: a programme that requires the policy; the holder acknowledged version 1, was
    # certified, and the certificate expired; meanwhile HR published a material change (v2)
    monkeypatch.setattr("certification.pdf.render_certificate_pdf", lambda certificate: b"%PDF-1.7 test")
    monkeypatch.setattr("certification.pdf.render_og_png", lambda data: b"\x89PNG test")
    policy = PolicyPageFactory(parent=site)
    program = make_program(courses=[main_course], refresher=refresher_quiz.course_page)
    CertificationProgram.objects.filter(pk=program.pk).update(requires_policy_acknowledgement=True)
    PolicyAcknowledgement.objects.create(
        user=holder, version=PolicyVersion.objects.get(number=1), language="fr", text_sha256="0" * 64
    )
    complete(holder, main_course)
    with at(ISSUED_AT):
        expired = services.certificate_issue(user_id=holder.pk, program_id=program.pk)
    assert expired is not None
    with at(expired.expires_at + timedelta(days=3)):
        lifecycle.certificate_expiry_reminders_send()
    publish_change(policy, material=True, summary="Nouvelle règle", summary_en="New rule")
    renewed_at = expired.expires_at + timedelta(days=10)

    # when: the holder completes the refresher without acknowledging version 2
    with at(renewed_at), django_capture_on_commit_callbacks(execute=True):
        courses_services.lesson_complete(user=holder, lesson=refresher_quiz.lesson_pages[0])
        pass_quiz(holder, refresher_quiz)

    # then: nothing is issued, and the renewal stays open
    assert list(Certificate.objects.filter(user=holder).values_list("cycle", flat=True)) == [1]
    assert RenewalEnrolment.objects.get(certificate=expired).completed_at is None

    # and once version 2 is acknowledged, the renewal is issued
    with at(renewed_at + timedelta(hours=1)), django_capture_on_commit_callbacks(execute=True):
        PolicyAcknowledgement.objects.create(
            user=holder, version=PolicyVersion.objects.get(number=2), language="fr", text_sha256="0" * 64
        )
        renewed = services.certificate_issue(user_id=holder.pk, program_id=program.pk)
    assert renewed is not None
    assert (renewed.cycle, renewed.supersedes_id) == (2, expired.pk)


def test_a_certificate_that_expired_unseen_gets_its_renewal_without_an_email(certificate, holder, refresher_quiz):
    # when
    with at(certificate.expires_at + timedelta(days=3)):
        first = lifecycle.certificate_expiry_reminders_send()
        second = lifecycle.certificate_expiry_reminders_send()

    # then
    assert (first, second) == (0, 0)
    assert mail.outbox == []
    assert RenewalEnrolment.objects.filter(certificate=certificate).count() == 1
    assert Enrollment.objects.get(user=holder, course=refresher_quiz.course_page).restarted_at is not None


def test_revoked_certificates_get_no_reminder_and_no_renewal(certificate, holder):
    # given
    services.certificate_revoke(certificate=certificate, actor=None, reason="test")

    # when
    with at(certificate.expires_at - timedelta(days=30)):
        sent = lifecycle.certificate_expiry_reminders_send()

    # then
    assert sent == 0
    assert not RenewalEnrolment.objects.exists()


# --- attempt limit after a restart ----------------------------------------------------------------


def test_the_attempt_limit_counts_only_attempts_since_the_restart(quiz_factory, holder):
    # given: two attempts allowed, both used
    quiz = quiz_factory(max_attempts=2)
    fail_quiz(holder, quiz)
    fail_quiz(holder, quiz)
    with pytest.raises(courses_services.QuizError) as error:
        courses_services.attempt_start(user=holder, quiz=quiz)
    assert error.value.code == "attempt_limit_reached"

    # when
    courses_api.enrollment_restart(holder.pk, quiz.course_page.pk)

    # then: two more attempts, numbered on
    assert fail_quiz(holder, quiz).attempt_no == 3
    assert pass_quiz(holder, quiz).attempt_no == 4
    with pytest.raises(courses_services.QuizError) as error:
        courses_services.attempt_start(user=holder, quiz=quiz)
    assert error.value.code == "attempt_limit_reached"
    assert list(Attempt.objects.filter(user=holder, quiz=quiz).values_list("attempt_no", flat=True)) == [4, 3, 2, 1]


def test_after_a_restart_only_a_new_pass_completes_the_course(quiz_factory, holder):
    # given: a course completed with a passed quiz
    quiz = quiz_factory(lessons=1)
    course, lesson = quiz.course_page, quiz.lesson_pages[0]
    courses_services.lesson_complete(user=holder, lesson=lesson)
    pass_quiz(holder, quiz)
    assert courses_api.completed_course_ids(holder.pk) == {course.pk}

    # when
    courses_api.enrollment_restart(holder.pk, course.pk)
    courses_services.lesson_complete(user=holder, lesson=lesson)

    # then: the old pass does not count; a new one does
    assert courses_api.completed_course_ids(holder.pk) == set()
    pass_quiz(holder, quiz)
    assert courses_api.completed_course_ids(holder.pk) == {course.pk}


# --- bulk PDF re-issue -----------------------------------------------------------------------------


@pytest.fixture
def fake_renderer(monkeypatch):
    """A renderer that fails for holders named "Broken"."""

    def render(certificate):
        if certificate.holder_name == "Broken":
            raise ValueError("font missing")
        return b"%PDF-1.7 " + certificate.code.encode()

    monkeypatch.setattr("certification.pdf.render_certificate_pdf", render)
    monkeypatch.setattr("certification.pdf.render_og_png", lambda data: b"\x89PNG test")


def test_bulk_render_counts_every_certificate_once_and_finishes(program, fake_renderer):
    # given: three certificates to render, one that fails, one revoked (left alone)
    users = UserFactory.create_batch(4)
    for index, (user, name) in enumerate(zip(users, ["Ann", "Bob", "Broken", "Revoked"], strict=True)):
        Certificate.objects.create(
            user=user,
            program=program,
            holder_name=name,
            issued_at=ISSUED_AT,
            status_list_index=100 + index,
            status=Certificate.Status.REVOKED if name == "Revoked" else Certificate.Status.ISSUED,
        )
    bulk = BulkRender.objects.create(program=program)

    # when: eager Celery runs the fan-out and every render
    total = tasks.bulk_render_task.delay(bulk.pk).get()

    # then
    bulk.refresh_from_db()
    assert (total, bulk.total, bulk.done, bulk.failed) == (3, 3, 2, 1)
    assert bulk.finished_at is not None
    broken = Certificate.objects.get(holder_name="Broken")
    assert broken.render_error == "ValueError: font missing"
    assert not Certificate.objects.get(holder_name="Revoked").pdf
    assert (
        Certificate.objects.get(holder_name="Ann").pdf.read()
        == b"%PDF-1.7 " + Certificate.objects.get(holder_name="Ann").code.encode()
    )
    progress = selectors.bulk_render_progress(bulk=bulk)
    assert (progress["processed"], progress["percent"], progress["finished"]) == (3, 100, True)
    assert [failure["code"] for failure in progress["failures"]] == [broken.code]

    # and a redelivered message or a second start changes nothing
    ann = Certificate.objects.get(holder_name="Ann")
    assert lifecycle.bulk_render_one(bulk_id=bulk.pk, certificate_id=ann.pk) is False
    assert lifecycle.bulk_render_start(bulk_id=bulk.pk) == 3
    bulk.refresh_from_db()
    assert (bulk.done, bulk.failed) == (2, 1)
    assert CertificateEvent.objects.filter(certificate=ann, key=f"bulk:{bulk.pk}", action="pdf_reissued").count() == 1


def test_bulk_render_of_a_programme_without_certificates_finishes_at_once(program):
    # given
    bulk = BulkRender.objects.create(program=program)

    # when
    total = lifecycle.bulk_render_start(bulk_id=bulk.pk)

    # then
    bulk.refresh_from_db()
    assert (total, bulk.total, bulk.done, bulk.failed) == (0, 0, 0, 0)
    assert bulk.finished_at is not None
    assert selectors.bulk_render_progress(bulk=bulk)["percent"] == 100
