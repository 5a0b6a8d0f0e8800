"""Programme "Assign to…": every required course assigned through courses.api, all or nothing."""

from __future__ import annotations

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from courses import api as courses_api
from courses import services as courses_services
from courses.models import Assignment, AssignmentReminder, CoursePage
from tests.factories.certification import CertificationProgramFactory, ProgramRequirementFactory
from tests.factories.courses import AssignmentFactory, CoursePageFactory, EnrollmentFactory
from tests.factories.people import DepartmentFactory, UserFactory

alternatives_backfill = importlib.import_module("certification.migrations.0007_assignment_alternatives_backfill")

NOW = datetime.datetime(2026, 3, 20, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def programme(course_index):
    """Two requirements: the first satisfied by a French or an English course, the second by one."""
    programme = CertificationProgramFactory(name="Ambassadeur", name_en="Advocate")
    french = CoursePageFactory(parent=course_index, title="Les bases")
    english = CoursePageFactory(parent=course_index, title="The basics")
    second = CoursePageFactory(parent=course_index, title="Going further")
    ProgramRequirementFactory(program=programme, courses=[english, french], sort_order=0)
    ProgramRequirementFactory(program=programme, courses=[second], sort_order=1)
    programme.courses = (french, second)
    return programme


def assign_url(programme):
    return reverse("certification_programmes:assign", args=(programme.pk,))


def test_the_programme_edit_page_offers_assign_to(programme, hr_editor_client):
    # when
    response = hr_editor_client.get(reverse("certification_programmes:edit", args=(programme.pk,)))

    # then
    assert assign_url(programme) in response.content.decode()


def test_assigning_a_programme_assigns_the_first_course_of_each_requirement(
    programme, employee, hr_editor, hr_editor_client
):
    # given
    sales = DepartmentFactory(name="Sales")

    # when
    page = hr_editor_client.get(assign_url(programme))
    response = hr_editor_client.post(
        assign_url(programme), {"departments": [sales.pk], "emails": "employee@example.com", "due_date": "2026-04-30"}
    )

    # then
    assert [course.title for course in page.context["courses"]] == ["Les bases", "Going further"]
    assert response.status_code == 302
    french, second = programme.courses
    assert list(
        Assignment.objects.order_by("pk").values_list(
            "course_id", "department_id", "user_id", "due_date", "programme_id", "programme_label", "assigned_by_id"
        )
    ) == [
        (french.pk, sales.pk, None, datetime.date(2026, 4, 30), programme.pk, "Ambassadeur", hr_editor.pk),
        (french.pk, None, employee.pk, datetime.date(2026, 4, 30), programme.pk, "Ambassadeur", hr_editor.pk),
        (second.pk, sales.pk, None, datetime.date(2026, 4, 30), programme.pk, "Ambassadeur", hr_editor.pk),
        (second.pk, None, employee.pk, datetime.date(2026, 4, 30), programme.pk, "Ambassadeur", hr_editor.pk),
    ]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"due_date": "2026-04-30"}, "Choose at least one department or one person."),
        ({"due_date": "2026-03-01", "emails": "employee@example.com"}, "The due date cannot be in the past."),
    ],
)
def test_a_bad_programme_assignment_is_refused_and_nothing_is_made(programme, employee, hr_editor_client, data, error):
    # when
    response = hr_editor_client.post(assign_url(programme), data)

    # then
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [error]
    assert Assignment.objects.count() == 0


def test_an_unknown_email_is_a_field_error(programme, hr_editor_client):
    # when
    response = hr_editor_client.post(assign_url(programme), {"due_date": "2026-04-30", "emails": "who@example.com"})

    # then
    assert response.status_code == 400
    assert response.context["form"].errors["emails"] == ["No active person has the email address: who@example.com."]
    assert Assignment.objects.count() == 0


def test_an_employee_cannot_assign_a_programme(programme, employee_client):
    # when
    response = employee_client.post(assign_url(programme), {"due_date": "2026-04-30", "emails": "employee@example.com"})

    # then
    assert response.status_code == 302
    assert Assignment.objects.count() == 0


# --- a requirement met by any of its courses ---------------------------------------------------

AFTER_DUE = datetime.date(2026, 4, 1)


