"""What an attempt serves: the quiz's slots resolved into questions, frozen with their keys
(``quiz_snapshot``), and the editor's preview of a draw. Write nothing."""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from courses.models import QUESTION_TYPES, Question, QuizPage
from courses.policy_clauses import snapshots_with_clause_titles
from courses.services.errors import QuizError


def _draw_questions(quiz: QuizPage) -> list[Question]:
    """Resolve the quiz's slots into concrete questions: fixed ones, then random draws."""
    rng = secrets.SystemRandom()
    slots = list(quiz.slots.all())
    chosen: list[int] = []
    fixed_ids = {slot.question_id for slot in slots if slot.question_id}
    for slot in slots:
        if slot.question_id:
            if slot.question_id not in chosen:
                chosen.append(slot.question_id)
            continue
        pool = list(
            Question.objects.non_polymorphic()
            .filter(category_id=slot.category_id)
            .exclude(pk__in=fixed_ids | set(chosen))
            .values_list("pk", flat=True)
        )
        chosen.extend(rng.sample(pool, min(slot.count, len(pool))))
    if not chosen:
        raise QuizError("quiz_empty", _("This quiz has no questions yet."), 409)
    by_id = {q.pk: q for q in Question.objects.filter(pk__in=chosen)}
    questions = [by_id[pk] for pk in chosen if pk in by_id]
    if quiz.shuffle_questions:
        rng.shuffle(questions)
    return questions


def quiz_snapshot(quiz: QuizPage) -> dict[str, Any]:
    """The frozen form of a quiz for one attempt: rules at start, questions and keys served."""
    drawn = _draw_questions(quiz)
    questions = [{**question.build_snapshot(), "position": position} for position, question in enumerate(drawn)]
    # The clauses a feedback cites, as learners read them, in the question's language.
    snapshots_with_clause_titles(
        [(question.language, snapshot) for question, snapshot in zip(drawn, questions, strict=True)]
    )
    return {
        "revision_id": quiz.latest_revision_id,
        "pass_mark": str(quiz.pass_mark),
        "review_policy": quiz.review_policy,
        "time_limit_minutes": quiz.time_limit_minutes,
        "questions": questions,
    }


def quiz_preview_sample(quiz: QuizPage) -> list[dict[str, Any]]:
    """A sample draw for the editor's preview, keys included, with what each option is worth
    (``points``, signed: a wrong option of a multiple choice question takes points away) and,
    for an ordering question, what each step in its place earns (``step_points``). Writes
    nothing."""
    try:
        questions = _draw_questions(quiz)
    except QuizError:
        return []
    sample = []
    snapshots = [{**question.build_snapshot(), "position": position} for position, question in enumerate(questions)]
    snapshots_with_clause_titles(
        [(question.language, snapshot) for question, snapshot in zip(questions, snapshots, strict=True)]
    )
    for position, snapshot in enumerate(snapshots):
        qtype = QUESTION_TYPES[snapshot["type"]]
        review = qtype.review_view(snapshot, None)
        if values := qtype.option_points(snapshot):
            review["options"] = [
                {**option, "points": value} for option, value in zip(review["options"], values, strict=True)
            ]
        if review.get("ordering"):
            review["step_points"] = Decimal(snapshot["points"]) / Decimal(len(review["ordering"]))
        sample.append({**qtype.public_view(snapshot), **review, "position": position})
    return sample
