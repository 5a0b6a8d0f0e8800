"""Someone else's attempt is indistinguishable from one that does not exist (TESTPLAN 3).

Every QuizPage route taking an ``attempt_id`` (enumerated from the page's resolver, so a new
route is covered automatically) × GET / form POST / JSON POST.
"""

import json
import re
import uuid

import pytest
from django.test import Client

from courses import services
from courses.models import Attempt, AttemptAnswer, QuizPage
from tests.factories.answers import correct_answers, route, wrong_answers

ATTEMPT_ROUTES = sorted(p.name for p in QuizPage.get_subpage_urls() if "attempt_id" in p.pattern.converters)
METHODS = ["get", "post_form", "post_json"]
VOLATILE = [
    re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"'),
    re.compile(rb'nonce="[^"]*"'),
    re.compile(rb"nonce-[A-Za-z0-9+/=_-]+"),
]


def request(client: Client, method: str, url: str, answers: dict):
    if method == "get":
        return client.get(url)
    if method == "post_form":
        return client.post(url, {**answers, "action": "submit"})
    return client.post(url, json.dumps({"answers": answers}), content_type="application/json")


def normalised(response, attempt_id) -> bytes:
    body = response.content.replace(str(attempt_id).encode(), b"<attempt>")
    for pattern in VOLATILE:
        body = pattern.sub(b"<volatile>", body)
    return body


def db_state():
    return (
        list(Attempt.objects.order_by("pk").values()),
        list(AttemptAnswer.objects.order_by("pk").values()),
    )


def test_the_attempt_routes_are_found():
    # then: the resolver lists the routes we expect to protect
    assert ATTEMPT_ROUTES == ["attempt", "attempt_result", "attempt_review", "attempt_save"]


@pytest.mark.parametrize("finished", [False, True], ids=["in_progress", "submitted"])
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("route_name", ATTEMPT_ROUTES)
def test_someone_elses_attempt_answers_like_an_unknown_one(
    route_name, method, finished, quiz_factory, employee, other_employee_client
):
    # given: the employee's attempt, and another employee who learnt its id
    quiz = quiz_factory(types=["single_choice", "multiple_choice"])
    attempt = services.attempt_start(user=employee, quiz=quiz)
    services.attempt_save_answers(attempt=attempt, data={"q0": wrong_answers(attempt)["q0"]})
    if finished:
        attempt = services.attempt_submit(attempt=attempt)
    unknown_id = uuid.uuid4()
    before = db_state()

    # when
    theirs = request(
        other_employee_client, method, route(quiz, route_name, attempt.public_id), correct_answers(attempt)
    )
    unknown = request(other_employee_client, method, route(quiz, route_name, unknown_id), correct_answers(attempt))

    # then
    assert theirs.status_code == unknown.status_code
    assert theirs.status_code in (404, 405)
    assert normalised(theirs, attempt.public_id) == normalised(unknown, unknown_id)
    assert db_state() == before


@pytest.mark.parametrize("method", ["get", "post_form"])
@pytest.mark.parametrize("route_name", ["attempt", "attempt_result", "attempt_review"])
def test_html_routes_answer_404_to_someone_elses_attempt(
    route_name, method, quiz_factory, employee, other_employee_client
):
    # given
    quiz = quiz_factory()
    attempt = services.attempt_start(user=employee, quiz=quiz)

    # when
    response = request(other_employee_client, method, route(quiz, route_name, attempt.public_id), {})

    # then: nothing about the owner or the attempt's questions (a result or a review is only
    # read: a post to it is refused before the attempt is looked up)
    assert response.status_code == (405 if method == "post_form" and route_name != "attempt" else 404)
    for secret in (
        employee.email,
        employee.first_name,
        attempt.questions[0]["prompt"],
        attempt.questions[0]["options"][0]["token"],
    ):
        assert secret.encode() not in response.content


def test_autosave_answers_404_not_found_in_json_to_someone_elses_attempt(quiz_factory, employee, other_employee_client):
    # given
    quiz = quiz_factory()
    attempt = services.attempt_start(user=employee, quiz=quiz)

    # when
    response = request(
        other_employee_client, "post_json", route(quiz, "attempt_save", attempt.public_id), correct_answers(attempt)
    )

    # then
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"
    assert AttemptAnswer.objects.count() == 0


def test_an_attempt_is_only_reachable_through_its_own_quiz(quiz_factory, employee, employee_client):
    # given: the owner uses their attempt id under another quiz's URL
    quiz, other_quiz = quiz_factory(), quiz_factory()
    attempt = services.attempt_start(user=employee, quiz=quiz)

    # when
    response = employee_client.get(route(other_quiz, "attempt", attempt.public_id))
    save = request(
        employee_client, "post_json", route(other_quiz, "attempt_save", attempt.public_id), correct_answers(attempt)
    )

    # then
    assert (response.status_code, save.status_code) == (404, 404)
    assert AttemptAnswer.objects.count() == 0


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("route_name", ATTEMPT_ROUTES)
def test_anonymous_visitors_learn_nothing_either(route_name, method, quiz_factory, employee, client):
    # given
    quiz = quiz_factory()
    attempt = services.attempt_start(user=employee, quiz=quiz)
    unknown_id = uuid.uuid4()
    before = db_state()

    # when
    existing = request(client, method, route(quiz, route_name, attempt.public_id), correct_answers(attempt))
    unknown = request(client, method, route(quiz, route_name, unknown_id), correct_answers(attempt))

    # then: sign-in redirect or refusal, the same for both, and nothing written
    assert existing.status_code == unknown.status_code
    assert existing.status_code in (302, 403, 405)
    assert normalised(existing, attempt.public_id) == normalised(unknown, unknown_id)
    assert existing.get("Location", "").replace(str(attempt.public_id), "<a>") == unknown.get("Location", "").replace(
        str(unknown_id), "<a>"
    )
    assert db_state() == before
