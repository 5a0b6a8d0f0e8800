"""A learner's answers graded against served snapshots, in memory: the editor's "try it as a
learner" previews. Reads and writes nothing in the database."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from courses.grading import Grade, grade
from courses.models import QUESTION_TYPES
from courses.models.questions import InvalidAnswer


@dataclass(frozen=True)
class PreviewOutcome:
    """The review rows (key, feedback, the answers given and their credit) and the grade."""

    rows: list[dict[str, Any]]
    grade: Grade


class PreviewInvalidAnswer(ValueError):
    def __init__(self, position: int, reason: str) -> None:
        super().__init__(reason)
        self.position, self.message = position, reason


def take_views(questions: list[dict[str, Any]], posted: dict[int, list[str]] | None = None) -> list[dict[str, Any]]:
    """What the take form shows: the allow-listed view of each question, with the answers
    ``posted`` (after a refused submission) ticked again."""
    posted = posted or {}
    views = []
    for snapshot in questions:
        view = QUESTION_TYPES[snapshot["type"]].public_view(snapshot)
        view["position"] = snapshot["position"]
        view["saved"] = posted.get(snapshot["position"], [])
        views.append(view)
    return views


def preview_grade(questions: list[dict[str, Any]], posted: dict[int, list[str]], pass_mark: Decimal) -> PreviewOutcome:
    """Grade ``posted`` (position → submitted values) as a submission would, or raise
    ``PreviewInvalidAnswer`` for the first answer that does not fit its question."""
    rows, weighted = [], []
    for snapshot in questions:
        qtype = QUESTION_TYPES[snapshot["type"]]
        values = [value for value in posted.get(snapshot["position"], []) if value]
        response = None
        if values:
            try:
                response = qtype.parse_response(snapshot, values)
            except InvalidAnswer as error:
                raise PreviewInvalidAnswer(snapshot["position"], error.reason) from None
        credit = qtype.grade_snapshot(snapshot, response) if response is not None else None
        weighted.append((Decimal(snapshot["points"]), credit or Decimal(0)))
        rows.append(
            {
                **qtype.public_view(snapshot),
                **qtype.review_view(snapshot, response),
                "position": snapshot["position"],
                "credit": credit,
            }
        )
    return PreviewOutcome(rows=rows, grade=grade(weighted, pass_mark))
