"""Small groups in the training report: for readers who may not see individuals, the
department × course rows of fewer than 5 people are added up per course into one "Other
departments" row, left out when it still has fewer than 5 people; readers with the right see
every row. Also the completion chart above the table.

The scene of this file (today is 20 March 2026), on top of nothing else:

Gamma course.
- Support (6 people): all enrolled on 1 March, three completed after 1, 2 and 3 days.
- Legal (3 people): all enrolled on 1 March and all assigned Gamma directly, due 30 March
  (3 people, not 6); one completed after 4 days.
- Finance (2 people): Gamma assigned to Finance, due 1 March, nobody enrolled: 2 overdue.
- no department (1 person): enrolled on 1 March, completed after 10 days.
Delta course: the two Finance people enrolled on 2 March, nobody completed.

Gamma × Other departments (Finance, Legal, none): 6 people, assigned 5, enrolled 4,
completed 2, in progress 2, rate 50.0, median of (4, 10) = 7.0, overdue 2.
Delta × Other departments (Finance): 2 people, left out.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses import api
from courses.data import TrainingReportRow
from tests.courses.test_training_admin import NOW, viewer_client  # noqa: F401 - the shared fixture
from tests.courses.test_training_report import TODAY, at
from tests.factories.courses import AssignmentFactory, CoursePageFactory, EnrollmentFactory
from tests.factories.people import DepartmentFactory, UserFactory

D = Decimal
OTHERS = "Other departments (fewer than 5 people each)"
REPORT = "courses_training_report"


@pytest.fixture
def groups(course_index):
    gamma = CoursePageFactory(parent=course_index, title="Gamma course")
    delta = CoursePageFactory(parent=course_index, title="Delta course")
    support, legal, finance = (DepartmentFactory(name=name) for name in ("Support", "Legal", "Finance"))
    for i, completed_after in enumerate((1, 2, 3, None, None, None)):
        user = UserFactory(email=f"support{i}@example.com", department=support)
        completed = at("2026-03-01") + datetime.timedelta(days=completed_after) if completed_after else None
        EnrollmentFactory(user=user, course=gamma, enrolled_at=at("2026-03-01"), completed_at=completed)
    for i in range(3):
        user = UserFactory(email=f"legal{i}@example.com", department=legal)
        completed = at("2026-03-05") if i == 0 else None
        EnrollmentFactory(user=user, course=gamma, enrolled_at=at("2026-03-01"), completed_at=completed)
        AssignmentFactory(course=gamma, user=user, due_date=datetime.date(2026, 3, 30))
    for i in range(2):
        user = UserFactory(email=f"finance{i}@example.com", department=finance)
        EnrollmentFactory(user=user, course=delta, enrolled_at=at("2026-03-02"))
    AssignmentFactory(course=gamma, department=finance, due_date=datetime.date(2026, 3, 1))
    loner = UserFactory(email="loner@example.com")
    EnrollmentFactory(user=loner, course=gamma, enrolled_at=at("2026-03-01"), completed_at=at("2026-03-11"))
    return {"gamma": gamma, "delta": delta, "support": support, "legal": legal, "finance": finance}


def support_row(groups) -> TrainingReportRow:
    return TrainingReportRow(
        course_id=groups["gamma"].pk,
        course_title="Gamma course",
        department_id=groups["support"].pk,
        department_name="Support",
        assigned=0,
        enrolled=6,
        in_progress=3,
        completed=3,
        completion_rate=D("50.0"),
        median_days_to_complete=D("2.0"),
        average_best_score=None,
        overdue=0,
    )


def others_row(groups) -> TrainingReportRow:
    return TrainingReportRow(
        course_id=groups["gamma"].pk,
        course_title="Gamma course",
        department_id=None,
        department_name=OTHERS,
        assigned=5,
        enrolled=4,
        in_progress=2,
        completed=2,
        completion_rate=D("50.0"),
        median_days_to_complete=D("7.0"),
        average_best_score=None,
        overdue=2,
        merged_groups=3,
    )


def test_rows_of_fewer_than_5_people_are_added_up_per_course_and_a_small_total_is_left_out(groups):
    # when
    rows = api.training_report(today=TODAY, merge_small_groups=True)

    # then
    assert rows == [support_row(groups), others_row(groups)]


def test_without_merging_every_department_has_its_own_row(groups):
    # when
    rows = api.training_report(today=TODAY)

    # then
    assert [(r.course_title, r.department_name, r.assigned, r.enrolled, r.overdue, r.merged_groups) for r in rows] == [
        ("Delta course", "Finance", 0, 2, 0, 0),
        ("Gamma course", "Finance", 2, 0, 2, 0),
        ("Gamma course", "Legal", 3, 3, 0, 0),
        ("Gamma course", "Support", 0, 6, 0, 0),
        ("Gamma course", "", 0, 1, 0, 0),
    ]


def test_a_person_both_assigned_and_enrolled_counts_once_towards_the_group_size(groups):
    # given: two more Legal people enrolled in Gamma make Legal 5 people (its 3 are also
    # assigned: counted twice they would have made 8 already before)
    for i in (3, 4):
        user = UserFactory(email=f"legal{i}@example.com", department=groups["legal"])
        EnrollmentFactory(user=user, course=groups["gamma"], enrolled_at=at("2026-03-01"))

    # when
    before = api.training_report(today=TODAY, merge_small_groups=True, department_id=groups["legal"].pk)

    # then: Legal has 5 people now and keeps its row
    assert [(r.department_name, r.assigned, r.enrolled, r.merged_groups) for r in before] == [("Legal", 3, 5, 0)]


def test_a_department_filter_on_a_small_department_shows_nothing_to_a_merged_reader(groups):
    # when
    rows = api.training_report(today=TODAY, merge_small_groups=True, department_id=groups["legal"].pk)

    # then: Legal alone would be the "other departments" row of 3 people
    assert rows == []


def test_merging_keeps_the_number_of_queries(groups):
    # when
    with CaptureQueriesContext(connection) as queries:
        api.training_report(today=TODAY, merge_small_groups=True)

    # then
    assert len(queries) == 5


# --- in the admin ----------------------------------------------------------------------------


def chart_rows(html: str) -> list[tuple[str, str]]:
    """The rows of the data table of the page's chart."""
    figure = re.search(r'<figure class="chart chart--bar">.*?</figure>', html, re.S)
    assert figure is not None
    return re.findall(r"<tr><th scope='row'>(.*?)</th><td>(.*?)</td></tr>", figure.group(0))


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_reader_without_the_individuals_right_sees_small_groups_added_up(groups, viewer_client):  # noqa: F811
    # when
    response = viewer_client.get(reverse(REPORT))

    # then
    assert response.status_code == 200
    assert response.context["object_list"] == [support_row(groups), others_row(groups)]
    html = response.content.decode()
    assert OTHERS in html
    assert 'id="small-groups"' in html
    # the chart counts what the table shows: Gamma 5 of 10 enrolled completed
    assert chart_rows(html) == [("Gamma course", "50")]


