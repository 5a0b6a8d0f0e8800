"""``manage.py load_demo``: the bilingual demo on a fresh database, idempotent, never with the
production settings."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import timezone

from certification import selectors as certification_selectors
from certification.models import Certificate, RenewalEnrolment
from courses import api as courses_api
from courses.models import QUESTION_TYPES, Assignment, CoursePage, Enrollment, LessonPage, Question, QuizPage
from policy.models import PolicyPage, PolicyVersion

DEMO_ACCOUNTS = {
    "employee@demo.example",
    "advocate@demo.example",
    "hr@demo.example",
    "manager@demo.example",
    "admin@demo.example",
    "former@demo.example",
}


def counts() -> dict[str, int]:
    return {
        "users": get_user_model().objects.count(),
        "courses": CoursePage.objects.count(),
        "lessons": LessonPage.objects.count(),
        "quizzes": QuizPage.objects.count(),
        "questions": Question.objects.count(),
        "policy pages": PolicyPage.objects.count(),
        "policy versions": PolicyVersion.objects.count(),
        "certificates": Certificate.objects.count(),
        "renewals": RenewalEnrolment.objects.count(),
        "enrolments": Enrollment.objects.count(),
        "assignments": Assignment.objects.count(),
    }


@pytest.mark.slow
def sign_in_request():
    """The sign-in form's request: the lock-out backend checks every authentication against one."""
    return RequestFactory().post("/accounts/login/", REMOTE_ADDR="127.0.0.1")


def test_the_demo_loads_once_and_a_second_run_changes_nothing(db):
    # when
    call_command("load_demo", stdout=StringIO())
    first = counts()
    call_command("load_demo", stdout=StringIO())

    # then: the same rows after the second run
    assert counts() == first
    # the accounts, each able to sign in with the demo password
    assert set(get_user_model().objects.values_list("email", flat=True)) >= DEMO_ACCOUNTS
    for email in DEMO_ACCOUNTS:
        assert authenticate(sign_in_request(), username=email, password="porte-voix-demo") is not None, email
    # three courses in each language, every question type, at least 10 post scenarios
    assert sorted(CoursePage.objects.values_list("language", flat=True)) == ["en"] * 3 + ["fr"] * 3
    types = {question.type_key for question in Question.objects.all()}
    assert types == set(QUESTION_TYPES)
    assert first["questions"] >= 30
    assert Question.objects.filter(polymorphic_ctype__model="postscenarioquestion").count() >= 10
    # a published policy, and one certificate per state
    assert (first["policy pages"], first["policy versions"]) == (1, 2)
    states = {
        c.user.email: c.state()
        for c in Certificate.objects.select_related("user").filter(user__email__in=DEMO_ACCOUNTS)
    }
    assert states == {
        "advocate@demo.example": "valid",
        "employee@demo.example": "expired",
        "former@demo.example": "revoked",
    }
    # the certification report has something in every bucket (its figures have tests of their own)
    summary = certification_selectors.report_summary(
        certification_selectors.report_certificates(now=timezone.now()), no_department_label="-"
    )
    assert summary.totals == {
        "valid": 15,
        "expiring_30": 2,
        "expiring_60": 2,
        "expiring_90": 2,
        "expired": 1,
        "revoked": 1,
    }
    # the expired holder's renewal is under way: enrolled again in the refresher course
    renewal = RenewalEnrolment.objects.get()
    assert renewal.certificate.user.email == "employee@demo.example"
    assert Enrollment.objects.filter(user__email="employee@demo.example", restarted_at__isnull=False).count() == 1
    assert first["assignments"] == 3
    overdue = Assignment.objects.get(user__email="employee@demo.example")
    assert overdue.due_date < timezone.localdate()
    assert Assignment.objects.get(department__name="Ventes").due_date > timezone.localdate()
    assert Assignment.objects.get(department__name="Ingénierie").due_date < timezone.localdate()
    # the training report shows overdue people: the demo employee, and Engineering's seven,
    # a group large enough to show to readers who see only groups of five or more
    overdue_course = overdue.course.title
    assert {
        (row.course_title, row.department_name): row.overdue for row in courses_api.training_report() if row.overdue
    } == {(overdue_course, "Ventes"): 1, (overdue_course, "Ingénierie"): 7}
    assert {
        (row.course_title, row.department_name): row.overdue
        for row in courses_api.training_report(merge_small_groups=True)
        if row.overdue
    } == {(overdue_course, "Ingénierie"): 7}


def test_the_demo_password_can_be_chosen(db, monkeypatch):
    # given
    monkeypatch.setenv("DEMO_PASSWORD", "another-long-password")

    # when
    call_command("load_demo", stdout=StringIO())

    # then
    assert authenticate(sign_in_request(), username="hr@demo.example", password="another-long-password") is not None
    assert authenticate(sign_in_request(), username="hr@demo.example", password="porte-voix-demo") is None


def test_the_demo_refuses_the_production_settings(db, settings, monkeypatch):
    # given
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "lms.settings.production")
    settings.DEBUG = False
    before = counts()

    # when
    with pytest.raises(CommandError) as refused:
        call_command("load_demo", stdout=StringIO())

    # then: a clear reason, and nothing created
    assert "refuses to run with lms.settings.production" in str(refused.value)
    assert counts() == before
    assert not get_user_model().objects.filter(email__in=DEMO_ACCOUNTS).exists()
