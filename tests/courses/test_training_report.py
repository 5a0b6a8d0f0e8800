"""The training report's figures, against hand-computed expectations.

The scene (today is 20 March 2026):

Alpha course (quiz qa), Beta course (quiz qb); Sales and Marketing.
- s1 (Sales): Alpha from 1 March 10:00, completed 3 March 10:00 (2 days); qa scores 60, 90.
- s2 (Sales): Alpha from 2 March 00:00, completed 8 March 12:00 (6.5 days); qa score 85.
- s3 (Sales): Alpha from 5 March, not completed; qa scores 40 and one in progress (no score).
  Also assigned Alpha directly, due 25 March (the department's 15 March is earlier).
- s4 (Sales): not enrolled.
- gone (Sales, inactive): Alpha from 1 March, completed: never counted.
- m1 (Marketing): Alpha from 10 Feb, completed 11 Feb (1 day); Beta from 1 March, qb 100.
- m2 (Marketing): joined after Beta was assigned to Marketing; not enrolled.
- n1 (no department): Alpha from 10 March; assigned Alpha directly, due 25 March.
Assignments: Alpha → Sales due 15 March; Beta → Marketing due 18 March.

Alpha × Sales: assigned 4 (s1..s4), enrolled 3, in progress 1, completed 2, rate 2/3 = 66.7,
median of (2, 6.5) = 4.25 → 4.3, best scores 90, 85, 40 → 71.7, overdue 2 (s3, s4).
Alpha × Marketing: enrolled 1, completed 1, rate 100.0, median 1.0, no score, nothing assigned.
Alpha × none: assigned 1, enrolled 1, in progress 1, rate 0.0, not overdue (due 25 March).
Beta × Marketing: assigned 2, enrolled 1, in progress 1, rate 0.0, best 100.0, overdue 2.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses import api
from courses.data import TrainingReportRow
from tests.factories.courses import (
    AssignmentFactory,
    AttemptFactory,
    CoursePageFactory,
    EnrollmentFactory,
    QuizPageFactory,
)
from tests.factories.people import DepartmentFactory, UserFactory

TODAY = datetime.date(2026, 3, 20)
D = Decimal


def at(day: str, hour: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(day).replace(hour=hour))


@pytest.fixture
def scene(course_index):
    alpha = CoursePageFactory(parent=course_index, title="Alpha course")
    beta = CoursePageFactory(parent=course_index, title="Beta course")
    qa = QuizPageFactory(parent=alpha)
    qb = QuizPageFactory(parent=beta)
    sales, marketing = DepartmentFactory(name="Sales"), DepartmentFactory(name="Marketing")
    s1, s2, s3, s4 = (UserFactory(email=f"s{i}@example.com", department=sales) for i in range(1, 5))
    gone = UserFactory(email="gone@example.com", department=sales, is_active=False)
    m1 = UserFactory(email="m1@example.com", department=marketing)
    n1 = UserFactory(email="n1@example.com")

    EnrollmentFactory(user=s1, course=alpha, enrolled_at=at("2026-03-01", 10), completed_at=at("2026-03-03", 10))
    EnrollmentFactory(user=s2, course=alpha, enrolled_at=at("2026-03-02"), completed_at=at("2026-03-08", 12))
    EnrollmentFactory(user=s3, course=alpha, enrolled_at=at("2026-03-05"))
    EnrollmentFactory(user=gone, course=alpha, enrolled_at=at("2026-03-01"), completed_at=at("2026-03-02"))
    EnrollmentFactory(user=m1, course=alpha, enrolled_at=at("2026-02-10"), completed_at=at("2026-02-11"))
    EnrollmentFactory(user=m1, course=beta, enrolled_at=at("2026-03-01"))
    EnrollmentFactory(user=n1, course=alpha, enrolled_at=at("2026-03-10"))

    AttemptFactory(user=s1, quiz=qa, score=D("60"), started_at=at("2026-03-02"))
    AttemptFactory(user=s1, quiz=qa, score=D("90"), passed=True, started_at=at("2026-03-03"))
    AttemptFactory(user=s2, quiz=qa, score=D("85"), passed=True, started_at=at("2026-03-08"))
    AttemptFactory(user=s3, quiz=qa, score=D("40"), started_at=at("2026-03-06"))
    AttemptFactory(user=s3, quiz=qa, score=None, status="in_progress", started_at=at("2026-03-07"))
    AttemptFactory(user=gone, quiz=qa, score=D("10"), started_at=at("2026-03-01"))
    AttemptFactory(user=m1, quiz=qb, score=D("100"), passed=True, started_at=at("2026-03-02"))

    AssignmentFactory(course=alpha, department=sales, due_date=datetime.date(2026, 3, 15))
    AssignmentFactory(course=alpha, user=s3, due_date=datetime.date(2026, 3, 25))
    AssignmentFactory(course=alpha, user=n1, due_date=datetime.date(2026, 3, 25))
    AssignmentFactory(course=beta, department=marketing, due_date=datetime.date(2026, 3, 18))
    m2 = UserFactory(email="m2@example.com", department=marketing)
    return {
        "alpha": alpha,
        "beta": beta,
        "qa": qa,
        "sales": sales,
        "marketing": marketing,
        "users": {u.email.split("@")[0]: u for u in (s1, s2, s3, s4, m1, m2, n1)},
    }


def row(scene, course, department, **figures) -> TrainingReportRow:
    base = {
        "assigned": 0,
        "enrolled": 0,
        "in_progress": 0,
        "completed": 0,
        "completion_rate": None,
        "median_days_to_complete": None,
        "average_best_score": None,
        "overdue": 0,
    }
    course_page = scene[course]
    dept = scene[department] if department else None
    return TrainingReportRow(
        course_id=course_page.pk,
        course_title=course_page.title,
        department_id=dept.pk if dept else None,
        department_name=dept.name if dept else "",
        **{**base, **figures},
    )


def alpha_sales(scene):
    return row(
        scene,
        "alpha",
        "sales",
        assigned=4,
        enrolled=3,
        in_progress=1,
        completed=2,
        completion_rate=D("66.7"),
        median_days_to_complete=D("4.3"),
        average_best_score=D("71.7"),
        overdue=2,
    )


def beta_marketing(scene):
    return row(
        scene,
        "beta",
        "marketing",
        assigned=2,
        enrolled=1,
        in_progress=1,
        completion_rate=D("0.0"),
        average_best_score=D("100.0"),
        overdue=2,
    )


def test_every_figure_of_every_row_matches_the_hand_computed_expectation(scene):
    # when
    rows = api.training_report(today=TODAY)

    # then
    assert rows == [
        row(
            scene,
            "alpha",
            "marketing",
            enrolled=1,
            completed=1,
            completion_rate=D("100.0"),
            median_days_to_complete=D("1.0"),
        ),
        alpha_sales(scene),
        row(scene, "alpha", None, assigned=1, enrolled=1, in_progress=1, completion_rate=D("0.0")),
        beta_marketing(scene),
    ]


def test_the_report_filters_by_department(scene):
    # when
    rows = api.training_report(department_id=scene["sales"].pk, today=TODAY)

    # then
    assert rows == [alpha_sales(scene)]


def test_department_zero_is_people_without_a_department(scene):
    # when
    rows = api.training_report(department_id=0, today=TODAY)

    # then
    assert rows == [row(scene, "alpha", None, assigned=1, enrolled=1, in_progress=1, completion_rate=D("0.0"))]


def test_the_report_filters_by_course(scene):
    # when
    rows = api.training_report(course_id=scene["beta"].pk, today=TODAY)

    # then
    assert rows == [beta_marketing(scene)]


def test_the_period_selects_enrolments_started_in_it_and_nothing_due_outside_it(scene):
    # when: 1..5 March: s1, s2, s3 in Alpha and m1 in Beta began then; no due date falls in it
    rows = api.training_report(date_from=datetime.date(2026, 3, 1), date_to=datetime.date(2026, 3, 5), today=TODAY)

    # then
    assert rows == [
        row(
            scene,
            "alpha",
            "sales",
            enrolled=3,
            in_progress=1,
            completed=2,
            completion_rate=D("66.7"),
            median_days_to_complete=D("4.3"),
            average_best_score=D("71.7"),
        ),
        row(
            scene,
            "beta",
            "marketing",
            enrolled=1,
            in_progress=1,
            completion_rate=D("0.0"),
            average_best_score=D("100.0"),
        ),
    ]


def test_the_period_selects_assignments_by_due_date(scene):
    # when: 15..18 March: Alpha → Sales and Beta → Marketing are due then, no enrolment began
    rows = api.training_report(date_from=datetime.date(2026, 3, 15), date_to=datetime.date(2026, 3, 18), today=TODAY)

    # then
    assert rows == [
        row(scene, "alpha", "sales", assigned=4, overdue=2),
        row(scene, "beta", "marketing", assigned=2, overdue=2),
    ]


def test_the_due_date_itself_is_not_overdue(scene):
    # when: on 15 March, Alpha → Sales is due today
    rows = api.training_report(department_id=scene["sales"].pk, today=datetime.date(2026, 3, 15))

    # then
    assert rows[0].overdue == 0
    assert rows[0].assigned == 4


def test_a_completed_course_is_never_overdue_even_outside_the_period(scene):
    # given: s3 completes Alpha on 19 March
    from courses.models import Enrollment

    Enrollment.objects.filter(user=scene["users"]["s3"], course=scene["alpha"]).update(completed_at=at("2026-03-19"))

    # when: the period leaves the enrolment out but keeps the due date
    rows = api.training_report(date_from=datetime.date(2026, 3, 15), date_to=datetime.date(2026, 3, 15), today=TODAY)

    # then: only s4 is overdue
    assert rows == [row(scene, "alpha", "sales", assigned=4, overdue=1)]


def test_a_restarted_enrolment_counts_from_its_restart_and_only_later_attempts(scene):
    # given: s1 restarts Alpha on 10 March (certificate renewal) and scores 70 after it
    from courses.models import Enrollment

    s1 = scene["users"]["s1"]
    Enrollment.objects.filter(user=s1, course=scene["alpha"]).update(
        restarted_at=at("2026-03-10"), completed_at=at("2026-03-12")
    )
    AttemptFactory(user=s1, quiz=scene["qa"], score=D("70"), started_at=at("2026-03-11"))

    # when
    rows = api.training_report(department_id=scene["sales"].pk, today=TODAY)

    # then: s1 took 2 days from the restart (median of 2 and 6.5 still 4.25); best 70 not 90
    assert rows[0].median_days_to_complete == D("4.3")
    assert rows[0].average_best_score == D("65.0")  # (70 + 85 + 40) / 3


def test_the_median_of_an_odd_count_is_the_middle_duration(scene):
    # given: s3 completes Alpha 9 days after enrolling (5 → 14 March)
    from courses.models import Enrollment

    Enrollment.objects.filter(user=scene["users"]["s3"], course=scene["alpha"]).update(completed_at=at("2026-03-14"))

    # when
    rows = api.training_report(department_id=scene["sales"].pk, today=TODAY)

    # then: 2, 6.5, 9 → 6.5; 3 of 3 completed
    assert rows[0].median_days_to_complete == D("6.5")
    assert rows[0].completion_rate == D("100.0")
    assert rows[0].overdue == 1


def test_the_report_runs_a_fixed_number_of_queries_whatever_the_volume(scene, course_index):
    # given
    with CaptureQueriesContext(connection) as small:
        api.training_report(today=TODAY)
    department = DepartmentFactory(name="Support")
    gamma = CoursePageFactory(parent=course_index, title="Gamma course")
    quiz = QuizPageFactory(parent=gamma)
    for i in range(15):
        user = UserFactory(department=department)
        EnrollmentFactory(user=user, course=gamma, completed_at=timezone.now() if i % 2 else None)
        AttemptFactory(user=user, quiz=quiz, score=D(i))
    AssignmentFactory(course=gamma, department=department, due_date=datetime.date(2026, 3, 1))

    # when
    with CaptureQueriesContext(connection) as large:
        rows = api.training_report(today=TODAY)

    # then
    assert len(large) == len(small) == 5
    gamma_row = next(r for r in rows if r.course_id == gamma.pk)
    assert (gamma_row.enrolled, gamma_row.completed, gamma_row.overdue) == (15, 7, 8)
    assert gamma_row.average_best_score == D("7.0")


def test_the_drill_down_lists_the_people_of_a_course_overdue_first(scene):
    # when
    people = api.training_people(course_id=scene["alpha"].pk, department_id=scene["sales"].pk, today=TODAY)

    # then
    assert [(p.email, p.status, p.best_score, p.due_date) for p in people] == [
        ("s3@example.com", "overdue", D("40.00"), datetime.date(2026, 3, 15)),
        ("s4@example.com", "overdue", None, datetime.date(2026, 3, 15)),
        ("s1@example.com", "completed", D("90.00"), datetime.date(2026, 3, 15)),
        ("s2@example.com", "completed", D("85.00"), datetime.date(2026, 3, 15)),
    ]
    assert people[2].enrolled_at == at("2026-03-01", 10)
    assert people[2].completed_at == at("2026-03-03", 10)
    assert people[2].department_name == "Sales"


def test_the_drill_down_shows_not_started_and_in_progress(scene):
    # when: Alpha, everyone, on 1 March (nothing due yet)
    people = api.training_people(course_id=scene["alpha"].pk, today=datetime.date(2026, 3, 1))

    # then
    assert [(p.email, p.status) for p in people] == [
        ("n1@example.com", "in_progress"),
        ("s3@example.com", "in_progress"),
        ("s4@example.com", "not_started"),
        ("m1@example.com", "completed"),
        ("s1@example.com", "completed"),
        ("s2@example.com", "completed"),
    ]


def test_the_drill_down_needs_a_course(scene):
    # when / then
    from courses import selectors

    with pytest.raises(ValueError, match="needs a course"):
        selectors.training_people(filters=selectors.ReportFilters())