def test_a_reader_with_the_individuals_right_sees_every_row(groups, hr_editor_client):
    # when
    response = hr_editor_client.get(reverse(REPORT))

    # then
    assert [(r.course_title, r.department_name) for r in response.context["object_list"]] == [
        ("Delta course", "Finance"),
        ("Gamma course", "Finance"),
        ("Gamma course", "Legal"),
        ("Gamma course", "Support"),
        ("Gamma course", ""),
    ]
    html = response.content.decode()
    assert OTHERS not in html
    assert 'id="small-groups"' not in html
    # Delta: 0 of 2; Gamma: 5 of 10
    assert chart_rows(html) == [("Delta course", "0"), ("Gamma course", "50")]


def test_the_csv_export_of_a_reader_without_the_right_has_the_merged_row(groups, viewer_client):  # noqa: F811
    # when
    response = viewer_client.get(reverse(REPORT), {"export": "csv"})

    # then
    lines = b"".join(response.streaming_content).decode("utf-8").splitlines()
    assert lines[1:] == [
        "Gamma course,Support,0,6,3,3,50.0,2.0,,0",
        f"Gamma course,{OTHERS},5,4,2,2,50.0,7.0,,2",
    ]


def test_filtered_to_one_course_the_chart_is_by_department(groups, hr_editor_client):
    # when
    response = hr_editor_client.get(reverse(REPORT), {"course": groups["gamma"].pk})

    # then: Finance has no enrolment, so no rate
    html = response.content.decode()
    assert "Completion rate by department (%)" in html
    assert chart_rows(html) == [("Legal", "33.3"), ("Support", "50"), ("No department", "100")]
