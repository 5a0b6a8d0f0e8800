"""Nothing in the take page or the autosave API gives the key away (TESTPLAN 1); the review
page obeys the quiz's review policy (TESTPLAN 2).

The question types come from the registry (``QUESTION_TYPES``): a new type fails here until
it has a factory and its learner view passes the allow-list.
"""

import json
import re
from collections import Counter

import pytest
from django.utils.html import escape

from courses import selectors, services
from courses.models import QUESTION_TYPES, Attempt, QuizPage
from courses.models.questions import (
    OUTCOME_OPTION_KEYS,
    OUTCOME_QUESTION_KEYS,
    PUBLIC_OPTION_KEYS,
    PUBLIC_POST_KEYS,
    PUBLIC_QUESTION_KEYS,
)
from tests.factories.answers import correct_answers, route, wrong_answers
from tests.factories.courses import MultipleChoiceQuestionFactory, SingleChoiceQuestionFactory
from tests.factories.courses import choice as choice_value

TYPE_KEYS = sorted(QUESTION_TYPES)
# Snapshot fields that are the learner's to see while the attempt runs; everything else
# (key, explanation, feedback, action, policy clause, question id…) is secret.
SECRET_MARKERS = (b"feedback-secret", b"explanation-secret", b"clause-secret")
CORRECTNESS_IN_MARKUP = re.compile(
    rb"is[_-]?correct"
    rb"|data-(?:[\w-]+-)?(?:correct|key|answer|solution|feedback|weight|score|credit)="
    rb'|class="[^"]*(?:correct|right|solution)[^"]*"'
    rb'|"(?:correct|key|feedback|explanation|solution)"\s*:',
    re.IGNORECASE,
)


def _secret_strings(snapshot: dict) -> set[str]:
    """Every string of a question snapshot that the learner view must not contain."""
    secrets_ = {snapshot.get("explanation", ""), snapshot.get("policy_clause", "")}
    for option in snapshot["options"]:
        secrets_.add(option.get("feedback", ""))
        secrets_.add(option.get("action", ""))
    return {s for s in secrets_ if s and len(s) >= 6}


# --- TESTPLAN 1: the take page and the autosave API ---------------------------------------


@pytest.mark.parametrize("type_key", TYPE_KEYS)
def test_take_page_payload_only_has_allow_listed_keys(type_key, quiz_factory, employee, employee_client):
    # given
    quiz = quiz_factory(types=[type_key])
    attempt = services.attempt_start(user=employee, quiz=quiz)

    # when
    response = employee_client.get(route(quiz, "attempt", attempt))

    # then
    assert response.status_code == 200
    questions = response.context["questions"]
    assert len(questions) == 1
    for question in questions:
        assert set(question) <= PUBLIC_QUESTION_KEYS
        assert all(set(option) <= PUBLIC_OPTION_KEYS for option in question["options"])
        assert set(question.get("post", {})) <= PUBLIC_POST_KEYS
    assert question["type"] == type_key
    assert question["saved"] == []


@pytest.mark.parametrize("type_key", TYPE_KEYS)
def test_selector_payload_only_has_allow_listed_keys_with_saved_answers(type_key, quiz_factory, employee):
    # given: the learner saved an answer
    quiz = quiz_factory(types=[type_key])
    attempt = services.attempt_start(user=employee, quiz=quiz)
    services.attempt_save_answers(attempt=attempt, data=wrong_answers(attempt))

    # when
    views = selectors.public_questions(attempt, selectors.attempt_answers(attempt))

    # then
    assert all(set(view) <= PUBLIC_QUESTION_KEYS for view in views)
    assert all(set(option) <= PUBLIC_OPTION_KEYS for view in views for option in view["options"])
    # choices are stored in token order; an ordering keeps the learner's order
    expected = [
        v if q["type"] == "ordering" else sorted(v)
        for q, v in zip(attempt.questions, wrong_answers(attempt).values(), strict=True)
    ]
    assert [view["saved"] for view in views] == expected


