"""A ``Draft`` turned into an unsaved question of its type (used by the dry run to validate,
and by the import to save)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from wagtail.fields import StreamField

from courses.interchange.mapping import Draft
from courses.models import QUESTION_TYPES, Question, QuestionCategory


def build_question(draft: Draft, *, category: QuestionCategory | None, language: str) -> Question:
    model = QUESTION_TYPES[draft.type_key]
    fields: dict[str, object] = {
        "prompt": draft.prompt,
        "explanation": draft.explanation,
        "category": category,
        "language": language,
        "points": draft.points,
    }
    if draft.type_key in ("single_choice", "multiple_choice"):
        fields["choices"] = [
            ("choice", {"text": c.text, "correct": c.correct, "feedback": c.feedback}) for c in draft.choices
        ]
    elif draft.type_key == "true_false":
        fields.update(
            correct_answer=draft.correct_answer, feedback_true=draft.feedback_true, feedback_false=draft.feedback_false
        )
    elif draft.type_key == "ordering":
        fields["items"] = [("item", item) for item in draft.items]
    return model(**fields)


def _messages(error: ValidationError) -> list[str]:
    """Readable messages of a (possibly nested) StreamField validation error."""
    if not hasattr(error, "block_errors"):
        return [str(message) for message in error.messages]
    messages = [str(m) for m in getattr(error, "non_block_errors", None) or []]
    for key, child in (error.block_errors or {}).items():
        prefix = f"{key + 1}: " if isinstance(key, int) else f"{key}: "
        messages += [prefix + message for message in _messages(child)]
    return messages


def validation_messages(question: Question) -> list[str]:
    """Every reason ``question`` may not be saved: its fields, and the blocks of its
    StreamFields (which ``full_clean`` does not look into)."""
    messages: list[str] = []
    try:
        question.full_clean(exclude=["tags"])
    except ValidationError as error:
        messages += [str(m) for values in error.message_dict.values() for m in values]
    for field in question._meta.get_fields():
        if isinstance(field, StreamField):
            try:
                field.stream_block.clean(getattr(question, field.name))
            except ValidationError as error:
                label = capfirst(str(field.verbose_name))
                messages += [f"{label}: {message}" for message in _messages(error)]
    return messages
