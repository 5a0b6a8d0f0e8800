"""Presentation helpers about courses and quizzes. No queries, no business rules.

The generic filters (numbers, URLs, rich text, navigation) are the project's, in ``lms_tags``.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django import template

if TYPE_CHECKING:
    from courses.models import Attempt, QuizPage

register = template.Library()


@register.filter
def earned(points: Any, credit: Any) -> Decimal | str:
    """Points earned on a question: ``points × credit``, rounded down to 2 places."""
    if credit is None or credit == "":
        return ""
    try:
        value = Decimal(str(points)) * Decimal(str(credit))
    except (InvalidOperation, TypeError, ValueError):
        return ""
    return value.quantize(Decimal("0.01"), rounding=ROUND_DOWN)


@register.simple_tag
def attempt_url(quiz: QuizPage, name: str, attempt: Attempt) -> str:
    """``{% attempt_url page "attempt_result" attempt %}``: see ``QuizPage.attempt_url``."""
    return quiz.attempt_url(name, attempt)
