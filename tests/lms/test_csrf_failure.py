"""A CSRF failure answers JSON clients in the project's error contract, browsers with the page."""

import json

import pytest
from django.test import Client

from courses import services
from courses.models import AttemptAnswer
from tests.factories.answers import correct_answers, route

CSRF_FAILED = {
    "error": {
        "code": "csrf_failed",
        "message": "The request could not be verified. Reload the page and try again.",
    }
}


@pytest.fixture
def strict_client(employee) -> Client:
    """The employee's browser, with CSRF checks on (the test client skips them by default)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(employee)
    return client


@pytest.fixture
def autosave_url(quiz_factory, employee):
    quiz = quiz_factory()
    attempt = services.attempt_start(user=employee, quiz=quiz)
    return route(quiz, "attempt_save", attempt.public_id), correct_answers(attempt)


def test_autosave_without_a_token_answers_json_403(strict_client, autosave_url):
    # given
    url, answers = autosave_url

    # when
    response = strict_client.post(
        url, json.dumps({"answers": answers}), content_type="application/json", HTTP_ACCEPT="application/json"
    )

    # then
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json() == CSRF_FAILED
    assert AttemptAnswer.objects.count() == 0


def test_a_json_body_alone_is_enough_to_answer_json(strict_client, autosave_url):
    # given
    url, answers = autosave_url

    # when: no Accept header
    response = strict_client.post(url, json.dumps({"answers": answers}), content_type="application/json")

    # then
    assert (response.status_code, response.json()) == (403, CSRF_FAILED)


def test_a_client_accepting_json_only_gets_json(strict_client, autosave_url):
    # given
    url, _answers = autosave_url

    # when: a form body, but the client reads JSON only
    response = strict_client.post(url, {"action": "save"}, HTTP_ACCEPT="application/json")

    # then
    assert (response.status_code, response.json()) == (403, CSRF_FAILED)


def test_a_form_post_without_a_token_answers_the_form_expired_page(strict_client, autosave_url):
    # given
    url, _answers = autosave_url

    # when: a browser's form post (its Accept lists HTML first)
    response = strict_client.post(
        url, {"action": "save"}, HTTP_ACCEPT="text/html,application/xhtml+xml,application/json;q=0.9"
    )

    # then
    assert response.status_code == 403
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert [t.name for t in response.templates][:3] == ["403_csrf.html", "error.html", "base.html"]
    assert '<h1 id="error-title">Form expired</h1>' in response.content.decode()
    assert response.context["no_cookie"] is True


def test_the_page_says_when_the_cookie_was_there(strict_client, autosave_url):
    # given: the browser holds a CSRF cookie, but the form lacks the token
    url, _answers = autosave_url
    strict_client.get("/accounts/login/")
    assert strict_client.cookies["csrftoken"].value

    # when
    response = strict_client.post(url, {"action": "save"}, HTTP_ACCEPT="text/html")

    # then
    assert response.status_code == 403
    assert response.context["no_cookie"] is False
    assert "Your browser must accept cookies" not in response.content.decode()


def test_the_page_is_translated(strict_client, autosave_url):
    # given
    url, _answers = autosave_url

    # when
    response = strict_client.post(url, {"action": "save"}, HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="fr")

    # then
    assert response.status_code == 403
    assert "Formulaire expiré" in response.content.decode()


def test_autosave_with_its_token_still_saves(strict_client, autosave_url):
    # given: the CSRF cookie, sent back in the header as the quiz script does
    url, answers = autosave_url
    strict_client.get("/accounts/login/")
    token = strict_client.cookies["csrftoken"].value

    # when
    response = strict_client.post(
        url,
        json.dumps({"answers": answers}),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
        HTTP_X_CSRFTOKEN=token,
    )

    # then
    assert response.status_code == 200
    assert AttemptAnswer.objects.count() == len(answers)
