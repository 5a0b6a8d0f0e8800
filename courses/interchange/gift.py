"""Moodle GIFT, read and written: a small grammar, pure functions, no database.

GIFT is Moodle's plain-text question format (Moodle docs, "GIFT format"; the reference
implementation is Moodle's ``question/format/gift/format.php``). This module follows that
implementation where the documentation is silent:

- questions are separated by blank lines; a line whose first non-blank characters are ``//`` is
  a comment; ``$CATEGORY: path`` switches the category of the questions that follow;
- ``::name::`` opens a question; ``[html]``, ``[moodle]``, ``[plain]`` or ``[markdown]`` before
  a text gives its format;
- the answers are between the first ``{`` and the first ``}``; text after the ``}`` makes a
  "missing word" question (the block becomes ``_____`` in the text);
- ``\\`` escapes ``~ = # { } :`` and itself; ``\\n`` is a line break;
- the type comes from the answers: none → description, empty → essay, ``#…`` → numerical, a
  ``~`` → multiple choice (several right answers when there is no ``=``), ``=`` with ``->`` →
  matching, ``T``/``TRUE``/``F``/``FALSE`` → true/false, else short answer;
- ``~%50%text`` gives an answer a weight in percent, ``#text`` its feedback, ``####text`` the
  general feedback of the question.

``parse_gift`` never raises on bad input: it returns the questions it understood and the
problems it found, each with the line it starts on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

# Kinds of GIFT questions (Moodle's qtype names).
MULTICHOICE = "multichoice"
TRUEFALSE = "truefalse"
MATCH = "match"
SHORTANSWER = "shortanswer"
NUMERICAL = "numerical"
ESSAY = "essay"
DESCRIPTION = "description"
ORDERING = "ordering"  # not GIFT: Moodle's ordering plugin, read from Moodle XML

TEXT_FORMATS = ("moodle", "html", "plain", "markdown")
HUNDRED = Decimal(100)

# Escaped control characters become private-use characters while the question is parsed, so
# that the grammar never sees them, and come back as the plain character at the end.
_ESCAPES = {":": "\ue000", "#": "\ue001", "=": "\ue002", "{": "\ue003", "}": "\ue004", "~": "\ue005", "n": "\ue006"}
_BACKSLASH = "\ue007"
_RESTORE = {placeholder: char for char, placeholder in _ESCAPES.items()} | {_ESCAPES["n"]: "\n", _BACKSLASH: "\\"}
_WEIGHT = re.compile(r"^%(-?\d{1,3}(?:\.\d*)?)%")
_FORMAT_TAG = re.compile(r"^\[(moodle|html|plain|markdown)\]")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


@dataclass(frozen=True)
class GiftText:
    text: str
    format: str = "moodle"


@dataclass(frozen=True)
class GiftAnswer:
    """One answer of a multiple choice question: ``weight`` in percent (``=`` is 100)."""

    text: GiftText
    weight: Decimal
    feedback: GiftText
    line: int
    full_credit_marker: bool = False


@dataclass(frozen=True)
class GiftQuestion:
    line: int
    kind: str
    name: str
    prompt: GiftText
    general_feedback: GiftText
    category: str = ""
    answers: tuple[GiftAnswer, ...] = ()
    single: bool = True
    truth: bool | None = None
    feedback_right: GiftText = GiftText("")
    feedback_wrong: GiftText = GiftText("")
    pairs: tuple[tuple[str, str], ...] = ()
    points: Decimal | None = None  # Moodle XML's default mark; GIFT has none


@dataclass(frozen=True)
class GiftProblem:
    line: int
    message: str


@dataclass
class GiftDocument:
    questions: list[GiftQuestion] = field(default_factory=list)
    problems: list[GiftProblem] = field(default_factory=list)
    categories: list[tuple[int, str]] = field(default_factory=list)


# --- reading ------------------------------------------------------------------------------


def _protect(text: str) -> str:
    text = text.replace("\\\\", _BACKSLASH)
    for char, placeholder in _ESCAPES.items():
        text = text.replace("\\" + char, placeholder)
    return text


def _restore(text: str) -> str:
    for placeholder, char in _RESTORE.items():
        text = text.replace(placeholder, char)
    return text


def _text(raw: str, default: str = "moodle") -> GiftText:
    raw = raw.strip()
    match = _FORMAT_TAG.match(raw)
    if match:
        return GiftText(_restore(raw[match.end() :]).strip(), match.group(1))
    return GiftText(_restore(raw).strip(), default)


def _blocks(source: str) -> list[tuple[int, str]]:
    """The questions of a file: (first line number, text), comments blanked, split on blank
    lines the way Moodle splits them."""
    blocks: list[tuple[int, str]] = []
    current: list[tuple[int, str]] = []

    def flush() -> None:
        lines = [(number, line) for number, line in current]
        while lines and not lines[0][1].strip():
            lines.pop(0)
        if lines:
            blocks.append((lines[0][0], "\n".join(line for _, line in lines).strip()))
        current.clear()

    for number, line in enumerate(source.splitlines(), start=1):
        if not line.strip():
            flush()
        elif line.strip().startswith("//"):
            current.append((number, " "))
        else:
            current.append((number, line))
    flush()
    return blocks


def parse_gift(source: str) -> GiftDocument:
    """Every question of a GIFT file, and every problem found, with its line number."""
    document = GiftDocument()
    category = ""
    for line, block in _blocks(source.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")):
        text = _protect(block)
        if text.startswith("$CATEGORY:"):
            category = _restore(text[len("$CATEGORY:") :]).strip()
            document.categories.append((line, category))
            continue
        try:
            document.questions.append(_question(line, text, category))
        except _Problem as problem:
            document.problems.append(GiftProblem(problem.line, str(problem.message)))
    return document


class _Problem(Exception):
    def __init__(self, line: int, message: object) -> None:
        super().__init__(message)
        self.line, self.message = line, message


def _question(line: int, text: str, category: str) -> GiftQuestion:
    name = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end == -1:
            raise _Problem(line, _("The question name is not closed: “::name::” needs its second “::”."))
        name = _restore(text[2:end]).strip()
        text = text[end + 2 :].strip()
    start, finish = text.find("{"), text.find("}")
    if start == -1 and finish == -1:
        prompt = _text(text)
        return GiftQuestion(line, DESCRIPTION, name, prompt, GiftText("", prompt.format), category)
    brace_line = line + text[: max(start, 0)].count("\n")
    if start == -1 or finish == -1 or finish < start:
        raise _Problem(
            line, _("Unbalanced braces: the answers go between one “{” and one “}” (escape others as \\{ \\}).")
        )
    if text.find("{", start + 1) != -1 or text.find("}", finish + 1) != -1:
        raise _Problem(line, _("More than one answer block: a question has one “{…}” (escape others as \\{ \\})."))
    answer_text = text[start + 1 : finish]
    offset = len(answer_text) - len(answer_text.lstrip())
    answer_line = brace_line + answer_text[:offset].count("\n")
    answer_text = answer_text.strip()
    if text.endswith("}"):
        prompt_raw = text[:start] + text[finish + 1 :]
    else:
        prompt_raw = text[:start] + "_____" + text[finish + 1 :]
    prompt = _text(prompt_raw)
    general = ""
    if (separator := answer_text.rfind("####")) != -1:
        general = answer_text[separator + 4 :]
        answer_text = answer_text[:separator].strip()
    base = GiftQuestion(line, SHORTANSWER, name, prompt, _text(general, prompt.format), category)
    if not answer_text:
        return replace(base, kind=ESSAY)
    if answer_text.startswith("#"):
        return replace(base, kind=NUMERICAL)
    if "~" in answer_text:
        answers = _choices(answer_text, answer_line, prompt.format)
        return replace(base, kind=MULTICHOICE, answers=answers, single="=" in answer_text)
    if "=" in answer_text and "->" in answer_text:
        return replace(base, kind=MATCH, pairs=_pairs(answer_text, line))
    head, *feedback = answer_text.split("#", 2)
    if head.strip() in _TRUE_FALSE:
        wrong = _text(feedback[0], prompt.format) if feedback else GiftText("", prompt.format)
        right = _text(feedback[1], prompt.format) if len(feedback) > 1 else GiftText("", prompt.format)
        return replace(
            base, kind=TRUEFALSE, truth=_TRUE_FALSE[head.strip()], feedback_right=right, feedback_wrong=wrong
        )
    return base


def _choices(answer_text: str, line: int, default_format: str) -> tuple[GiftAnswer, ...]:
    answers: list[GiftAnswer] = []
    for match in re.finditer(r"[~=]?[^~=]+", answer_text):
        part = match.group()
        raw = part[1:] if part[0] in "~=" else part
        raw = raw.strip()
        if not raw:
            continue
        full = part[0] == "="
        weight = HUNDRED if full else Decimal(0)
        if not full and (found := _WEIGHT.match(raw)):
            weight = Decimal(found.group(1))
            raw = raw[found.end() :]
        answer, _sep, feedback = raw.partition("#")
        answers.append(
            GiftAnswer(
                text=_text(answer, default_format),
                weight=weight,
                feedback=_text(feedback, default_format),
                line=line + answer_text[: match.start()].count("\n"),
                full_credit_marker=full,
            )
        )
    if len(answers) < 2:
        raise _Problem(line, _("A multiple choice question needs at least two answers."))
    return tuple(answers)


def _pairs(answer_text: str, line: int) -> tuple[tuple[str, str], ...]:
    pairs = []
    for part in answer_text.split("="):
        if not part.strip():
            continue
        left, arrow, right = part.partition("->")
        if not arrow:
            raise _Problem(line, _("Each pair of a matching question is written “=item -> match”."))
        pairs.append((_text(left).text, _text(right).text))
    if len(pairs) < 2:
        raise _Problem(line, _("A matching question needs at least two pairs."))
    return tuple(pairs)


# --- writing ------------------------------------------------------------------------------

_WRITE_ESCAPES = (("\\", "\\\\"), ("#", "\\#"), ("=", "\\="), ("~", "\\~"), ("{", "\\{"), ("}", "\\}"), (":", "\\:"))


def escape(text: str) -> str:
    """A text as GIFT writes it: control characters escaped, line breaks as ``\\n``; a text that
    would read as a format tag gets an explicit ``[moodle]`` first."""
    for char, escaped in _WRITE_ESCAPES:
        text = text.replace(char, escaped)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    if _FORMAT_TAG.match(text):
        text = "[moodle]" + text
    return text


def weight(percent: Decimal) -> str:
    """A weight as Moodle writes its grade fractions: at most five decimals, no trailing zeros."""
    text = f"{percent.quantize(Decimal('0.00001')):f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def write_choice(marker: str, text: str, feedback: str) -> str:
    body = escape(text)
    if marker == "~" and _WEIGHT.match(body):
        marker = "~%0%"  # the text itself starts like a weight: say the weight first
    return f"\t{marker}{body}" + (f"#{escape(feedback)}" if feedback else "")


def write_question(comment: str, prompt: str, answers: list[str], general_feedback: str) -> str:
    lines = [f"// {' '.join(comment.split())}", escape(prompt) + "{", *answers]
    if general_feedback:
        lines.append(f"\t####{escape(general_feedback)}")
    lines.append("}")
    return "\n".join(lines) + "\n"
