"""Reads of the courses layer: attempts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db.models import Exists, Q, Subquery
from django.http import Http404

from courses.models import (
    QUESTION_TYPES,
    Attempt,
    Enrollment,
    QuizPage,
)
from courses.selectors.common import Visitor, signed_in

if TYPE_CHECKING:
    from lms.people.models import User


def attempt_for_user(*, quiz: QuizPage, user: Visitor, attempt_id: UUID) -> Attempt:
    """The attempt, if it belongs to ``user`` on ``quiz``; otherwise 404, the same as unknown."""
    learner = signed_in(user)
    if learner is None:
        raise Http404
    attempt = Attempt.objects.filter(public_id=attempt_id, user=learner, quiz=quiz).first()
    if attempt is None:
        raise Http404
    # Known already: later steps (grading, completion) need not read them again.
    attempt.user, attempt.quiz = learner, quiz
    return attempt


def quiz_landing(*, quiz: QuizPage, user: Visitor) -> dict[str, Any]:
    learner = signed_in(user)
    attempts = list(Attempt.objects.filter(user=learner, quiz=quiz).order_by("-attempt_no")) if learner else []
    in_progress = next((a for a in attempts if a.status == Attempt.Status.IN_PROGRESS), None)
    # After a restart (certificate renewal) only the attempts started since then count.
    counted = attempts
    completed_at = None
    if attempts:
        course = quiz.get_parent()
        restarted_at, completed_at = (
            Enrollment.objects.filter(user=learner, course_id=course.pk)
            .values_list("restarted_at", "completed_at")
            .first()
        ) or (None, None)
        if restarted_at is not None:
            counted = [a for a in attempts if a.started_at >= restarted_at]
    used = len(counted)
    remaining = None if not quiz.max_attempts else max(0, quiz.max_attempts - used)
    # The scoring policy the landing explains once passed: the course is completed by the
    # first pass and stays so (``enrollment_complete_after_pass``); the best score is the
    # one kept (reports show it), so a further attempt can only raise it.
    return {
        "attempts": attempts,
        "in_progress": in_progress,
        "attempts_remaining": remaining,
        "best_score": max((a.score for a in counted if a.score is not None), default=None),
        "has_passed": any(a.passed for a in counted),
        "completed_at": completed_at,
    }


def public_questions(attempt: Attempt, answers: dict[int, Any] | None = None) -> list[dict[str, Any]]:
    """The allow-listed view of every question of an attempt, with the learner's saved answer."""
    answers = answers or {}
    views = []
    for snapshot in attempt.questions:
        view = QUESTION_TYPES[snapshot["type"]].public_view(snapshot)
        view["position"] = snapshot["position"]
        saved = answers.get(snapshot["position"])
        view["saved"] = saved if isinstance(saved, list) else ([saved] if saved else [])
        views.append(view)
    return views


def attempt_answers(attempt: Attempt) -> dict[int, Any]:
    return dict(attempt.answers.values_list("position", "response"))


# What the review of a finished attempt may show: nothing, the outcome (right or wrong per
# question, the feedback of the options the learner chose), or everything (keys, every
# option's feedback, explanations).
REVIEW_NONE = ""
REVIEW_OUTCOME = "outcome"
REVIEW_FULL = "full"


def passed_since_restart(*, user: User, quiz: QuizPage) -> bool:
    """Whether ``user`` passed ``quiz`` since the last restart of their enrolment in its course
    (certificate renewal), or ever when it was never restarted. One query."""
    restarted = Enrollment.objects.filter(user=user, course__path=quiz.path[: -quiz.steplen]).exclude(restarted_at=None)
    since_restart = Q(started_at__gte=Subquery(restarted.values("restarted_at")[:1])) | ~Exists(restarted)
    return Attempt.objects.filter(since_restart, user=user, quiz_id=quiz.pk, passed=True).exists()


def review_mode(*, attempt: Attempt, user: User) -> str:
    """What the review of ``attempt`` may show ``user``: ``REVIEW_NONE``, ``REVIEW_OUTCOME`` or
    ``REVIEW_FULL``, by the review policy captured when the attempt started.

    The keys are shown after a pass by ``user`` on the same quiz since their last restart, so
    a renewal's new attempts stay unknown until the learner passes again.
    """
    if attempt.status == Attempt.Status.IN_PROGRESS:
        return REVIEW_NONE
    policy = attempt.snapshot.get("review_policy", QuizPage.ReviewPolicy.NEVER)
    if policy == QuizPage.ReviewPolicy.AFTER_SUBMIT:
        return REVIEW_FULL
    if policy not in (QuizPage.ReviewPolicy.AFTER_PASS, QuizPage.ReviewPolicy.RIGHT_OR_WRONG):
        return REVIEW_NONE
    if passed_since_restart(user=user, quiz=attempt.quiz):
        return REVIEW_FULL
    return REVIEW_OUTCOME if policy == QuizPage.ReviewPolicy.RIGHT_OR_WRONG else REVIEW_NONE


def _answers_and_credits(attempt: Attempt) -> tuple[dict[int, Any], dict[int, Any]]:
    answers, credits = {}, {}
    for position, response, credit in attempt.answers.values_list("position", "response", "credit"):
        answers[position], credits[position] = response, credit
    return answers, credits


def review_questions(attempt: Attempt) -> list[dict[str, Any]]:
    """The full review: keys, every option's feedback, explanations (``REVIEW_FULL`` only)."""
    answers, credits = _answers_and_credits(attempt)
    rows = []
    for snapshot in attempt.questions:
        qtype = QUESTION_TYPES[snapshot["type"]]
        response = answers.get(snapshot["position"])
        row = {
            **qtype.public_view(snapshot),
            **qtype.review_view(snapshot, response),
            "position": snapshot["position"],
            "credit": credits.get(snapshot["position"]),
        }
        rows.append(row)
    return rows


def outcome_questions(attempt: Attempt) -> list[dict[str, Any]]:
    """The outcome review (``REVIEW_OUTCOME``): per question, the credit earned and the learner's
    own answer with the feedback of the options they chose. Built from an allow-list
    (``OUTCOME_QUESTION_KEYS``): no key, no feedback of an option not chosen, no explanation."""
    answers, credits = _answers_and_credits(attempt)
    rows = []
    for snapshot in attempt.questions:
        qtype = QUESTION_TYPES[snapshot["type"]]
        position = snapshot["position"]
        rows.append(
            {
                **qtype.outcome_view(snapshot, answers.get(position)),
                "position": position,
                "credit": credits.get(position),
            }
        )
    return rows
