"""The programme admin form with tampered chooser values (logo, signature image, refresher
course): a 200 with a field error, never a 500, and nothing saved."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from certification.models import CertificationProgram
from tests.factories.admin_forms import programme_form
from tests.factories.certification import CertificationProgramFactory, ProgramRequirementFactory
from tests.factories.courses import CoursePageFactory

TAMPERED = [
    ("logo", "abc"),
    ("refresher_course", "abc"),
    ("signature_image", "1 OR 1=1"),
    ("logo", "999999"),
    ("refresher_course", "999999"),
    ("signature_image", "-1"),
]
IDS = [f"{field}={value}" for field, value in TAMPERED]


@pytest.fixture
def course(course_index):
    return CoursePageFactory(parent=course_index)


@pytest.fixture
def program(course):
    program = CertificationProgramFactory(name="Ambassadeur", name_en="Advocate", slug="ambassadeur")
    ProgramRequirementFactory(program=program, title="Required course", courses=[course])
    return program


INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."


def errors_of(response, field: str) -> list[str]:
    return [str(error) for error in response.context["form"].errors.get(field, [])]


def hidden_inputs(response, field: str) -> list[str]:
    """The chooser's hidden input(s) for ``field`` as rendered."""
    return re.findall(rf'<input type="hidden" name="{field}"[^>]*>', response.content.decode())


@pytest.mark.parametrize(("field", "value"), TAMPERED, ids=IDS)
def test_add_form_with_a_tampered_chooser_value_answers_200_with_a_field_error(superuser_client, course, field, value):
    # given
    data = programme_form(courses=[course], **{field: value})

    # when
    response = superuser_client.post(reverse("certification_programmes:add"), data, HTTP_ACCEPT_LANGUAGE="en")

    # then
    assert response.status_code == 200
    assert errors_of(response, field) == [INVALID_CHOICE]
    assert INVALID_CHOICE in response.content.decode()
    # the chooser is drawn empty, without echoing the tampered value
    assert ["value=" in tag for tag in hidden_inputs(response, field)] == [False]
    assert CertificationProgram.objects.count() == 0


@pytest.mark.parametrize(("field", "value"), TAMPERED, ids=IDS)
def test_edit_form_with_a_tampered_chooser_value_answers_200_with_a_field_error(
    superuser_client, program, field, value
):
    # given
    data = programme_form(program, **{field: value})

    # when
    response = superuser_client.post(
        reverse("certification_programmes:edit", args=(program.pk,)), data, HTTP_ACCEPT_LANGUAGE="en"
    )

    # then
    assert response.status_code == 200
    assert errors_of(response, field) == [INVALID_CHOICE]
    assert INVALID_CHOICE in response.content.decode()
    # the chooser is drawn empty, without echoing the tampered value
    assert ["value=" in tag for tag in hidden_inputs(response, field)] == [False]
    program.refresh_from_db()
    assert (program.logo_id, program.refresher_course_id, program.signature_image_id) == (None, None, None)


def test_edit_form_with_a_real_refresher_course_saves_it(superuser_client, program, course):
    # given
    data = programme_form(program, refresher_course=str(course.pk))

    # when
    response = superuser_client.post(
        reverse("certification_programmes:edit", args=(program.pk,)), data, HTTP_ACCEPT_LANGUAGE="en"
    )

    # then
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.refresher_course_id == course.pk
