"""Changing one's mind: clearing an answer, keeping earlier answers at submit, and a refused
form post that comes back as the form, with what was sent and why, instead of a dead end."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from courses import services
from courses.models import Attempt, AttemptAnswer
from tests.factories.answers import correct_answers, correct_response, route, wrong_response

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def stored(attempt) -> dict[int, object]:
    return dict(AttemptAnswer.objects.filter(attempt=attempt).values_list("position", "response"))


# --- clearing an answer --------------------------------------------------------------------


def test_unticking_every_box_in_the_form_clears_a_multiple_choice_answer(quiz_factory, employee, employee_client):
    # given: both questions answered and saved
    quiz = quiz_factory(types=["multiple_choice", "single_choice"], shuffle_questions=False)
    attempt = services.attempt_start(user=employee, quiz=quiz)
    services.attempt_save_answers(attempt=attempt, data=correct_answers(attempt))

    # when: the form is saved with no box ticked (only the hidden marker is sent)
    response = employee_client.post(route(quiz, "attempt", attempt), {"q0": "", "action": "save"})

    # then: the first answer is gone, the second is untouched
    assert response.status_code == 302
    assert stored(attempt) == {1: attempt.questions[1]["key"]}


def test_the_form_sends_the_clearing_marker_for_multiple_choice_only(quiz_factory, employee, employee_client):
    # given
    quiz = quiz_factory(types=["multiple_choice", "single_choice"], shuffle_questions=False)
    attempt = services.attempt_start(user=employee, quiz=quiz)

    # when
    html = employee_client.get(route(quiz, "attempt", attempt)).content.decode()

    # then
    assert html.count('<input type="hidden" name="q0" value="">') == 1
    assert '<input type="hidden" name="q1"' not in html


def test_an_empty_list_in_an_autosave_clears_the_answer(quiz_factory, employee, employee_client):
    # given
    quiz = quiz_factory(types=["multiple_choice", "single_choice"], shuffle_questions=False)
    attempt = services.attempt_start(user=employee, quiz=quiz)
    services.attempt_save_answers(attempt=attempt, data=correct_answers(attempt))

    # when
    response = employee_client.post(
        route(quiz, "attempt_save", attempt),
        json.dumps({"answers": {"q0": [], "q1": []}}),
        content_type="application/json",
    )

    # then
    assert (response.status_code, response.json()) == (200, {"saved": 2})
    assert stored(attempt) == {}


def test_an_answer_cleared_at_submit_scores_zero(quiz_factory, employee, employee_client):
    # given: the multiple-choice answer was right when saved
    quiz = quiz_factory(types=["multiple_choice", "single_choice"], shuffle_questions=False)
    attempt = services.attempt_start(user=employee, quiz=quiz)
    services.attempt_save_answers(attempt=attempt, data=correct_answers(attempt))

    # when: submitted with its boxes unticked
    employee_client.post(route(quiz, "attempt", attempt), {"q0": "", "action": "submit"})

    # then
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score, attempt.passed) == ("submitted", Decimal("50.00"), False)
    assert list(AttemptAnswer.objects.filter(attempt=attempt).values_list("position", "credit")) == [(1, Decimal("1"))]


def test_a_replayed_submit_that_clears_an_answer_is_refused(quiz_factory, employee, employee_client):
    # given: submitted with both answers
    quiz = quiz_factory(types=["multiple_choice", "single_choice"], shuffle_questions=False)
    attempt = services.attempt_start(user=employee, quiz=quiz)
    employee_client.post(route(quiz, "attempt", attempt), {**correct_answers(attempt), "action": "submit"})

    # when: a later submit would clear the first
    response = employee_client.post(route(quiz, "attempt", attempt), {"q0": "", "action": "submit"})

    # then
    assert (response.status_code, response.context["code"]) == (409, "attempt_already_submitted")
    assert set(stored(attempt)) == {0, 1}


# --- earlier answers at submit ----------------------------------------------------------------


def test_answers_saved_earlier_keep_their_time_and_are_graded_at_submit(quiz_factory, employee):
    # given: the first answer saved at T0
    quiz = quiz_factory(types=["single_choice", "true_false", "ordering"], shuffle_questions=False)
    attempt = services.attempt_start(user=employee, quiz=quiz, now=T0)
    first, second, third = attempt.questions
    services.attempt_save_answers(attempt=attempt, data={"q0": correct_response(first)}, now=T0)

    # when: the other two are sent with the submit, ten minutes later
    later = T0 + timedelta(minutes=10)
    services.attempt_submit(
        attempt=attempt, data={"q1": wrong_response(second), "q2": correct_response(third)}, now=later
    )

    # then
    rows = list(
        AttemptAnswer.objects.filter(attempt=attempt).order_by("position").values_list("position", "saved_at", "credit")
    )
    assert rows == [(0, T0, Decimal("1")), (1, later, Decimal("0")), (2, later, Decimal("1"))]
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed, attempt.finished_at) == (Decimal("66.66"), False, later)


def test_the_attempt_returned_by_submit_matches_the_database(quiz_factory, employee):
    # given
    quiz = quiz_factory(types=["single_choice", "true_false"])
    attempt = services.attempt_start(user=employee, quiz=quiz, now=T0)

    # when
    returned = services.attempt_submit(attempt=attempt, data=correct_answers(attempt), now=T0 + timedelta(minutes=1))

    # then
    fresh = Attempt.objects.get(pk=attempt.pk)
    fields = ("status", "finished_at", "score", "passed")
    assert [getattr(returned, f) for f in fields] == [getattr(fresh, f) for f in fields]
    assert [getattr(fresh, f) for f in fields] == ["submitted", T0 + timedelta(minutes=1), Decimal("100.00"), True]


# --- a refused form post comes back as the form -------------------------------------------------


@pytest.mark.parametrize("action", ["save", "submit"])
def test_a_step_used_twice_without_javascript_shows_the_form_again(action, quiz_factory, employee, employee_client):
    # given: the ordering question has a step chosen twice; the other question is answered
    quiz = quiz_factory(types=["single_choice", "ordering"], shuffle_questions=False)
    attempt = services.attempt_start(user=employee, quiz=quiz)
    choice, ordering = attempt.questions
    assert (choice["type"], ordering["type"]) == ("single_choice", "ordering")
    steps = ordering["key"]
    sent = {"q0": correct_response(choice), "q1": [steps[0], steps[0], *steps[2:]], "action": action}

    # when
    response = employee_client.post(route(quiz, "attempt", attempt), sent)

    # then: a 400 with the form, the reason next to the question, and nothing kept
    assert response.status_code == 400
    assert [t.name for t in response.templates][0] == "courses/attempt_take.html"
    error = response.context["error"]
    assert (error.code, error.position) == ("invalid_choice", 1)
    assert error.message == "Question 2: Put every step in order, each once."
    html = response.content.decode()
    assert html.count('id="question-1-error"') == 1
    assert 'href="#question-1"' in html
    # what was sent is shown again: the chosen option stays ticked
    assert f'value="{choice["key"]}" checked' in html
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 0
    assert Attempt.objects.get(pk=attempt.pk).status == "in_progress"


def test_the_reason_is_in_the_learner_s_language(quiz_factory, employee, employee_client):
    # given: a French-speaking learner
    employee.preferred_language = "fr"
    employee.save(update_fields=["preferred_language"])
    quiz = quiz_factory(types=["single_choice"])
    attempt = services.attempt_start(user=employee, quiz=quiz)
    tokens = [o["token"] for o in attempt.questions[0]["options"]]

    # when: two options for a single-choice question
    response = employee_client.post(route(quiz, "attempt", attempt), {"q0": tokens[:2], "action": "save"})

    # then
    assert response.status_code == 400
    assert response.context["error"].message == "Question 1\xa0: Choisissez une seule option."


def test_a_refused_write_page_links_back_to_the_quiz(quiz_factory, employee, employee_client):
    # given: a finished attempt
    quiz = quiz_factory(types=["single_choice"])
    attempt = services.attempt_start(user=employee, quiz=quiz)
    services.attempt_submit(attempt=attempt, data=correct_answers(attempt))

    # when: a save arrives afterwards
    response = employee_client.post(route(quiz, "attempt", attempt), {"action": "save"})

    # then
    assert response.status_code == 409
    assert f'<a class="button" href="{quiz.url}">' in response.content.decode()


# --- ordering without a head start ----------------------------------------------------------


def test_an_ordering_question_starts_with_no_step_chosen(quiz_factory, employee, employee_client):
    # given
    quiz = quiz_factory(types=["ordering"])
    attempt = services.attempt_start(user=employee, quiz=quiz)
    steps = len(attempt.questions[0]["options"])

    # when
    html = employee_client.get(route(quiz, "attempt", attempt)).content.decode()

    # then: every position offers the empty choice, selected; no step is selected
    assert html.count('<option value="" selected>Choose a step</option>') == steps
    assert " selected>" not in html.replace('<option value="" selected>', "")


def test_a_saved_order_is_shown_back(quiz_factory, employee, employee_client):
    # given
    quiz = quiz_factory(types=["ordering"])
    attempt = services.attempt_start(user=employee, quiz=quiz)
    key = attempt.questions[0]["key"]
    services.attempt_save_answers(attempt=attempt, data={"q0": key})

    # when
    html = employee_client.get(route(quiz, "attempt", attempt)).content.decode()

    # then
    assert [html.index(f'value="{token}" selected') for token in key] == sorted(
        html.index(f'value="{token}" selected') for token in key
    )
    assert '<option value="" selected>' not in html


def test_a_half_done_ordering_is_refused_and_shown_again(quiz_factory, employee, employee_client):
    # given: a four-step ordering with only the first position chosen
    quiz = quiz_factory(types=["ordering"])
    attempt = services.attempt_start(user=employee, quiz=quiz)
    key = attempt.questions[0]["key"]
    sent = {"q0": [key[0]] + [""] * (len(key) - 1), "action": "submit"}

    # when
    response = employee_client.post(route(quiz, "attempt", attempt), sent)

    # then
    assert response.status_code == 400
    assert response.context["error"].message == "Question 1: Put every step in order, each once."
    assert f'value="{key[0]}" selected' in response.content.decode()
    assert Attempt.objects.get(pk=attempt.pk).status == "in_progress"


# --- our own option labels follow the learner's language --------------------------------------


@pytest.mark.parametrize(
    ("type_key", "english", "french"),
    [
        ("true_false", ["True", "False"], ["Vrai", "Faux"]),
        (
            "post_scenario",
            ["Share as is", "Share after a change", "Don't share"],
            ["Partager tel quel", "Partager après modification", "Ne pas partager"],
        ),
    ],
)
def test_option_labels_follow_the_language_of_the_moment(
    type_key, english, french, quiz_factory, employee, employee_client
):
    # given: an attempt started in French
    employee.preferred_language = "fr"
    employee.save(update_fields=["preferred_language"])
    quiz = quiz_factory(types=[type_key])
    with translation.override("fr"):
        attempt = services.attempt_start(user=employee, quiz=quiz)
    assert [o["text"] for o in attempt.questions[0]["options"]] == french

    # when: the learner switches to English
    employee.preferred_language = "en"
    employee.save(update_fields=["preferred_language"])
    response = employee_client.get(route(quiz, "attempt", attempt))

    # then
    assert [o["text"] for o in response.context["questions"][0]["options"]] == english


# --- the form's action ------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["bogus", "Submit", ""])
def test_an_unknown_action_is_refused_and_changes_nothing(action, quiz_factory, employee, employee_client):
    # given
    quiz = quiz_factory(types=["single_choice"])
    attempt = services.attempt_start(user=employee, quiz=quiz)

    # when
    response = employee_client.post(route(quiz, "attempt", attempt), {**correct_answers(attempt), "action": action})

    # then
    assert (response.status_code, response.context["code"]) == (400, "invalid_action")
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 0
    assert Attempt.objects.get(pk=attempt.pk).status == "in_progress"


def test_a_form_sent_without_an_action_submits(quiz_factory, employee, employee_client):
    # given: the form as the time-up script or the Enter key may send it
    quiz = quiz_factory(types=["single_choice"])
    attempt = services.attempt_start(user=employee, quiz=quiz)

    # when
    response = employee_client.post(route(quiz, "attempt", attempt), correct_answers(attempt))

    # then
    assert (response.status_code, response["Location"]) == (302, route(quiz, "attempt_result", attempt))
    assert Attempt.objects.get(pk=attempt.pk).status == "submitted"


def test_the_review_shows_our_labels_in_the_language_of_the_moment(quiz_factory, employee, employee_client):
    # given: a true/false attempt taken and submitted in French
    quiz = quiz_factory(types=["true_false"], review_policy="after_submit")
    with translation.override("fr"):
        attempt = services.attempt_start(user=employee, quiz=quiz)
    services.attempt_submit(attempt=attempt, data=correct_answers(attempt))

    # when: the review is opened in English
    response = employee_client.get(route(quiz, "attempt_review", attempt), HTTP_ACCEPT_LANGUAGE="en")

    # then
    assert response.status_code == 200
    assert [o["text"] for o in response.context["questions"][0]["options"]] == ["True", "False"]
