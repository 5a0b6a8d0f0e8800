"""The quiz landing once the learner passed: the course is completed, and the page says what a
further attempt would change (the best score is kept) instead of counting attempts "left" as
if nothing were done."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from bs4 import BeautifulSoup

from courses import services
from tests.factories.answers import correct_answers, wrong_answers

PASSED_ON = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _submit(user, quiz, *, right: bool):
    attempt = services.attempt_start(user=user, quiz=quiz)
    answers = correct_answers(attempt) if right else wrong_answers(attempt)
    return services.attempt_submit(attempt=attempt, data=answers)


def _landing(client, quiz, language="en"):
    response = client.get(quiz.url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _text(node) -> str:
    return " ".join(node.get_text().split())


def _attempts_rule(soup) -> str:
    term = next(dt for dt in soup.select(".rules dt") if _text(dt) in {"Attempts", "Tentatives"})
    return _text(term.find_next_sibling("dd"))


def test_after_a_pass_the_landing_says_the_course_is_completed_and_what_another_attempt_changes(
    quiz_factory, employee, employee_client
):
    # given: a quiz of 3 attempts, failed once then passed
    quiz = quiz_factory(max_attempts=3)
    _submit(employee, quiz, right=False)
    with time_machine.travel(PASSED_ON, tick=False):
        _submit(employee, quiz, right=True)

    # when
    soup = _landing(employee_client, quiz)

    # then
    status = soup.select_one(".quiz-completed")
    assert _text(status) == (
        "You passed this quiz: the course is completed (on 2 March 2026). Best score: 100%. "
        "Nothing more is needed. Another attempt is optional: your best score is the one kept, so a better "
        "score replaces it and a lower one changes nothing. The course stays completed either way."
    )
    assert _attempts_rule(soup) == "Completed; 1 optional attempt left to improve your score"
    assert _text(soup.select_one(".actions button")) == "Try to improve my score"
    assert "left" not in _attempts_rule(soup).replace("attempt left to improve", "")


def test_in_french_the_landing_no_longer_counts_attempts_left_after_a_pass(quiz_factory, employee, employee_client):
    # given
    quiz = quiz_factory(max_attempts=3)
    _submit(employee, quiz, right=True)

    # when
    soup = _landing(employee_client, quiz, language="fr")

    # then
    assert _attempts_rule(soup) == "Terminé ; encore 2 tentatives facultatives pour améliorer votre score"
    assert _text(soup.select_one(".actions button")) == "Améliorer mon score"
    assert "restantes" not in _text(soup.select_one(".rules"))


def test_when_every_attempt_is_used_after_a_pass_the_landing_asks_for_nothing(quiz_factory, employee, employee_client):
    # given: the last attempt was the pass
    quiz = quiz_factory(max_attempts=1)
    _submit(employee, quiz, right=True)

    # when
    soup = _landing(employee_client, quiz)

    # then
    assert _attempts_rule(soup) == "Completed; no further attempt left"
    assert soup.select_one(".actions form") is None
    assert "You have used all your attempts" not in _text(soup)


def test_before_a_pass_the_landing_counts_the_attempts_left(quiz_factory, employee, employee_client):
    # given
    quiz = quiz_factory(max_attempts=3)
    _submit(employee, quiz, right=False)

    # when
    soup = _landing(employee_client, quiz)

    # then
    assert soup.select_one(".quiz-completed") is None
    assert _attempts_rule(soup) == "2 of 3 left"
    assert _text(soup.select_one(".actions button")) == "Start a new attempt"
