"""Moodle XML, read and written (Moodle docs, "Moodle XML format"; Moodle's
``question/format/xml/format.php``), into the same question shapes as GIFT (``gift.py``).

Read with ``defusedxml`` (no DTD, no entity, no external reference). A question is located by
its rank in the file ("question 3"); an XML syntax error names its line and column. The ordering type is
Moodle's ``qtype_ordering`` plugin: its answers carry their rank in ``fraction``.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from courses.interchange import gift
from courses.interchange.gift import GiftAnswer, GiftDocument, GiftProblem, GiftQuestion, GiftText

ORDERING = gift.ORDERING
CENT = Decimal("0.01")  # our points have two decimals; Moodle writes seven
_FORMATS = {"html": "html", "markdown": "markdown", "plain_text": "plain", "moodle_auto_format": "moodle"}


def looks_like_xml(source: str) -> bool:
    return source.lstrip("\ufeff \t\r\n").startswith("<")


def _text(element: Any | None, default: str = "moodle_auto_format") -> GiftText:
    if element is None:
        return GiftText("", "moodle")
    value = (element.findtext("text") or "").strip()
    return GiftText(value, _FORMATS.get(element.get("format", default), "moodle"))


def _number(value: str | None) -> Decimal:
    try:
        return Decimal((value or "0").strip())
    except InvalidOperation:
        return Decimal(0)


def parse_moodle_xml(source: str) -> GiftDocument:
    """Every question of a Moodle XML file; a file that is not one is a problem at its line."""
    document = GiftDocument()
    try:
        root = fromstring(source.lstrip("\ufeff").encode("utf-8"))
    except ParseError as error:
        document.problems.append(GiftProblem(0, str(_("This is not well-formed XML:")) + f" {error}"))
        return document
    except DefusedXmlException:
        document.problems.append(GiftProblem(0, str(_("XML with a DTD or entities is refused."))))
        return document
    if root.tag != "quiz":
        document.problems.append(GiftProblem(0, str(_("A Moodle XML file starts with <quiz>."))))
        return document
    category = ""
    for rank, element in enumerate(root.findall("question"), start=1):
        if element.get("type", "") == "category":
            category = (element.findtext("category/text") or "").strip()
            document.categories.append((rank, category))
            continue
        question = _question(element, rank, category)
        if question.kind == gift.TRUEFALSE and question.truth is None:
            document.problems.append(GiftProblem(rank, str(_("This true/false question has no right answer."))))
            continue
        document.questions.append(question)
    return document


def _question(element: Any, rank: int, category: str) -> GiftQuestion:
    kind = element.get("type", "")
    question_text = element.find("questiontext")
    text_format = question_text.get("format", "moodle_auto_format") if question_text is not None else ""
    base = GiftQuestion(
        rank,
        kind,
        (element.findtext("name/text") or "").strip(),
        _text(question_text),
        _text(element.find("generalfeedback"), text_format),
        category,
        points=_number(element.findtext("defaultgrade") or "1").quantize(CENT),
    )
    answers = element.findall("answer")
    if kind == gift.MULTICHOICE:
        choices = tuple(
            GiftAnswer(_text(a), _number(a.get("fraction")), _text(a.find("feedback")), rank) for a in answers
        )
        single = (element.findtext("single") or "true").strip().lower() in ("true", "1")
        return replace(base, answers=choices, single=single)
    if kind == gift.TRUEFALSE:
        right, wrong, truth = GiftText(""), GiftText(""), None
        for answer in answers:
            if _number(answer.get("fraction")) == gift.HUNDRED:
                truth = (answer.findtext("text") or "").strip().lower() == "true"
                right = _text(answer.find("feedback"))
            else:
                wrong = _text(answer.find("feedback"))
        return replace(base, truth=truth, feedback_right=right, feedback_wrong=wrong)
    if kind == ORDERING:
        in_order = sorted(answers, key=lambda answer: _number(answer.get("fraction")))
        return replace(base, pairs=tuple((str(i), _text(a).text) for i, a in enumerate(in_order, start=1)))
    if kind == gift.MATCH:
        subquestions = element.findall("subquestion")
        return replace(
            base, pairs=tuple((_text(s).text, (s.findtext("answer/text") or "").strip()) for s in subquestions)
        )
    return base


# --- writing ------------------------------------------------------------------------------


def _element(tag: str, value: str, **attributes: str) -> str:
    attrs = "".join(f' {name}="{escape(v)}"' for name, v in attributes.items())
    return f"<{tag}{attrs}><text>{escape(value)}</text></{tag}>"


def _answer(fraction: str, text: str, feedback: str) -> str:
    return (
        f'    <answer fraction="{fraction}" format="plain_text"><text>{escape(text)}</text>'
        f'<feedback format="plain_text"><text>{escape(feedback)}</text></feedback></answer>'
    )


def write_question(qtype: str, name: str, draft: Any) -> str:
    """One ``<question>`` of a ``Draft`` (see ``mapping``): plain texts, our scoring as weights."""
    lines = [
        f'  <question type="{qtype}">',
        "    " + _element("name", name),
        "    " + _element("questiontext", draft.prompt, format="plain_text"),
        "    " + _element("generalfeedback", draft.explanation, format="plain_text"),
        f"    <defaultgrade>{gift.weight(draft.points)}</defaultgrade>",
    ]
    if qtype == gift.MULTICHOICE:
        single = draft.type_key == "single_choice"
        share = gift.HUNDRED / max(1, sum(1 for c in draft.choices if c.correct))
        lines += [f"    <single>{'true' if single else 'false'}</single>", "    <shuffleanswers>true</shuffleanswers>"]
        for choice in draft.choices:
            weight = (gift.HUNDRED if single else share) if choice.correct else (Decimal(0) if single else -share)
            lines.append(_answer(gift.weight(weight), choice.text, choice.feedback))
    elif qtype == gift.TRUEFALSE:
        lines.append(_answer("100" if draft.correct_answer else "0", "true", draft.feedback_true))
        lines.append(_answer("0" if draft.correct_answer else "100", "false", draft.feedback_false))
    elif qtype == ORDERING:
        lines += [
            f'    <answer fraction="{rank}" format="plain_text"><text>{escape(item)}</text></answer>'
            for rank, item in enumerate(draft.items, start=1)
        ]
    lines.append("  </question>")
    return "\n".join(lines)


XML_TYPES = {
    "single_choice": gift.MULTICHOICE,
    "multiple_choice": gift.MULTICHOICE,
    "true_false": gift.TRUEFALSE,
    "ordering": ORDERING,
}


def write_category(name: str) -> str:
    return f'  <question type="category"><category><text>{escape(name)}</text></category></question>'


def comment(text: str) -> str:
    """An XML comment: ``--`` may not appear in one."""
    return "<!-- " + " ".join(text.replace("--", "- -").split()) + " -->"
