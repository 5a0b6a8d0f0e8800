"""A GET on an address only a form posts to gets a page (or the JSON error), not a blank 405."""

import pytest

from courses.models import LessonPage
from tests.factories.answers import route


@pytest.fixture
def quiz(quiz_factory):
    return quiz_factory(types=["single_choice"], lessons=1)


def test_opening_the_start_address_explains_instead_of_a_blank_page(quiz, employee_client):
    # when
    response = employee_client.get(route(quiz, "start"))

    # then
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert [t.name for t in response.templates][0] == "error.html"
    assert "This address is used by a form; it cannot be opened directly." in response.content.decode()


def test_a_lesson_complete_address_opened_in_french_is_explained_in_french(quiz, employee, employee_client):
    # given
    employee.preferred_language = "fr"
    employee.save(update_fields=["preferred_language"])
    lesson = LessonPage.objects.get(pk=quiz.lesson_pages[0].pk)

    # when
    response = employee_client.get(lesson.url + "complete/")

    # then
    assert response.status_code == 405
    assert "Cette adresse sert à un formulaire" in response.content.decode()


def test_json_clients_get_the_error_contract(quiz, employee_client):
    # when
    response = employee_client.get(route(quiz, "start"), HTTP_ACCEPT="application/json")

    # then
    assert response.status_code == 405
    assert response.json() == {
        "error": {
            "code": "method_not_allowed",
            "message": "This address is used by a form; it cannot be opened directly.",
        }
    }
