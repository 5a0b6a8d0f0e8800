"""Data migrations of the courses app, run forwards and backwards on rows built by factories."""

import importlib

from django.apps import apps

from courses import services
from courses.models import Attempt, QuizPage

review_policy_data = importlib.import_module("courses.migrations.0006_review_policy_right_or_wrong_data")


def _policies(quiz: QuizPage, attempt: Attempt) -> tuple[str, str, str]:
    quiz.refresh_from_db()
    attempt.refresh_from_db()
    return quiz.review_policy, quiz.latest_revision.content["review_policy"], attempt.snapshot["review_policy"]


def test_quizzes_under_the_former_default_move_to_right_or_wrong_and_back(quiz_factory, employee):
    # given: a quiz that shows the key after a failed attempt, with an attempt, and a quiz under "never"
    quiz = quiz_factory(review_policy=QuizPage.ReviewPolicy.AFTER_SUBMIT)
    attempt = services.attempt_start(user=employee, quiz=quiz)
    snapshot = dict(attempt.snapshot)
    never = quiz_factory(review_policy=QuizPage.ReviewPolicy.NEVER)
    never_attempt = services.attempt_start(user=employee, quiz=never)

    # when
    review_policy_data.forwards(apps, None)

    # then: the live quiz, its next revision and the attempt's snapshot; nothing else
    assert _policies(quiz, attempt) == ("right_or_wrong", "right_or_wrong", "right_or_wrong")
    assert attempt.snapshot == {**snapshot, "review_policy": "right_or_wrong"}
    assert _policies(never, never_attempt) == ("never", "never", "never")

    # when: migrated back
    review_policy_data.backwards(apps, None)

    # then
    assert _policies(quiz, attempt) == ("after_submit", "after_submit", "after_submit")
    assert attempt.snapshot == snapshot
    assert _policies(never, never_attempt) == ("never", "never", "never")


def test_a_second_run_changes_nothing(quiz_factory, employee):
    # given
    quiz = quiz_factory(review_policy=QuizPage.ReviewPolicy.AFTER_SUBMIT)
    attempt = services.attempt_start(user=employee, quiz=quiz)
    review_policy_data.forwards(apps, None)

    # when
    review_policy_data.forwards(apps, None)

    # then
    assert _policies(quiz, attempt) == ("right_or_wrong", "right_or_wrong", "right_or_wrong")
