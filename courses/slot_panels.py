"""The admin form of a quiz's questions: each place asks either a specific question or
questions drawn at random from a category — a clear choice, the count asked only for a
category, and one message per mistake.

The choice (``source``) is a form field, not a column: the row already says it (a question or
a category is set, never both, by a check constraint). The fields that do not apply are
hidden in the browser by Wagtail's ``w-rules`` controller, and ignored on the server.
"""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel

SPECIFIC = "question"
RANDOM = "category"
SOURCE_CHOICES = [(SPECIFIC, _("A specific question")), (RANDOM, _("Questions at random from a category"))]
# Wagtail's admin Stimulus controller that shows a target when the form's values match its rule.
RULES_CONTROLLER = {"data-controller": "w-rules", "data-action": "change->w-rules#resolve"}


class QuizSlotForm(WagtailAdminModelForm):
    """One place of a quiz: ``source`` says which of question / category + count applies."""

    source = forms.ChoiceField(
        label=_("What to ask"),
        choices=SOURCE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a specific question or questions at random from a category.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        self.initial.setdefault("source", RANDOM if instance.category_id and not instance.question_id else SPECIFIC)
        if "count" in self.fields:
            # Asked only for a category; its absence is reported by ``clean`` for that case.
            self.fields["count"].required = False

    def clean(self):
        cleaned = super().clean()
        source = cleaned.get("source")
        if source == SPECIFIC:
            if not cleaned.get("question"):
                self.add_error("question", _("Choose the question to ask."))
            # The fields of the other choice, hidden in the browser, are not kept.
            cleaned["category"] = None
            cleaned["count"] = 1
            self._drop_errors("category", "count")
        elif source == RANDOM:
            if not cleaned.get("category"):
                self.add_error("category", _("Choose the category to draw the questions from."))
            if cleaned.get("count") is None and "count" not in self.errors:
                self.add_error("count", _("Say how many questions to draw from the category."))
            cleaned["question"] = None
            self._drop_errors("question")
        return cleaned

    def _get_validation_exclusions(self):
        # Where the model's check constraint is left out: without a choice made, "a question or a
        # category" would add a second message for the same mistake.
        exclude = super()._get_validation_exclusions()
        if "source" in self.errors:
            exclude.update({"question", "category"})
        return exclude

    def _drop_errors(self, *names: str) -> None:
        for name in names:
            self._errors.pop(name, None)


class ShownForSourcePanel(FieldPanel):
    """A field shown only while the slot's ``source`` is ``when``."""

    def __init__(self, field_name, *args, when: str, **kwargs):
        self.when = when
        super().__init__(field_name, *args, **kwargs)

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "when": self.when}

    class BoundPanel(FieldPanel.BoundPanel):
        @property
        def attrs(self):
            # The rule names the radio as this form (of the formset) posts it: "slots-0-source".
            rule = {self.form.add_prefix("source"): [self.panel.when]}
            shown = self.form["source"].value() == self.panel.when
            return {
                **super().attrs,
                "data-w-rules-target": "show",
                "data-w-rules": json.dumps(rule),
                "hidden": not shown,
            }


class QuizSlotsPanel(InlinePanel):
    """The quiz's questions, each place edited with ``QuizSlotForm``."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["form"] = QuizSlotForm
        return options


SLOT_PANELS = [
    MultiFieldPanel(
        [
            FieldPanel("source"),
            ShownForSourcePanel("question", when=SPECIFIC),
            ShownForSourcePanel("category", when=RANDOM),
            ShownForSourcePanel("count", when=RANDOM),
        ],
        attrs=RULES_CONTROLLER,
    )
]
