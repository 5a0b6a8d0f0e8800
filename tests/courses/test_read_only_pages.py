"""Learner pages are read, never written to: a PUT, PATCH, DELETE or POST on them is a 405
with an ``Allow`` header, and changes nothing; the quiz routes forms post to allow POST."""

import pytest

from courses import services
from courses.models import Attempt, LessonProgress
from tests.factories.answers import route, wrong_answers

READ_ONLY = ["catalogue", "course", "lesson", "quiz", "attempt_result", "attempt_review"]


@pytest.fixture
def urls(quiz_factory, employee):
    quiz = quiz_factory(types=["single_choice"], lessons=1)
    attempt = services.attempt_start(user=employee, quiz=quiz)
    services.attempt_submit(attempt=attempt, data=wrong_answers(attempt))
    running = services.attempt_start(user=employee, quiz=quiz)
    return {
        "catalogue": "/courses/",
        "course": quiz.course_page.url,
        "lesson": quiz.lesson_pages[0].url,
        "quiz": quiz.url,
        "attempt_result": route(quiz, "attempt_result", attempt),
        "attempt_review": route(quiz, "attempt_review", attempt),
        "attempt": route(quiz, "attempt", running),
    }


def _state():
    return list(Attempt.objects.order_by("pk").values()), list(LessonProgress.objects.values())


@pytest.mark.parametrize("method", ["put", "patch", "delete", "post"])
@pytest.mark.parametrize("page", READ_ONLY)
def test_read_only_pages_answer_405_and_say_what_is_allowed(page, method, urls, employee_client):
    # given
    before = _state()

    # when
    response = getattr(employee_client, method)(urls[page])

    # then
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert _state() == before


@pytest.mark.parametrize("page", READ_ONLY)
def test_read_only_pages_answer_get_and_head(page, urls, employee_client):
    # when
    get = employee_client.get(urls[page])
    head = employee_client.head(urls[page])

    # then
    assert (get.status_code, head.status_code) == (200, 200)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_attempt_form_answers_405_to_anything_but_get_and_post(method, urls, employee_client):
    # given
    before = _state()

    # when
    response = getattr(employee_client, method)(urls["attempt"])

    # then
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"
    assert _state() == before
