"""The training report and its drill-down in the admin: who may see what, filters, exports."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests.courses.test_training_report import scene  # noqa: F401 - the shared scene fixture
from tests.factories.people import UserFactory

REPORT = "courses_training_report"
PEOPLE = "courses_training_people"
NOW = datetime.datetime(2026, 3, 20, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def _csv(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.fixture
def viewer_client(client, site):
    """Someone who may read the report's aggregates but not see individuals."""
    group = Group.objects.create(name="Training viewers")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_assignment"),
    )
    user = UserFactory(email="viewer@example.com", groups=[group])
    client.force_login(user)
    return client


def test_hr_editors_see_the_report_with_every_figure_and_its_definition(scene, hr_editor_client):  # noqa: F811
    # when
    response = hr_editor_client.get(reverse(REPORT))

    # then
    assert response.status_code == 200
    rows = response.context["object_list"]
    assert [(r.course_title, r.department_name, r.overdue) for r in rows] == [
        ("Alpha course", "Marketing", 0),
        ("Alpha course", "Sales", 2),
        ("Alpha course", "", 0),
        ("Beta course", "Marketing", 2),
    ]
    html = response.content.decode()
    assert html.count('<details class="figure-definition">') == 8
    assert "Completed divided by enrolled, in percent." in html
    assert "No department" in html
    assert reverse(PEOPLE) + f"?course={scene['alpha'].pk}&amp;department={scene['sales'].pk}" in html


def test_the_cells_show_each_figure_escaped_with_a_dash_for_nothing(scene, hr_editor_client):  # noqa: F811
    # given: a department name that looks like markup
    scene["sales"].name = "Sales & <b>Co</b>"
    scene["sales"].save()

    # when
    response = hr_editor_client.get(reverse(REPORT))

    # then: the Alpha course's row for that department, cell by cell
    html = response.content.decode()
    row = next(r for r in response.context["object_list"] if r.department_name == "Sales & <b>Co</b>")
    cells = html.split("<td>Sales &amp; &lt;b&gt;Co&lt;/b&gt;</td>", 1)[1].split("</tr>", 1)[0]
    figures = [
        row.assigned,
        row.enrolled,
        row.in_progress,
        row.completed,
        row.completion_rate,
        row.median_days_to_complete,
        row.average_best_score,
        row.overdue,
    ]
    assert cells.split() == ["<td>—</td>" if value is None else f"<td>{value}</td>" for value in figures]
    assert "<b>Co</b>" not in html


def test_an_employee_cannot_open_the_report_or_the_people(scene, employee_client):  # noqa: F811
    # when
    report = employee_client.get(reverse(REPORT))
    people = employee_client.get(reverse(PEOPLE), {"course": scene["alpha"].pk})

    # then: no admin access at all
    assert report.status_code == 302
    assert people.status_code == 302


def test_a_viewer_without_the_individuals_right_sees_figures_but_no_one(scene, viewer_client):  # noqa: F811
    # when
    report = viewer_client.get(reverse(REPORT))
    people = viewer_client.get(reverse(PEOPLE), {"course": scene["alpha"].pk})
    export = viewer_client.get(reverse(PEOPLE), {"course": scene["alpha"].pk, "export": "csv"})

    # then: every department of the scene has fewer than 5 people in each course, so Alpha's
    # three are added up into one row (6 people) and Beta's Marketing (2 people) is left out
    assert report.status_code == 200
    assert [
        (r.course_title, r.department_name, r.merged_groups, r.assigned, r.enrolled, r.completed, r.overdue)
        for r in report.context["object_list"]
    ] == [("Alpha course", "Other departments (fewer than 5 people each)", 3, 5, 5, 3, 2)]
    assert reverse(PEOPLE) not in report.content.decode()
    # the admin answers a denied page with a redirect to its dashboard
    assert (people.status_code, people["Location"]) == (302, "/admin/")
    assert (export.status_code, export["Location"]) == (302, "/admin/")
    assert b"s1@example.com" not in people.content


def test_the_report_filters_by_department_course_and_period(scene, hr_editor_client):  # noqa: F811
    # when
    by_department = hr_editor_client.get(reverse(REPORT), {"department": scene["sales"].pk})
    by_course = hr_editor_client.get(reverse(REPORT), {"course": scene["beta"].pk})
    by_period = hr_editor_client.get(reverse(REPORT), {"period_from": "2026-03-15", "period_to": "2026-03-18"})

    # then
    assert [(r.course_title, r.department_name) for r in by_department.context["object_list"]] == [
        ("Alpha course", "Sales")
    ]
    assert [(r.course_title, r.department_name) for r in by_course.context["object_list"]] == [
        ("Beta course", "Marketing")
    ]
    assert [(r.enrolled, r.assigned, r.overdue) for r in by_period.context["object_list"]] == [(0, 4, 2), (0, 2, 2)]