@pytest.mark.parametrize("type_key", TYPE_KEYS)
def test_take_page_html_does_not_distinguish_the_correct_option(type_key, quiz_factory, employee, employee_client):
    # given
    quiz = quiz_factory(types=[type_key])
    attempt = services.attempt_start(user=employee, quiz=quiz)
    snapshot = attempt.questions[0]
    tokens = [option["token"] for option in snapshot["options"]]

    # when
    html = employee_client.get(route(quiz, "attempt", attempt)).content

    # then: every option token is rendered the same number of times, in the served order
    counts = {token: html.count(token.encode()) for token in tokens}
    assert len(set(counts.values())) == 1 and min(counts.values()) >= 1, counts
    first_seen = sorted(tokens, key=lambda token: html.index(token.encode()))
    assert first_seen == tokens
    # no feedback, explanation, clause, action names or correctness markers
    assert not any(marker in html for marker in SECRET_MARKERS)
    assert not [s for s in _secret_strings(snapshot) if s.encode() in html]
    assert CORRECTNESS_IN_MARKUP.findall(html) == []
    # the option texts are there, so the page is the real one
    assert all(escape(option["text"]).encode() in html for option in snapshot["options"])


@pytest.mark.parametrize("type_key", TYPE_KEYS)
def test_autosave_response_says_only_how_many_answers_were_saved(type_key, quiz_factory, employee, employee_client):
    # given
    quiz = quiz_factory(types=[type_key])
    attempt = services.attempt_start(user=employee, quiz=quiz)

    # when
    response = employee_client.post(
        route(quiz, "attempt_save", attempt),
        json.dumps({"answers": correct_answers(attempt)}),
        content_type="application/json",
    )

    # then
    assert response.status_code == 200
    assert response.json() == {"saved": 1}
    assert not any(marker in response.content for marker in SECRET_MARKERS)
    assert attempt.questions[0]["type"] == type_key


@pytest.mark.parametrize("type_key", TYPE_KEYS)
def test_landing_and_redirects_of_a_running_attempt_show_no_key(type_key, quiz_factory, employee, employee_client):
    # given
    quiz = quiz_factory(types=[type_key])
    attempt = services.attempt_start(user=employee, quiz=quiz)

    # when
    landing = employee_client.get(quiz.url)
    result = employee_client.get(route(quiz, "attempt_result", attempt))

    # then: the result of a running attempt sends back to the attempt, without grading data
    assert landing.status_code == 200
    assert not any(marker in landing.content for marker in SECRET_MARKERS)
    assert (result.status_code, result["Location"]) == (302, route(quiz, "attempt", attempt))


def _chi_square(observed: Counter, cells: int) -> float:
    total = sum(observed.values())
    expected = total / cells
    return sum((observed.get(cell, 0) - expected) ** 2 / expected for cell in range(cells))


# With 4 options (3 degrees of freedom) the 99.999 % quantile is about 25.9: a fair shuffle
# fails this about once in 100 000 runs, "always first" scores 600, "never last" about 67.
CHI_SQUARE_LIMIT = 25.9


def test_correct_option_position_is_uniform_for_single_choice(db):
    # given: the correct option is entered first, as editors usually do
    question = SingleChoiceQuestionFactory(
        choices=[choice_value("right", correct=True), choice_value("b"), choice_value("c"), choice_value("d")]
    )

    # when
    positions = Counter()
    for _ in range(200):
        snapshot = question.build_snapshot()
        positions[[o["token"] for o in snapshot["options"]].index(snapshot["key"])] += 1

    # then
    assert _chi_square(positions, 4) < CHI_SQUARE_LIMIT, positions


def test_correct_options_positions_are_uniform_for_multiple_choice(db):
    # given
    question = MultipleChoiceQuestionFactory(
        choices=[choice_value("a", correct=True), choice_value("b", correct=True), choice_value("c"), choice_value("d")]
    )

    # when: where the first correct option of the list lands
    positions = Counter()
    for _ in range(200):
        snapshot = question.build_snapshot()
        positions[[o["text"] for o in snapshot["options"]].index("a")] += 1

    # then
    assert _chi_square(positions, 4) < CHI_SQUARE_LIMIT, positions


