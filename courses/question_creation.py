"""The "New question" tab of the question chooser: an editor choosing the question of a quiz
creates one without leaving the quiz, and the new question fills the slot.

The tab takes the types whose answers fit in a list of lines: single choice, multiple choice,
true / false and ordering. Feedback per answer, tags and post scenarios are written in the
question bank (the chosen question's "Edit this question" link opens it).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.log_actions import log

from courses.models import (
    MultipleChoiceQuestion,
    OrderingQuestion,
    Question,
    QuestionCategory,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from courses.models.pages import LANGUAGE_CHOICES

TYPES: dict[str, type[Question]] = {
    model.type_key: model
    for model in (SingleChoiceQuestion, MultipleChoiceQuestion, TrueFalseQuestion, OrderingQuestion)
}
CORRECT_MARK = "*"
NON_FIELD = "__all__"
MAX_LINES = 10


def _type_choices() -> list[tuple[str, str]]:
    return [(key, capfirst(str(model._meta.verbose_name))) for key, model in TYPES.items()]


class QuestionCreationForm(forms.Form):
    """A new question of one of ``TYPES``, its answers one per line."""

    type = forms.ChoiceField(label=_("Type of question"), choices=_type_choices, widget=forms.RadioSelect)
    prompt = forms.CharField(label=_("Question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    answers = forms.CharField(
        label=_("Answers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One per line. Single or multiple choice: start each correct answer with *. "
            "Ordering: the steps in the correct order. Not used for true / false."
        ),
    )
    statement_is_true = forms.BooleanField(label=_("True / false: the statement is true"), required=False)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=QuestionCategory.objects.all(), required=False, empty_label=_("None")
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    points = forms.DecimalField(
        label=_("Points"), initial=1, min_value=0.01, max_value=100, max_digits=5, decimal_places=2
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        type_key = cleaned.get("type")
        if type_key not in TYPES or self.errors:
            return cleaned
        question = TYPES[type_key](
            prompt=cleaned["prompt"],
            category=cleaned.get("category"),
            language=cleaned["language"],
            points=cleaned["points"],
        )
        try:
            self._fill(question, type_key, cleaned)
            question.full_clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error("answers" if field in ("choices", "items", NON_FIELD) else None, messages)
        self.question = question
        return cleaned

    def _fill(self, question: Question, type_key: str, cleaned: dict[str, Any]) -> None:
        lines = [line.strip() for line in (cleaned.get("answers") or "").splitlines() if line.strip()]
        if type_key == TrueFalseQuestion.type_key:
            question.correct_answer = cleaned.get("statement_is_true", False)
            return
        if not 2 <= len(lines) <= MAX_LINES:
            raise ValidationError({NON_FIELD: _("Write between 2 and 10 answers, one per line.")})
        if type_key == OrderingQuestion.type_key:
            question.items = [("item", line) for line in lines]
            return
        choices = []
        for line in lines:
            correct = line.startswith(CORRECT_MARK)
            text = line.removeprefix(CORRECT_MARK).strip()
            if not text:
                raise ValidationError({NON_FIELD: _("An answer marked * has no text.")})
            choices.append(("choice", {"text": text, "correct": correct, "feedback": ""}))
        question.choices = choices

    @transaction.atomic
    def save(self) -> Question:
        self.question.save()
        return self.question


class QuestionCreateView(chooser_views.CreateView):
    """Create, log as the question bank's own create view does, and return it as chosen."""

    def save_form(self, form):
        question = form.save()
        log(instance=question, action="wagtail.create", user=self.request.user)
        return question
