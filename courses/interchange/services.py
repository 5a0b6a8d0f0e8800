"""Writes of the GIFT interchange: the import of a file into the question bank."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from courses.interchange.builder import build_question
from courses.interchange.selectors import GiftReport, gift_report
from courses.models import Question, QuestionCategory


class GiftImportError(ValueError):
    """The file has problems: nothing was created. ``report`` says which, with line numbers."""

    def __init__(self, report: GiftReport) -> None:
        super().__init__(report.problems)
        self.report = report


@dataclass(frozen=True)
class GiftImport:
    created: list[Question]
    report: GiftReport


@transaction.atomic
def gift_import(*, source: str, category: QuestionCategory | None, language: str) -> GiftImport:
    """Create the questions of a GIFT file in ``category`` and ``language``, all or none.

    The questions the report skips (types we cannot represent) are not created and are listed
    in the result's report. Raises ``GiftImportError`` when the file has any problem; then
    nothing is created. Not idempotent: importing a file twice creates its questions twice.
    """
    report = gift_report(source=source, category=category, language=language)
    if report.problems or not report.drafts:
        raise GiftImportError(report)
    created = []
    for draft in report.drafts:
        question = build_question(draft, category=category, language=language)
        question.save()
        created.append(question)
    return GiftImport(created=created, report=report)