def test_a_period_that_ends_before_it_starts_is_refused_with_a_clear_error(scene, hr_editor_client):  # noqa: F811
    # when
    page = hr_editor_client.get(reverse(REPORT), {"period_from": "2026-03-18", "period_to": "2026-03-01"})
    export = hr_editor_client.get(
        reverse(REPORT), {"period_from": "2026-03-18", "period_to": "2026-03-01", "export": "csv"}
    )
    garbage = hr_editor_client.get(reverse(REPORT), {"period_from": "not-a-date", "export": "xlsx"})

    # then
    assert page.status_code == 200
    assert page.context["object_list"] == []
    assert page.context["filters"].form.errors == {"period": ["The start of the period is after its end."]}
    assert export.status_code == 400
    assert export.content.decode() == "The start of the period is after its end."
    assert garbage.status_code == 400
    assert garbage.content.decode() == "Enter a valid date."


def test_the_csv_export_has_the_exact_header_and_rows(scene, hr_editor_client):  # noqa: F811
    # when
    response = hr_editor_client.get(reverse(REPORT), {"export": "csv"})

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="training-2026-03-20.csv"'
    assert _csv(response) == (
        "\ufeffCourse,Department,Assigned,Enrolled,In progress,Completed,Completion rate,"
        "Median days to complete,Average best score,Overdue\r\n"
        "Alpha course,Marketing,0,1,0,1,100.0,1.0,,0\r\n"
        "Alpha course,Sales,4,3,1,2,66.7,4.3,71.7,2\r\n"
        "Alpha course,No department,1,1,1,0,0.0,,,0\r\n"
        "Beta course,Marketing,2,1,1,0,0.0,,100.0,2\r\n"
    )


def test_the_csv_export_guards_against_formulas(scene, hr_editor_client):  # noqa: F811
    # given
    alpha = scene["alpha"]
    alpha.title = '=HYPERLINK("http://evil.example","x")'
    alpha.save()

    # when
    response = hr_editor_client.get(reverse(REPORT), {"export": "csv", "department": scene["sales"].pk})

    # then
    assert _csv(response).splitlines()[1].startswith('"\'=HYPERLINK(""http://evil.example"",""x"")",Sales,')


def test_the_xlsx_export_has_the_same_figures_as_numbers(scene, hr_editor_client):  # noqa: F811
    # when
    response = hr_editor_client.get(reverse(REPORT), {"export": "xlsx", "course": scene["alpha"].pk})

    # then
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        [
            "Course",
            "Department",
            "Assigned",
            "Enrolled",
            "In progress",
            "Completed",
            "Completion rate",
            "Median days to complete",
            "Average best score",
            "Overdue",
        ],
        ["Alpha course", "Marketing", 0, 1, 0, 1, 100, 1, None, 0],
        ["Alpha course", "Sales", 4, 3, 1, 2, 66.7, 4.3, 71.7, 2],
        ["Alpha course", "No department", 1, 1, 1, 0, 0, None, None, 0],
    ]


def test_the_drill_down_lists_who_is_overdue(scene, hr_editor_client):  # noqa: F811
    # when
    response = hr_editor_client.get(
        reverse(PEOPLE), {"course": scene["alpha"].pk, "department": scene["sales"].pk, "status": "overdue"}
    )

    # then
    assert response.status_code == 200
    assert [(p.email, p.status) for p in response.context["object_list"]] == [
        ("s3@example.com", "overdue"),
        ("s4@example.com", "overdue"),
    ]


def test_the_drill_down_of_people_without_a_department(scene, hr_editor_client):  # noqa: F811
    # when
    response = hr_editor_client.get(reverse(PEOPLE), {"course": scene["alpha"].pk, "department": 0})

    # then
    assert [(p.email, p.status) for p in response.context["object_list"]] == [("n1@example.com", "in_progress")]


def test_the_drill_down_exports_people_as_csv(scene, hr_editor_client):  # noqa: F811
    # when
    response = hr_editor_client.get(
        reverse(PEOPLE), {"course": scene["beta"].pk, "department": scene["marketing"].pk, "export": "csv"}
    )

    # then
    m1, m2 = (scene["users"][key].get_display_name() for key in ("m1", "m2"))
    assert _csv(response) == (
        "\ufeffName,Email,Department,Status,Enrolled on,Completed on,Best score,Due date\r\n"
        f"{m1},m1@example.com,Marketing,Overdue,2026-03-01,,100.00,2026-03-18\r\n"
        f"{m2},m2@example.com,Marketing,Overdue,,,,2026-03-18\r\n"
    )


def test_the_drill_down_without_a_course_is_a_clear_error(scene, hr_editor_client):  # noqa: F811
    # when
    page = hr_editor_client.get(reverse(PEOPLE))
    export = hr_editor_client.get(reverse(PEOPLE), {"export": "csv"})

    # then
    assert page.status_code == 200
    assert page.context["object_list"] == []
    assert page.context["filters"].form.errors == {"course": ["This field is required."]}
    assert export.status_code == 400
    assert export.content.decode() == "This field is required."


def test_the_report_page_runs_a_fixed_number_of_queries(scene, hr_editor_client, django_assert_max_num_queries):  # noqa: F811
    # when / then: 5 for the figures, the rest is the admin shell (session, user, menus)
    with django_assert_max_num_queries(30):
        response = hr_editor_client.get(reverse(REPORT))
    assert response.status_code == 200
