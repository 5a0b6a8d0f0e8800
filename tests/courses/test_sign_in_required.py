"""The training is for the company's people (TESTPLAN 35): the catalogue, a course, a lesson and
the quiz send an anonymous visitor to the sign-in page and back, and are never kept by a shared
cache; the policy stays public."""

from urllib.parse import quote

import pytest
from django.test import Client

from courses.models import Attempt, Enrollment, LessonProgress
from tests.factories.people import PASSWORD
from tests.factories.policy import PolicyPageFactory

PAGES = ["catalogue", "course", "lesson", "quiz"]


@pytest.fixture
def urls(quiz_factory):
    quiz = quiz_factory(types=["single_choice"], lessons=1)
    return {
        "catalogue": "/courses/",
        "course": quiz.course_page.url,
        "lesson": quiz.lesson_pages[0].url,
        "quiz": quiz.url,
    }


def _rows() -> tuple[int, int, int]:
    return Attempt.objects.count(), Enrollment.objects.count(), LessonProgress.objects.count()


@pytest.mark.parametrize("page", PAGES)
def test_an_anonymous_visitor_is_sent_to_sign_in_and_back(page, urls, client):
    # given
    url = f"{urls[page]}?level=beginner"
    before = _rows()

    # when
    response = client.get(url)

    # then: the sign-in page, with the page asked for (and its query) as where to go next
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={quote(url, safe='/')}"
    assert "no-cache" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert b"single_choice" not in response.content
    assert _rows() == before


@pytest.mark.parametrize("page", PAGES)
def test_a_signed_in_person_reads_the_page_and_no_shared_cache_keeps_it(page, urls, employee_client):
    # when
    response = employee_client.get(urls[page])

    # then
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-cache", "no-store", "must-revalidate", "private"} <= cache_control


def test_after_signing_in_the_visitor_lands_on_the_course_asked_for(urls, employee):
    # given: an anonymous visitor opened a course and was sent to sign in
    client = Client()
    login_url = client.get(urls["course"])["Location"]

    # when: they sign in on that page
    response = client.post(login_url, {"username": employee.email, "password": PASSWORD})

    # then
    assert response.status_code == 302
    assert response["Location"] == urls["course"]
    assert client.get(response["Location"]).status_code == 200


def test_the_policy_stays_public(client, course_index):
    # given
    page = PolicyPageFactory(parent=course_index.get_parent())

    # when
    response = client.get(page.url)

    # then
    assert response.status_code == 200
