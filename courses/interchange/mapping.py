"""GIFT questions ↔ our question types, and why a question cannot cross.

Reading: each ``GiftQuestion`` becomes a ``Draft`` (what will be created) or a ``Skipped`` (why
not), never nothing. Writing: each question of the bank becomes a GIFT question, or is named in
the export's list of what GIFT cannot carry.

How the types map (both ways, so that an export imports back identically):

- single choice ↔ ``{=right ~wrong}`` (one answer at 100 %, the others at 0 %);
- multiple choice ↔ ``{~%50%right ~%-50%wrong …}``: each right answer gets 100/n %, each wrong
  one −100/n %, which is exactly our scoring ((right ticked − wrong ticked) / n, floored at 0);
- true/false ↔ ``{TRUE#feedback if wrong#feedback if right}``;
- ordering ↔ a matching question whose items are the positions: ``{=1 -> first =2 -> second}``
  (GIFT has no ordering type; Moodle grades that matching the same way: share of positions right);
- the explanation ↔ the general feedback (``####``); feedback per choice ↔ ``#``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from courses.interchange import gift
from courses.interchange.gift import GiftQuestion, GiftText

TOLERANCE = Decimal("0.01")


@dataclass(frozen=True)
class Choice:
    text: str
    correct: bool
    feedback: str = ""


@dataclass(frozen=True)
class Draft:
    """A question the import will create, in the shape of our models."""

    line: int
    type_key: str
    prompt: str
    explanation: str = ""
    choices: tuple[Choice, ...] = ()
    items: tuple[str, ...] = ()
    correct_answer: bool = True
    feedback_true: str = ""
    feedback_false: str = ""
    points: Decimal = Decimal(1)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skipped:
    """A question of the file that will not be created, and why."""

    line: int
    prompt: str
    reason: str


KIND_REASONS = {
    gift.ESSAY: _("Essay questions are marked by hand: there is no such question type here."),
    gift.NUMERICAL: _("Numerical questions have no equivalent question type here."),
    gift.SHORTANSWER: _("Short answer questions (a typed answer) have no equivalent question type here."),
    gift.DESCRIPTION: _("A description has no answers: it is not a question."),
    gift.MATCH: _(
        "Matching questions have no equivalent here. Only a matching whose items are the positions 1, 2, 3… "
        "imports, as an ordering question."
    ),
}


OTHER_KIND = _("Moodle questions of type “%(type)s” have no equivalent question type here.")


class _Cannot(Exception):
    pass


class _Text:
    """Collects the warnings of the texts of one question as they are converted."""

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def __call__(self, value: GiftText) -> str:
        if value.format == "html":
            self._warn(str(_("HTML formatting is removed: the texts are plain text here.")))
            return html.unescape(strip_tags(value.text)).strip()
        if value.format == "markdown":
            self._warn(str(_("Markdown is kept as written: the texts are plain text here.")))
        return value.text

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


def to_draft(question: GiftQuestion) -> Draft | Skipped:
    text = _Text()
    prompt = text(question.prompt)
    try:
        if question.kind == gift.MULTICHOICE:
            fields = _single(question, text) if question.single else _multiple(question, text)
        elif question.kind == gift.TRUEFALSE:
            fields = _true_false(question, text)
        elif question.kind == gift.ORDERING or (question.kind == gift.MATCH and _is_ordering(question)):
            fields = {"type_key": "ordering", "items": tuple(right for _left, right in _by_position(question))}
        else:
            raise _Cannot(KIND_REASONS.get(question.kind) or OTHER_KIND % {"type": question.kind})
    except _Cannot as cannot:
        return Skipped(question.line, prompt, str(cannot.args[0]))
    explanation = text(question.general_feedback)
    warnings = [*text.warnings, *fields.pop("warnings", ())]
    points = question.points if question.points is not None else Decimal(1)
    return Draft(
        line=question.line, prompt=prompt, explanation=explanation, points=points, warnings=tuple(warnings), **fields
    )


def _single(question: GiftQuestion, text: _Text) -> dict:
    full = [answer for answer in question.answers if answer.weight == gift.HUNDRED]
    partial = [answer for answer in question.answers if answer.weight not in (0, gift.HUNDRED)]
    if partial:
        raise _Cannot(
            _("“%(answer)s” gives %(weight)s%% of the credit: a single choice question gives all of it or none.")
            % {"answer": partial[0].text.text, "weight": gift.weight(partial[0].weight)}
        )
    if len(full) != 1:
        raise _Cannot(_("Several answers give full credit: a single choice question has one right answer."))
    choices = tuple(
        Choice(text(answer.text), answer.weight == gift.HUNDRED, text(answer.feedback)) for answer in question.answers
    )
    return {"type_key": "single_choice", "choices": choices}


def _multiple(question: GiftQuestion, text: _Text) -> dict:
    right = [answer for answer in question.answers if answer.weight > 0]
    if not right:
        raise _Cannot(_("No answer gives any credit."))
    share = gift.HUNDRED / len(right)
    if any(abs(answer.weight - share) > TOLERANCE for answer in right):
        weights = ", ".join(f"{gift.weight(answer.weight)} %" for answer in right)
        raise _Cannot(
            _(
                "The right answers do not share the credit equally (%(weights)s): here each right answer "
                "is worth the same share."
            )
            % {"weights": weights}
        )
    warnings = []
    if any(abs(answer.weight + share) > TOLERANCE for answer in question.answers if answer.weight <= 0):
        warnings.append(
            str(
                _("Each wrong answer ticked takes away %(share)s %% here (one right answer's share).")
                % {"share": gift.weight(share)}
            )
        )
    choices = tuple(Choice(text(answer.text), answer.weight > 0, text(answer.feedback)) for answer in question.answers)
    return {"type_key": "multiple_choice", "choices": choices, "warnings": warnings}


def _true_false(question: GiftQuestion, text: _Text) -> dict:
    right, wrong = text(question.feedback_right), text(question.feedback_wrong)
    truth = bool(question.truth)
    return {
        "type_key": "true_false",
        "correct_answer": truth,
        "feedback_true": right if truth else wrong,
        "feedback_false": wrong if truth else right,
    }


def _is_ordering(question: GiftQuestion) -> bool:
    positions = [left.strip() for left, _right in question.pairs]
    return sorted(positions, key=lambda p: int(p) if p.isdigit() else 0) == [
        str(n) for n in range(1, len(positions) + 1)
    ]


def _by_position(question: GiftQuestion) -> list[tuple[str, str]]:
    return sorted(question.pairs, key=lambda pair: int(pair[0].strip()))


# --- writing ------------------------------------------------------------------------------


def gift_answers(draft: Draft) -> list[str]:
    """The answer lines of a question already in our shape (see the module docstring)."""
    if draft.type_key == "single_choice":
        return [gift.write_choice("=" if c.correct else "~", c.text, c.feedback) for c in draft.choices]
    if draft.type_key == "multiple_choice":
        share = gift.HUNDRED / max(1, sum(1 for c in draft.choices if c.correct))
        return [
            gift.write_choice(f"~%{gift.weight(share if c.correct else -share)}%", c.text, c.feedback)
            for c in draft.choices
        ]
    if draft.type_key == "true_false":
        right, wrong = (
            (draft.feedback_true, draft.feedback_false)
            if draft.correct_answer
            else (draft.feedback_false, draft.feedback_true)
        )
        line = "TRUE" if draft.correct_answer else "FALSE"
        if wrong or right:
            line += f"#{gift.escape(wrong)}"
        if right:
            line += f"#{gift.escape(right)}"
        return [f"\t{line}"]
    if draft.type_key == "ordering":
        return [f"\t={position} -> {gift.escape(item)}" for position, item in enumerate(draft.items, start=1)]
    raise ValueError(draft.type_key)