@pytest.fixture
def assigned_sales(programme, hr_editor_client):
    """Sales assigned the programme by 25 March: Ana completed the English alternative of the
    first requirement, Bob its French course, Cat nothing, Dan the English course and the
    second requirement's course."""
    sales = DepartmentFactory(name="Sales")
    french, second = programme.courses
    english = CoursePage.objects.get(title="The basics")
    people = {name: UserFactory(email=f"{name}@example.com", department=sales) for name in ("ana", "bob", "cat", "dan")}
    done = NOW - datetime.timedelta(days=2)
    for name, course in (("ana", english), ("bob", french), ("dan", english), ("dan", second)):
        EnrollmentFactory(user=people[name], course=course, completed_at=done)
    response = hr_editor_client.post(assign_url(programme), {"departments": [sales.pk], "due_date": "2026-03-25"})
    assert response.status_code == 302
    return {"department": sales, "people": people, "french": french, "english": english, "second": second}


def test_a_programme_assignment_carries_the_other_courses_of_its_requirement(assigned_sales):
    # then: the French course may be replaced by the English one; the second course by none
    french, english, second = (assigned_sales[key] for key in ("french", "english", "second"))
    assert {
        assignment.course_id: [course.pk for course in assignment.alternatives.all()]
        for assignment in Assignment.objects.all()
    } == {french.pk: [english.pk], second.pk: []}


def test_the_report_counts_an_alternative_course_as_done(assigned_sales):
    # when
    rows = courses_api.training_report(today=AFTER_DUE)

    # then: the first requirement is met by Ana and Dan (English) and Bob (French), not Cat;
    # the second only by Dan
    figures = {(row.course_title, row.department_name): (row.assigned, row.completed, row.overdue) for row in rows}
    assert figures == {
        ("Going further", "Sales"): (4, 1, 3),
        ("Les bases", "Sales"): (4, 1, 1),
        ("The basics", "Sales"): (0, 2, 0),
    }


def test_the_drill_down_shows_the_alternative_as_completed(assigned_sales):
    # when
    people = courses_api.training_people(course_id=assigned_sales["french"].pk, today=AFTER_DUE)

    # then
    assert [(person.email, person.status) for person in people] == [
        ("cat@example.com", "overdue"),
        ("ana@example.com", "completed"),
        ("bob@example.com", "completed"),
        ("dan@example.com", "completed"),
    ]


def test_me_shows_a_requirement_met_by_an_alternative_as_done(assigned_sales):
    # when
    ana = courses_api.assigned_courses(assigned_sales["people"]["ana"], today=AFTER_DUE)
    cat = courses_api.assigned_courses(assigned_sales["people"]["cat"], today=AFTER_DUE)

    # then
    assert [(course.title, course.status) for course in ana] == [("Les bases", "done"), ("Going further", "overdue")]
    assert [(course.title, course.status) for course in cat] == [("Les bases", "overdue"), ("Going further", "overdue")]


def test_the_reminder_sweep_spares_who_completed_an_alternative(assigned_sales):
    # when
    courses_services.assignment_reminders_send(today=AFTER_DUE)

    # then
    assert sorted(AssignmentReminder.objects.values_list("user__email", "assignment__course__title", "kind")) == [
        ("ana@example.com", "Going further", "overdue"),
        ("bob@example.com", "Going further", "overdue"),
        ("cat@example.com", "Going further", "overdue"),
        ("cat@example.com", "Les bases", "overdue"),
    ]


def test_the_migration_gives_earlier_programme_assignments_their_alternatives(assigned_sales, employee):
    # given: assignments made before alternatives existed, from the programme and not
    french, english = assigned_sales["french"], assigned_sales["english"]
    Assignment.alternatives.through.objects.all().delete()
    direct = AssignmentFactory(course=french, user=employee)

    # when (twice: a second run changes nothing)
    alternatives_backfill.backfill(apps, None)
    alternatives_backfill.backfill(apps, None)

    # then
    assert sorted(Assignment.alternatives.through.objects.values_list("assignment__course_id", "coursepage_id")) == [
        (french.pk, english.pk)
    ]
    assert list(direct.alternatives.all()) == []
