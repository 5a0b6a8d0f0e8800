"""Reads of the GIFT interchange: the dry-run report of a file, and the export of the bank.
Neither writes anything."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _

from courses.interchange import gift, moodle_xml
from courses.interchange.builder import build_question, validation_messages
from courses.interchange.mapping import Choice, Draft, Skipped, gift_answers, to_draft
from courses.models import (
    MultipleChoiceQuestion,
    OrderingQuestion,
    Question,
    QuestionCategory,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)

# Moodle refuses bigger files by default too; a question bank is far smaller.
MAX_GIFT_BYTES = 1024 * 1024


@dataclass
class GiftReport:
    """What importing a file would do: the questions created, those skipped and why, and the
    problems that stop the whole import (with their line numbers)."""

    format: str = "gift"
    drafts: list[Draft] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    problems: list[gift.GiftProblem] = field(default_factory=list)
    categories: list[tuple[int, str]] = field(default_factory=list)

    @property
    def importable(self) -> bool:
        return not self.problems and bool(self.drafts)


def gift_report(*, source: str, category: QuestionCategory | None, language: str) -> GiftReport:
    """Parse ``source`` (GIFT, or Moodle XML when it starts with ``<``) and check every question
    against our models, without saving."""
    is_xml = moodle_xml.looks_like_xml(source)
    document = moodle_xml.parse_moodle_xml(source) if is_xml else gift.parse_gift(source)
    report = GiftReport(
        format="xml" if is_xml else "gift", problems=list(document.problems), categories=list(document.categories)
    )
    for question in document.questions:
        result = to_draft(question)
        if isinstance(result, Skipped):
            report.skipped.append(result)
            continue
        messages = validation_messages(build_question(result, category=category, language=language))
        if messages:
            report.problems.append(gift.GiftProblem(result.line, " ".join(messages)))
            continue
        report.drafts.append(result)
    report.problems.sort(key=lambda problem: problem.line)
    if not document.questions and not document.problems:
        report.problems.append(gift.GiftProblem(0 if is_xml else 1, _("The file holds no question.")))
    return report


# --- export -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotExported:
    question_id: int
    prompt: str
    reason: str


@dataclass
class GiftExport:
    text: str
    count: int
    not_exported: list[NotExported]


def draft_of(question: Question) -> Draft | None:
    """A question of the bank in the shape the GIFT writer takes; ``None`` when GIFT has no
    way to carry its type."""
    base = Draft(
        line=0,
        type_key=question.type_key,
        prompt=question.prompt,
        explanation=question.explanation,
        points=question.points,
    )
    if isinstance(question, SingleChoiceQuestion | MultipleChoiceQuestion):
        choices = tuple(
            Choice(str(value["text"]), bool(value.get("correct")), str(value.get("feedback") or ""))
            for value in (block.value for block in question.choices)
        )
        return replace(base, choices=choices)
    if isinstance(question, TrueFalseQuestion):
        return replace(
            base,
            correct_answer=question.correct_answer,
            feedback_true=question.feedback_true,
            feedback_false=question.feedback_false,
        )
    if isinstance(question, OrderingQuestion):
        return replace(base, items=tuple(str(block.value) for block in question.items))
    return None


def _exportable(questions: Iterable[Question]) -> tuple[list[tuple[Question, Draft]], list[NotExported]]:
    """The questions with their draft, and those neither format carries."""
    exportable, not_exported = [], []
    for question in questions:
        draft = draft_of(question)
        if draft is None:
            reason = _("GIFT and Moodle XML have no %(type)s type.") % {"type": question.type_label}
            not_exported.append(NotExported(question.pk, str(question), reason))
        else:
            exportable.append((question, draft))
    return exportable, not_exported


def _category_names() -> dict[int, str]:
    # One query: the real instances django-polymorphic loads do not keep a select_related.
    return dict(QuestionCategory.objects.values_list("pk", "name"))


def _header(count: int, not_exported: list[NotExported]) -> list[str]:
    header = [_("Questions exported from the question bank: %(count)s") % {"count": count}]
    header += [
        _("Not exported: %(id)s “%(prompt)s”: %(reason)s")
        % {"id": item.question_id, "prompt": item.prompt, "reason": item.reason}
        for item in not_exported
    ]
    return header


def gift_export(*, questions: Iterable[Question]) -> GiftExport:
    """The questions as one GIFT file (a ``$CATEGORY`` line where the category changes); the
    questions GIFT cannot carry are listed at the top of the file and in ``not_exported``."""
    exportable, not_exported = _exportable(questions)
    names = _category_names()
    parts: list[str] = []
    category: str | None = None
    for question, draft in exportable:
        name = names.get(question.category_id or 0, "")
        if name != category:
            category = name
            if name:
                parts.append(f"$CATEGORY: {' '.join(name.split())}\n")
        comment = f"question {question.pk}: {question.type_label}, {question.get_language_display()}"
        if draft.points != 1:
            # GIFT has no mark: a question worth more than 1 point is imported at 1 point.
            comment += f", {gift.weight(draft.points)} pt"
        parts.append(gift.write_question(comment, draft.prompt, gift_answers(draft), draft.explanation))
    header = "\n".join("// " + " ".join(line.split()) for line in _header(len(exportable), not_exported))
    return GiftExport(text=header + "\n\n" + "\n".join(parts), count=len(exportable), not_exported=not_exported)


def moodle_xml_export(*, questions: Iterable[Question]) -> GiftExport:
    """The same questions as a Moodle XML file (ordering as Moodle's ordering plugin type)."""
    exportable, not_exported = _exportable(questions)
    names = _category_names()
    parts: list[str] = []
    category: str | None = None
    for question, draft in exportable:
        name = names.get(question.category_id or 0, "")
        if name != category:
            category = name
            if name:
                parts.append(moodle_xml.write_category(name))
        xml_type = moodle_xml.XML_TYPES[draft.type_key]
        parts.append(moodle_xml.write_question(xml_type, f"{question.pk} {question}", draft))
    comments = "\n".join(moodle_xml.comment(line) for line in _header(len(exportable), not_exported))
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + comments + "\n<quiz>\n" + "\n".join(parts) + "\n</quiz>\n"
    return GiftExport(text=text, count=len(exportable), not_exported=not_exported)
