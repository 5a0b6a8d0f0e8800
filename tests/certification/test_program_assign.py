"""Programme "Assign to…": every required course assigned through courses.api, all or nothing."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from courses.models import Assignment
from tests.factories.certification import CertificationProgramFactory, ProgramRequirementFactory
from tests.factories.courses import CoursePageFactory
from tests.factories.people import DepartmentFactory

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
