"""Presentation helpers about courses and quizzes. No queries, no business rules.

The generic filters (numbers, URLs, rich text, navigation) are the project's, in ``lms_tags``.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext

from courses.selectors.item_analysis import FLAG_LABELS

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


@register.filter
def fraction_percent(fraction: Any) -> str:
    """A fraction in [0, 1] as a percentage with up to two decimals, in the reader's language
    (``0.5455`` → "54.55%" in English, "54,55 %" in French; ``0.27`` → "27%"); "—" for no
    value. A fraction of four places converts exactly: nothing is rounded twice."""
    if fraction is None or fraction == "":
        return "—"
    try:
        value = Decimal(str(fraction)) * 100
    except (InvalidOperation, TypeError, ValueError):
        return "—"
    return gettext("%(value)s%%") % {"value": floatformat(value, "-2")}


@register.filter
def item_flag_label(code: str) -> str:
    """The label of an item analysis flag (``check_key`` → "Check the key")."""
    return str(FLAG_LABELS.get(code, code))
