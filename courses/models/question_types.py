"""The question types: each subtype of ``Question`` builds its snapshot and grades it.

Single choice, multiple choice, true/false, ordering and post scenario. Each registers itself
in ``courses.models.questions.QUESTION_TYPES`` under its ``type_key`` when this module loads.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.fields import StreamField

from courses.blocks import ChoiceBlock, OrderingItemBlock
from courses.models.questions import (
    FEEDBACK_HELP,
    ONE,
    PUBLIC_POST_KEYS,
    ZERO,
    InvalidAnswer,
    Question,
    _shuffled,
    _token,
)
from courses.policy_clauses import PolicyClauseForm
from lms.networks import NETWORK_CHOICES


class ChoiceQuestionMixin(models.Model):
    choices = StreamField([("choice", ChoiceBlock())], verbose_name=_("choices"), min_num=2, max_num=10)

    class Meta:
        abstract = True

    def _choice_values(self) -> list[dict[str, Any]]:
        return [dict(block.value) for block in self.choices]

    def _snapshot_choices(self) -> tuple[list[dict[str, Any]], list[str]]:
        options, key = [], []
        for value in _shuffled(self._choice_values()):
            token = _token()
            options.append({"token": token, "text": value["text"], "feedback": value.get("feedback", "")})
            if value.get("correct"):
                key.append(token)
        return options, key


class SingleChoiceQuestion(ChoiceQuestionMixin, Question):  # type: ignore[django-manager-missing]  # noqa: DJ008 (Question's __str__)
    """One correct option among several; full credit or none."""

    type_key = "single_choice"

    class Meta:
        verbose_name = _("single choice question")
        verbose_name_plural = _("single choice questions")

    def clean(self):
        super().clean()
        correct = sum(1 for value in self._choice_values() if value.get("correct"))
        if correct != 1:
            raise ValidationError({"choices": _("Mark exactly one choice as correct.")})

    def build_snapshot(self) -> dict[str, Any]:
        options, key = self._snapshot_choices()
        return {**self._base_snapshot(), "options": options, "key": key[0]}

    @classmethod
    def parse_response(cls, snapshot, values):
        return cls._one_of(snapshot, values)

    @classmethod
    def grade_snapshot(cls, snapshot, response) -> Decimal:
        return ONE if response is not None and response == snapshot["key"] else ZERO


class MultipleChoiceQuestion(ChoiceQuestionMixin, Question):  # type: ignore[django-manager-missing]  # noqa: DJ008 (Question's __str__)
    """Several correct options; partial credit.

    Credit = (correct options ticked − wrong options ticked) / number of correct options,
    floored at 0. Ticking everything therefore earns nothing when there is a wrong option,
    and ticking nothing earns 0.
    """

    type_key = "multiple_choice"

    class Meta:
        verbose_name = _("multiple choice question")
        verbose_name_plural = _("multiple choice questions")

    def clean(self):
        super().clean()
        correct = sum(1 for value in self._choice_values() if value.get("correct"))
        if correct < 1:
            raise ValidationError({"choices": _("Mark at least one choice as correct.")})

    def build_snapshot(self) -> dict[str, Any]:
        options, key = self._snapshot_choices()
        return {**self._base_snapshot(), "options": options, "key": sorted(key)}

    @classmethod
    def public_view(cls, snapshot):
        return {**super().public_view(snapshot), "multiple": True}

    @classmethod
    def parse_response(cls, snapshot, values):
        tokens = {o["token"] for o in snapshot["options"]}
        if len(set(values)) != len(values):
            raise InvalidAnswer(_("An option was sent twice."))
        if not set(values) <= tokens:
            raise InvalidAnswer(_("This option does not belong to the question."))
        return sorted(values)

    @classmethod
    def option_points(cls, snapshot):
        """Each correct option ticked earns points ÷ number of correct options; each wrong one
        ticked takes the same away (the total is floored at 0, see ``grade_snapshot``)."""
        key = set(snapshot["key"])
        share = Decimal(snapshot["points"]) / Decimal(len(key))
        return [share if option["token"] in key else -share for option in snapshot["options"]]

    @classmethod
    def grade_snapshot(cls, snapshot, response) -> Decimal:
        if not response:
            return ZERO
        key = set(snapshot["key"])
        chosen = set(response)
        hits = len(chosen & key)
        misses = len(chosen - key)
        credit = (Decimal(hits) - Decimal(misses)) / Decimal(len(key))
        return max(ZERO, min(ONE, credit))


class TrueFalseQuestion(Question):  # type: ignore[django-manager-missing]  # noqa: DJ008 (Question's __str__)
    """A statement that is true or false."""

    type_key = "true_false"
    correct_answer = models.BooleanField(_("the statement is true"), default=True)
    feedback_true = models.CharField(_("feedback for 'true'"), max_length=500, blank=True, help_text=FEEDBACK_HELP)
    feedback_false = models.CharField(_("feedback for 'false'"), max_length=500, blank=True, help_text=FEEDBACK_HELP)

    class Meta:
        verbose_name = _("true / false question")
        verbose_name_plural = _("true / false questions")

    def build_snapshot(self) -> dict[str, Any]:
        # The two options keep a fixed order (True, False) so that order says nothing; the
        # tokens are random so that ids say nothing either.
        true_token, false_token = _token(), _token()
        options = [
            {"token": true_token, "text": str(_("True")), "label": "true", "feedback": self.feedback_true},
            {"token": false_token, "text": str(_("False")), "label": "false", "feedback": self.feedback_false},
        ]
        key = true_token if self.correct_answer else false_token
        return {**self._base_snapshot(), "options": options, "key": key}

    @classmethod
    def parse_response(cls, snapshot, values):
        return cls._one_of(snapshot, values)

    @classmethod
    def grade_snapshot(cls, snapshot, response) -> Decimal:
        return ONE if response is not None and response == snapshot["key"] else ZERO


class OrderingQuestion(Question):  # type: ignore[django-manager-missing]  # noqa: DJ008 (Question's __str__)
    """Put steps in order. Credit = share of steps in their correct position."""

    type_key = "ordering"
    items = StreamField(
        [("item", OrderingItemBlock())], verbose_name=_("steps, in the correct order"), min_num=2, max_num=10
    )

    class Meta:
        verbose_name = _("ordering question")
        verbose_name_plural = _("ordering questions")

    def build_snapshot(self) -> dict[str, Any]:
        ordered = [{"token": _token(), "text": str(block.value)} for block in self.items]
        key = [item["token"] for item in ordered]
        # A uniform shuffle, the right order included: any other rule would tell something
        # (with two steps, "never the right order" would give the answer away). The take page
        # pre-selects nothing, so the served order earns no credit by itself.
        served = _shuffled(ordered)
        options = [{**item, "feedback": ""} for item in served]
        return {**self._base_snapshot(), "options": options, "key": key}

    @classmethod
    def public_view(cls, snapshot):
        return {**super().public_view(snapshot), "type": "ordering"}

    @classmethod
    def option_points(cls, snapshot):
        """No per-option value: each step in its place earns points ÷ number of steps."""
        return []

    @classmethod
    def parse_response(cls, snapshot, values):
        tokens = [o["token"] for o in snapshot["options"]]
        if sorted(values) != sorted(tokens):
            raise InvalidAnswer(_("Put every step in order, each once."))
        return list(values)

    @classmethod
    def grade_snapshot(cls, snapshot, response) -> Decimal:
        if not response:
            return ZERO
        key = snapshot["key"]
        right = sum(1 for given, expected in zip(response, key, strict=False) if given == expected)
        return Decimal(right) / Decimal(len(key))

    @classmethod
    def review_view(cls, snapshot, response):
        text = {o["token"]: o["text"] for o in snapshot["options"]}
        given = response or []
        return {
            "ordering": [
                {
                    "expected": text[token],
                    "given": text.get(given[i], "") if i < len(given) else "",
                    "correct": i < len(given) and given[i] == token,
                }
                for i, token in enumerate(snapshot["key"])
            ],
            "explanation": snapshot.get("explanation", ""),
        }

    @classmethod
    def outcome_view(cls, snapshot, response):
        """The learner's order, without saying which steps are in place (the credit says how
        many are)."""
        text = {o["token"]: o["text"] for o in snapshot["options"]}
        given = [text[token] for token in response or [] if token in text]
        return {**cls.public_view(snapshot), "options": [], "given_order": given}


class PostScenarioQuestion(Question):  # type: ignore[django-manager-missing]  # noqa: DJ008 (Question's __str__)
    """A mock post: share as is, share after a change, or don't share — with feedback for each."""

    type_key = "post_scenario"

    SHARE_AS_IS = "share_as_is"
    SHARE_AFTER_CHANGE = "share_after_change"
    DONT_SHARE = "dont_share"
    ACTIONS = [
        (SHARE_AS_IS, _("Share as is")),
        (SHARE_AFTER_CHANGE, _("Share after a change")),
        (DONT_SHARE, _("Don't share")),
    ]

    post_author = models.CharField(_("post author"), max_length=80)
    post_author_title = models.CharField(_("author's title"), max_length=120, blank=True)
    post_network = models.CharField(_("network"), max_length=16, choices=NETWORK_CHOICES, default="linkedin")
    post_text = models.TextField(_("post text"), max_length=3000)
    post_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("post image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    correct_action = models.CharField(_("correct action"), max_length=24, choices=ACTIONS)
    feedback_share_as_is = models.CharField(_("feedback for 'share as is'"), max_length=600, help_text=FEEDBACK_HELP)
    feedback_share_after_change = models.CharField(
        _("feedback for 'share after a change'"), max_length=600, help_text=FEEDBACK_HELP
    )
    feedback_dont_share = models.CharField(_("feedback for 'don't share'"), max_length=600, help_text=FEEDBACK_HELP)
    policy_clause = models.CharField(
        _("policy clauses"),
        max_length=200,
        blank=True,
        help_text=_("The anchors of the policy clauses the feedback cites, comma-separated."),
    )

    base_form_class = PolicyClauseForm

    class Meta:
        verbose_name = _("post scenario")
        verbose_name_plural = _("post scenarios")

    def build_snapshot(self) -> dict[str, Any]:
        feedback = {
            self.SHARE_AS_IS: self.feedback_share_as_is,
            self.SHARE_AFTER_CHANGE: self.feedback_share_after_change,
            self.DONT_SHARE: self.feedback_dont_share,
        }
        # The three actions keep their natural order (it is a decision scale, the same for
        # every scenario), so order tells nothing; tokens are random.
        options, key = [], ""
        for action, label in self.ACTIONS:
            token = _token()
            options.append(
                {"token": token, "text": str(label), "label": action, "feedback": feedback[action], "action": action}
            )
            if action == self.correct_action:
                key = token
        image_url = ""
        if self.post_image is not None:
            image_url = self.post_image.get_rendition("max-800x600").url
        post = {
            "author": self.post_author,
            "author_title": self.post_author_title,
            "network": self.post_network,
            "network_label": self.get_post_network_display(),
            "text": self.post_text,
            "image_url": image_url,
        }
        return {
            **self._base_snapshot(),
            "options": options,
            "key": key,
            "post": post,
            "policy_clause": self.policy_clause,
        }

    @classmethod
    def public_view(cls, snapshot):
        post = {k: v for k, v in snapshot["post"].items() if k in PUBLIC_POST_KEYS}
        return {**super().public_view(snapshot), "post": post}

    @classmethod
    def parse_response(cls, snapshot, values):
        return cls._one_of(snapshot, values)

    @classmethod
    def grade_snapshot(cls, snapshot, response) -> Decimal:
        return ONE if response is not None and response == snapshot["key"] else ZERO

    @classmethod
    def review_view(cls, snapshot, response):
        view = super().review_view(snapshot, response)
        view["policy_clause"] = snapshot.get("policy_clause", "")
        return view

    @classmethod
    def outcome_view(cls, snapshot, response):
        """The chosen action's feedback and the clause to read again; the clause names a rule,
        not an action."""
        view = super().outcome_view(snapshot, response)
        view["policy_clause"] = snapshot.get("policy_clause", "")
        return view