def test_chi_square_detects_a_biased_order():
    # given: a shuffle that never puts the right answer last
    biased = Counter({0: 67, 1: 67, 2: 66})

    # then: the check used above would catch it
    assert _chi_square(biased, 4) > CHI_SQUARE_LIMIT


def test_tokens_are_new_for_every_attempt(quiz_factory, employee, other_employee):
    # given
    quiz = quiz_factory(types=TYPE_KEYS)

    # when
    mine = services.attempt_start(user=employee, quiz=quiz)
    theirs = services.attempt_start(user=other_employee, quiz=quiz)

    # then: a token seen in one attempt tells nothing about another one
    mine_tokens = {o["token"] for q in mine.questions for o in q["options"]}
    their_tokens = {o["token"] for q in theirs.questions for o in q["options"]}
    assert mine_tokens.isdisjoint(their_tokens)


def test_random_slots_draw_different_questions_per_attempt(quiz_factory):
    # given: 2 questions drawn from a pool of 6
    quiz = quiz_factory(types=["single_choice"] * 6, draw=2)

    # when
    draws = {frozenset(q["question_id"] for q in services.quiz_snapshot(quiz)["questions"]) for _ in range(40)}

    # then: 40 draws of 2 among 6 (15 pairs) do not all give the same pair
    assert len(draws) > 1
    assert all(len(draw) == 2 for draw in draws)


# --- TESTPLAN 2: the review page -------------------------------------------------------------


def _failed_attempt(quiz, user) -> Attempt:
    attempt = services.attempt_start(user=user, quiz=quiz)
    return services.attempt_submit(attempt=attempt, data=wrong_answers(attempt))


def _passed_attempt(quiz, user) -> Attempt:
    attempt = services.attempt_start(user=user, quiz=quiz)
    return services.attempt_submit(attempt=attempt, data=correct_answers(attempt))


def test_review_in_progress_is_refused_with_attempt_in_progress(quiz_factory, employee, employee_client):
    # given: the review policy would allow the review after submission
    quiz = quiz_factory(types=TYPE_KEYS, review_policy=QuizPage.ReviewPolicy.AFTER_SUBMIT)
    attempt = services.attempt_start(user=employee, quiz=quiz)

    # when
    response = employee_client.get(route(quiz, "attempt_review", attempt))

    # then
    assert response.status_code == 403
    assert response.context["code"] == "attempt_in_progress"
    assert not any(marker in response.content for marker in SECRET_MARKERS)


def test_review_policy_never_refuses_the_review(quiz_factory, employee, employee_client):
    # given
    quiz = quiz_factory(types=TYPE_KEYS, review_policy=QuizPage.ReviewPolicy.NEVER)
    attempt = _failed_attempt(quiz, employee)

    # when
    review = employee_client.get(route(quiz, "attempt_review", attempt))
    result = employee_client.get(route(quiz, "attempt_result", attempt))

    # then
    assert review.status_code == 403
    assert review.context["code"] == "review_not_allowed"
    assert result.status_code == 200
    for response in (review, result):
        assert not any(marker in response.content for marker in SECRET_MARKERS)


def test_review_policy_never_holds_even_after_passing(quiz_factory, employee, employee_client):
    # given
    quiz = quiz_factory(types=TYPE_KEYS, review_policy=QuizPage.ReviewPolicy.NEVER)
    attempt = _passed_attempt(quiz, employee)

    # when
    response = employee_client.get(route(quiz, "attempt_review", attempt))

    # then
    assert attempt.passed is True
    assert response.status_code == 403
    assert not any(marker in response.content for marker in SECRET_MARKERS)


def test_review_policy_after_submit_shows_keys_feedback_and_explanations(quiz_factory, employee, employee_client):
    # given
    quiz = quiz_factory(types=TYPE_KEYS, review_policy=QuizPage.ReviewPolicy.AFTER_SUBMIT)
    attempt = _failed_attempt(quiz, employee)

    # when
    response = employee_client.get(route(quiz, "attempt_review", attempt))

    # then
    assert response.status_code == 200
    html = response.content
    for question in attempt.questions:
        assert question["explanation"].encode() in html
    assert html.count(b"feedback-secret") == sum(
        1 for q in attempt.questions for o in q["options"] if o.get("feedback")
    )


