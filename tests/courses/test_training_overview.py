"""The training part of the HR overview: the training report summed by department, and
completions per week in the site's time zone (Europe/Paris).

Today is Wednesday 18 March 2026; this week starts Monday 16 March, the twelfth week back
Monday 29 December 2025.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from courses import api
from courses.data import DepartmentTraining, WeeklyCount
from courses.selectors.overview import week_starts
from tests.factories.courses import AssignmentFactory, CoursePageFactory, EnrollmentFactory
from tests.factories.people import DepartmentFactory, UserFactory

TODAY = datetime.date(2026, 3, 18)


def at(day: str, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(day).replace(hour=hour, minute=minute))


def test_week_starts_are_the_last_mondays_oldest_first():
    # when
    starts = week_starts(weeks=3, today=TODAY)

    # then
    assert starts == [datetime.date(2026, 3, 2), datetime.date(2026, 3, 9), datetime.date(2026, 3, 16)]


def test_week_starts_refuses_no_week():
    with pytest.raises(ValueError, match="weeks must be at least 1"):
        week_starts(weeks=0, today=TODAY)


@pytest.mark.django_db
def test_training_overview_sums_courses_by_department_and_counts_completions_per_local_week(course_index):
    # given
    alpha = CoursePageFactory(parent=course_index, title="Alpha")
    beta = CoursePageFactory(parent=course_index, title="Beta")
    sales, marketing = DepartmentFactory(name="Sales"), DepartmentFactory(name="Marketing")
    s1, s2, s3 = (UserFactory(department=sales) for _ in range(3))
    m1 = UserFactory(department=marketing)
    n1 = UserFactory()
    gone = UserFactory(department=sales, is_active=False)
    # Sunday 15 March 23:30 in Paris is in the week of 9 March; Monday 00:30 in the next one.
    EnrollmentFactory(user=s1, course=alpha, completed_at=at("2026-03-15", 23, 30))
    EnrollmentFactory(user=s1, course=beta, completed_at=at("2026-03-16", 0, 30))
    EnrollmentFactory(user=s2, course=alpha)
    EnrollmentFactory(user=m1, course=alpha, completed_at=at("2025-12-29", 9))
    EnrollmentFactory(user=m1, course=beta, completed_at=at("2025-12-28", 9))  # thirteen weeks back
    EnrollmentFactory(user=n1, course=alpha, completed_at=at("2026-03-17", 9))
    EnrollmentFactory(user=gone, course=alpha, completed_at=at("2026-03-17", 9))
    AssignmentFactory(course=alpha, department=sales, due_date=datetime.date(2026, 3, 10))

    # when
    overview = api.training_overview(weeks=12, today=TODAY)

    # then
    assert overview.departments == (
        DepartmentTraining(
            department_id=marketing.pk, department_name="Marketing", assigned=0, enrolled=2, completed=2, overdue=0
        ),
        DepartmentTraining(
            department_id=sales.pk, department_name="Sales", assigned=3, enrolled=3, completed=2, overdue=2
        ),
        DepartmentTraining(department_id=None, department_name="", assigned=0, enrolled=1, completed=1, overdue=0),
    )
    assert [d.completion_rate for d in overview.departments] == [100, 67, 100]
    assert len(overview.weekly_completions) == 12
    assert overview.weekly_completions[0] == WeeklyCount(week_start=datetime.date(2025, 12, 29), count=1)
    assert overview.weekly_completions[-2] == WeeklyCount(week_start=datetime.date(2026, 3, 9), count=1)
    assert overview.weekly_completions[-1] == WeeklyCount(week_start=datetime.date(2026, 3, 16), count=2)
    assert sum(week.count for week in overview.weekly_completions) == 4


@pytest.mark.django_db
def test_training_overview_without_anything_is_empty_with_twelve_zero_weeks(course_index):
    # when
    overview = api.training_overview(today=TODAY)

    # then
    assert overview.departments == ()
    assert [week.count for week in overview.weekly_completions] == [0] * 12
    assert DepartmentTraining(None, "", 0, 0, 0, 0).completion_rate is None
