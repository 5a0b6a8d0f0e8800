"""Preview and debug switches (TESTPLAN 13): the editor's preview shows the keys and writes
nothing; learners get nothing from preview URLs or ``?preview=1`` / ``?debug=1``."""

import pytest
from django.urls import reverse
from wagtail.models import Page

from courses import services
from courses.models import Attempt, AttemptAnswer, Enrollment
from tests.factories.admin_forms import quiz_page_form
from tests.factories.answers import correct_answers, route, wrong_answers

SWITCHES = ["preview=1", "debug=1", "preview=1&debug=1&mode=&show_answers=1"]
SECRET_MARKERS = (b"feedback-secret", b"explanation-secret", b"clause-secret")


def learner_state():
    return (Attempt.objects.count(), AttemptAnswer.objects.count(), Enrollment.objects.count())


@pytest.fixture
def quiz(quiz_factory):
    return quiz_factory(types=["single_choice", "post_scenario"], max_attempts=1, review_policy="never")


# --- the editor's preview ----------------------------------------------------------------------


def test_editor_preview_shows_a_sample_with_keys_and_saves_nothing(quiz, hr_editor_client):
    # given
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[quiz.pk])
    before = learner_state()

    # when
    posted = hr_editor_client.post(url, quiz_page_form(quiz, action=None, title="Quiz under review"))
    preview = hr_editor_client.get(url)

    # then
    assert (posted.status_code, posted.json()["is_valid"]) == (200, True)
    assert preview.status_code == 200
    assert b"Quiz under review" in preview.content
    for question in quiz.bank:
        assert question.explanation.encode() in preview.content
    assert b"feedback-secret" in preview.content
    assert learner_state() == before
    assert Page.objects.get(pk=quiz.pk).title != "Quiz under review"


def test_editor_preview_twice_still_creates_no_attempt(quiz, hr_editor, hr_editor_client):
    # given
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[quiz.pk])
    hr_editor_client.post(url, quiz_page_form(quiz, action=None))

    # when
    for _ in range(2):
        hr_editor_client.get(url)

    # then
    assert Attempt.objects.filter(user=hr_editor).count() == 0
    assert Enrollment.objects.filter(user=hr_editor).count() == 0


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("view", ["preview_on_edit", "view_draft"])
def test_learners_cannot_use_the_editor_preview(view, method, quiz, employee_client):
    # given
    url = reverse(f"wagtailadmin_pages:{view}", args=[quiz.pk])
    before = learner_state()

    # when
    if method == "get":
        response = employee_client.get(url)
    else:
        response = employee_client.post(url, quiz_page_form(quiz, action=None))

    # then: sent to the admin sign-in, with nothing of the quiz
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("wagtailadmin_login"))
    assert not any(marker in response.content for marker in SECRET_MARKERS)
    assert learner_state() == before


def test_anonymous_visitors_cannot_use_the_editor_preview(quiz, client):
    # when
    response = client.get(reverse("wagtailadmin_pages:preview_on_edit", args=[quiz.pk]))

    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


# --- switches on the learner's URLs ------------------------------------------------------------


@pytest.mark.parametrize("switch", SWITCHES)
def test_switches_on_the_quiz_pages_change_nothing(switch, quiz, employee, employee_client):
    # given
    attempt = services.attempt_start(user=employee, quiz=quiz)

    # when
    landing = employee_client.get(f"{quiz.url}?{switch}")
    take = employee_client.get(f"{route(quiz, 'attempt', attempt)}?{switch}")
    plain = employee_client.get(route(quiz, "attempt", attempt))

    # then
    assert (landing.status_code, take.status_code) == (200, 200)
    for response in (landing, take):
        assert not any(marker in response.content for marker in SECRET_MARKERS)
    assert [q["options"] for q in take.context["questions"]] == [q["options"] for q in plain.context["questions"]]


@pytest.mark.parametrize("switch", SWITCHES)
def test_switches_give_no_extra_attempt(switch, quiz, employee, employee_client):
    # given: the only attempt allowed is used up
    attempt = services.attempt_start(user=employee, quiz=quiz)
    services.attempt_submit(attempt=attempt, data=wrong_answers(attempt))

    # when
    response = employee_client.post(f"{route(quiz, 'start')}?{switch}")

    # then
    assert (response.status_code, response.context["code"]) == (409, "attempt_limit_reached")
    assert Attempt.objects.filter(user=employee).count() == 1


@pytest.mark.parametrize("switch", SWITCHES)
def test_switches_do_not_open_the_review(switch, quiz, employee, employee_client):
    # given: the review policy is "never"
    attempt = services.attempt_start(user=employee, quiz=quiz)
    services.attempt_submit(attempt=attempt, data=wrong_answers(attempt))

    # when
    response = employee_client.get(f"{route(quiz, 'attempt_review', attempt)}?{switch}")

    # then
    assert (response.status_code, response.context["code"]) == (403, "review_not_allowed")
    assert not any(marker in response.content for marker in SECRET_MARKERS)


@pytest.mark.parametrize("switch", SWITCHES)
def test_a_submit_with_switches_counts_like_any_other(switch, quiz, employee, employee_client):
    # given
    attempt = services.attempt_start(user=employee, quiz=quiz)

    # when
    response = employee_client.post(
        f"{route(quiz, 'attempt', attempt)}?{switch}", {**correct_answers(attempt), "action": "submit"}
    )

    # then
    assert response.status_code == 302
    graded = Attempt.objects.get(pk=attempt.pk)
    assert (graded.status, graded.passed) == ("submitted", True)