def test_review_policy_after_pass_waits_for_a_passed_attempt(quiz_factory, employee, employee_client):
    # given: a failed first attempt
    quiz = quiz_factory(types=TYPE_KEYS, review_policy=QuizPage.ReviewPolicy.AFTER_PASS, max_attempts=2)
    failed = _failed_attempt(quiz, employee)

    # when
    before_pass = employee_client.get(route(quiz, "attempt_review", failed))
    _passed_attempt(quiz, employee)
    after_pass = employee_client.get(route(quiz, "attempt_review", failed))

    # then
    assert before_pass.status_code == 403
    assert before_pass.context["code"] == "review_not_allowed"
    assert not any(marker in before_pass.content for marker in SECRET_MARKERS)
    assert after_pass.status_code == 200
    assert b"explanation-secret" in after_pass.content


def test_review_policy_is_the_one_captured_at_start(quiz_factory, employee, employee_client):
    # given: the attempt starts under "never"; HR then switches the quiz to "after submit"
    quiz = quiz_factory(types=["single_choice"], review_policy=QuizPage.ReviewPolicy.NEVER)
    attempt = services.attempt_start(user=employee, quiz=quiz)
    quiz.review_policy = QuizPage.ReviewPolicy.AFTER_SUBMIT
    quiz.save_revision().publish()
    attempt = services.attempt_submit(attempt=attempt, data=wrong_answers(attempt))

    # when
    response = employee_client.get(route(quiz, "attempt_review", attempt))

    # then
    assert response.status_code == 403


# --- "right or wrong after each attempt, the answers once passed" -------------------------


def _visible(html: bytes, text: str) -> bool:
    return escape(text).encode() in html


@pytest.mark.parametrize("type_key", TYPE_KEYS)
def test_right_or_wrong_shows_a_failed_learner_their_outcome_but_no_key(
    type_key, quiz_factory, employee, employee_client
):
    # given: a failed attempt under the default policy
    quiz = quiz_factory(types=[type_key], review_policy=QuizPage.ReviewPolicy.RIGHT_OR_WRONG)
    attempt = _failed_attempt(quiz, employee)
    snapshot = attempt.questions[0]
    chosen = set(wrong_answers(attempt)["q0"])

    # when
    review = employee_client.get(route(quiz, "attempt_review", attempt))
    result = employee_client.get(route(quiz, "attempt_result", attempt))

    # then: the review answers, with the outcome rows only
    assert review.status_code == 200
    assert review.context["full_review"] is False
    [row] = review.context["questions"]
    assert set(row) <= OUTCOME_QUESTION_KEYS
    assert all(set(option) <= OUTCOME_OPTION_KEYS for option in row["options"])
    assert row["credit"] == 0
    html = review.content
    # the feedback of the options the learner chose, and of no other option
    for option in snapshot["options"]:
        if option["feedback"]:
            assert _visible(html, option["feedback"]) is (option["token"] in chosen), option
    # no explanation, no "correct answer" mark, no token (the key is a token)
    assert b"explanation-secret" not in html
    assert b"Correct answer" not in html and b"Correct order" not in html
    assert CORRECTNESS_IN_MARKUP.findall(html) == []
    assert [token for token in (o["token"] for o in snapshot["options"]) if token.encode() in html] == []
    assert b"Wrong" in html
    # the result page links to it and tells what comes once passed
    assert result.context["review_mode"] == "outcome"
    assert b"See which answers were right" in result.content
    assert not any(marker in result.content for marker in SECRET_MARKERS)


def test_right_or_wrong_tells_which_questions_were_right(quiz_factory, employee, employee_client):
    # given: two questions, the first answered right, the second wrong, under the default policy
    quiz = quiz_factory(
        types=["single_choice", "single_choice"], review_policy=QuizPage.ReviewPolicy.RIGHT_OR_WRONG, pass_mark=100
    )
    attempt = services.attempt_start(user=employee, quiz=quiz)
    attempt = services.attempt_submit(
        attempt=attempt, data={"q0": correct_answers(attempt)["q0"], "q1": wrong_answers(attempt)["q1"]}
    )

    # when
    response = employee_client.get(route(quiz, "attempt_review", attempt))

    # then
    assert attempt.passed is False
    assert [row["credit"] for row in response.context["questions"]] == [1, 0]
    badges = re.findall(rb'<p class="question__credit">\s*<span class="badge badge--(\w+)">\s*(\w+)', response.content)
    assert badges == [(b"success", b"Right"), (b"danger", b"Wrong")]


def test_right_or_wrong_shows_everything_once_passed(quiz_factory, employee, employee_client):
    # given: a failed attempt, then a passed one
    quiz = quiz_factory(types=TYPE_KEYS, review_policy=QuizPage.ReviewPolicy.RIGHT_OR_WRONG)
    failed = _failed_attempt(quiz, employee)
    _passed_attempt(quiz, employee)

    # when
    response = employee_client.get(route(quiz, "attempt_review", failed))

    # then: keys, every feedback and explanations, for the failed attempt too
    assert response.status_code == 200
    assert response.context["full_review"] is True
    html = response.content
    assert all(q["explanation"].encode() in html for q in failed.questions)
    assert html.count(b"feedback-secret") == sum(1 for q in failed.questions for o in q["options"] if o.get("feedback"))


@pytest.mark.parametrize(
    ("policy", "status"), [(QuizPage.ReviewPolicy.AFTER_PASS, 403), (QuizPage.ReviewPolicy.RIGHT_OR_WRONG, 200)]
)
def test_someone_elses_pass_does_not_unlock_my_review(
    policy, status, quiz_factory, employee, other_employee, other_employee_client
):
    # given: the other employee failed; the employee passed the same quiz
    quiz = quiz_factory(types=TYPE_KEYS, review_policy=policy)
    mine = _failed_attempt(quiz, other_employee)
    _passed_attempt(quiz, employee)

    # when
    response = other_employee_client.get(route(quiz, "attempt_review", mine))

    # then: refused, or the outcome only
    assert response.status_code == status
    assert b"explanation-secret" not in response.content
    assert b"Correct answer" not in response.content
    if status == 200:
        assert response.context["full_review"] is False


@pytest.mark.parametrize(
    ("policy", "status"), [(QuizPage.ReviewPolicy.AFTER_PASS, 403), (QuizPage.ReviewPolicy.RIGHT_OR_WRONG, 200)]
)
def test_a_pass_before_a_renewal_does_not_unlock_the_reviews_after_it(
    policy, status, quiz_factory, employee, employee_client
):
    # given: a pass, then a renewal (restart) and a blank attempt on newly drawn questions
    quiz = quiz_factory(types=TYPE_KEYS, review_policy=policy)
    passed = _passed_attempt(quiz, employee)
    services.enrollment_restart(user=employee, course=quiz.course_page)
    blank = services.attempt_submit(attempt=services.attempt_start(user=employee, quiz=quiz), data={})

    # when
    new_review = employee_client.get(route(quiz, "attempt_review", blank))
    old_review = employee_client.get(route(quiz, "attempt_review", passed))

    # then: neither shows a key until the learner passes again
    for response in (new_review, old_review):
        assert response.status_code == status
        assert b"explanation-secret" not in response.content
        assert b"Correct answer" not in response.content


def test_passing_again_after_a_renewal_unlocks_the_review(quiz_factory, employee, employee_client):
    # given
    quiz = quiz_factory(types=TYPE_KEYS, review_policy=QuizPage.ReviewPolicy.AFTER_PASS)
    _passed_attempt(quiz, employee)
    services.enrollment_restart(user=employee, course=quiz.course_page)
    blank = services.attempt_submit(attempt=services.attempt_start(user=employee, quiz=quiz), data={})
    _passed_attempt(quiz, employee)

    # when
    response = employee_client.get(route(quiz, "attempt_review", blank))

    # then
    assert response.status_code == 200
    assert b"explanation-secret" in response.content
