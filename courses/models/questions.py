"""The question bank: a django-polymorphic hierarchy where each subtype grades itself.

A question never grades "live" data. When an attempt starts, each question writes a
*snapshot* (``build_snapshot``): the prompt, the options in the order served, opaque per-attempt
option tokens, and the key. Grading (``grade_snapshot``) and the learner-facing view
(``public_view``) read only that snapshot, so HR edits never corrupt a running attempt, and
the learner view is built from an allow-list, so keys never reach the browser.

Every subtype registers itself in ``QUESTION_TYPES`` under its ``type_key``.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from polymorphic.managers import PolymorphicManager
from polymorphic.models import PolymorphicModel
from taggit.models import TaggedItemBase
from wagtail.fields import StreamField
from wagtail.search import index

from courses.blocks import NETWORK_CHOICES, ChoiceBlock, OrderingItemBlock

ZERO = Decimal("0")
ONE = Decimal("1")

QUESTION_TYPES: dict[str, type[Question]] = {}

# Fields a learner may see before the review policy allows more. Anything a
# public_view returns outside these keys fails the leakage tests. ``saved`` is the learner's
# own answer, added by ``selectors.public_questions``.
PUBLIC_QUESTION_KEYS = frozenset({"position", "type", "prompt", "points", "options", "post", "multiple", "saved"})
PUBLIC_OPTION_KEYS = frozenset({"token", "text"})
PUBLIC_POST_KEYS = frozenset({"author", "author_title", "network", "network_label", "text", "image_url"})
# Fields of the outcome review (a finished attempt, not passed, under "right or wrong"): the
# learner's own answer, the credit it earned and the feedback of the options they chose —
# never the key, the feedback of an option they did not choose, or the explanation.
OUTCOME_QUESTION_KEYS = frozenset(
    {"position", "type", "prompt", "points", "options", "post", "multiple", "given_order", "policy_clause", "credit"}
)
OUTCOME_OPTION_KEYS = frozenset({"text", "selected", "feedback"})


FEEDBACK_HELP = _(
    "Shown to a learner who chose this answer, even before they pass: say why it is right or wrong "
    "without naming the right answer."
)


class InvalidAnswer(ValueError):
    """A submitted response that does not fit the question it answers.

    Raised with a lazily translated message; ``reason`` renders it in the active language.
    """

    @property
    def reason(self) -> str:
        return str(self.args[0]) if self.args else ""


class QuestionCategory(models.Model):
    """A pool of questions a quiz slot can draw from at random."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:120]
        super().save(*args, **kwargs)


class QuestionTag(TaggedItemBase):
    content_object = ParentalKey("courses.Question", on_delete=models.CASCADE, related_name="tagged_items")


class QuestionManager(PolymorphicManager):
    pass


def _token() -> str:
    return secrets.token_urlsafe(9)


# Options whose text is ours, not the editor's: the snapshot keeps a label key as well as the
# text of the language the attempt started in, and pages show the label in the language of the
# moment (a learner may switch language mid-attempt, or take an English course in French).
OPTION_LABELS = {
    "true": _("True"),
    "false": _("False"),
    "share_as_is": _("Share as is"),
    "share_after_change": _("Share after a change"),
    "dont_share": _("Don't share"),
}


def option_text(option: dict[str, Any]) -> str:
    """The text to show for a snapshot option, in the active language when it is one of ours."""
    label = option.get("label") or option.get("action")
    if label in OPTION_LABELS:
        return str(OPTION_LABELS[label])
    return option["text"]


def _shuffled(items: list[Any]) -> list[Any]:
    items = list(items)
    secrets.SystemRandom().shuffle(items)
    return items


# django-stubs cannot resolve the reverse manager of QuestionTag's ParentalKey (modelcluster and
# taggit ship no types), hence the ignore on each question class.
class Question(index.Indexed, ClusterableModel, PolymorphicModel):  # type: ignore[django-manager-missing]
    """Base of every question type. Subtypes set ``type_key`` and implement the three hooks."""

    type_key: ClassVar[str] = ""

    prompt = models.TextField(_("question"), max_length=2000)
    explanation = models.TextField(
        _("explanation"), blank=True, max_length=2000, help_text=_("Shown in the review, when the policy allows.")
    )
    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
    )
    tags = ClusterTaggableManager(through=QuestionTag, blank=True, verbose_name=_("tags"))
    points = models.DecimalField(
        _("points"),
        max_digits=5,
        decimal_places=2,
        default=ONE,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    language = models.CharField(
        _("language"), max_length=8, default="fr", choices=[("fr", "Français"), ("en", "English")]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects: ClassVar[QuestionManager] = QuestionManager()

    search_fields = [index.SearchField("prompt"), index.FilterField("language")]

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.type_key:
            QUESTION_TYPES[cls.type_key] = cls

    def __str__(self) -> str:
        text = " ".join(self.prompt.split())
        return text if len(text) <= 80 else text[:79] + "…"

    @property
    def type_label(self) -> str:
        real = self.get_real_instance_class() or type(self)
        return str(real._meta.verbose_name)

    # --- the three hooks ---------------------------------------------------------------
    def build_snapshot(self) -> dict[str, Any]:
        """What an attempt stores when it serves this question (options shuffled, tokens new)."""
        raise NotImplementedError

    @classmethod
    def parse_response(cls, snapshot: dict[str, Any], values: list[str]) -> Any:
        """Turn submitted form values into a response, or raise ``InvalidAnswer``."""
        raise NotImplementedError

    @classmethod
    def grade_snapshot(cls, snapshot: dict[str, Any], response: Any) -> Decimal:
        """Credit in [0, 1] for ``response`` against the snapshot's key. ``None`` scores 0."""
        raise NotImplementedError

    # --- shared helpers ----------------------------------------------------------------
    def _base_snapshot(self) -> dict[str, Any]:
        return {
            "question_id": self.pk,
            "type": self.type_key,
            "prompt": self.prompt,
            "points": str(self.points),
            "explanation": self.explanation,
        }

    @classmethod
    def public_view(cls, snapshot: dict[str, Any]) -> dict[str, Any]:
        """The allow-listed view a learner gets while the attempt runs."""
        view = {
            "type": snapshot["type"],
            "prompt": snapshot["prompt"],
            "points": snapshot["points"],
            "options": [{"token": o["token"], "text": option_text(o)} for o in snapshot.get("options", [])],
        }
        return view

    @classmethod
    def review_view(cls, snapshot: dict[str, Any], response: Any) -> dict[str, Any]:
        """The full view for the review page: key, per-option feedback, explanation."""
        key = snapshot.get("key")
        selected = set(response) if isinstance(response, list) else {response}
        options = []
        for option in snapshot.get("options", []):
            token = option["token"]
            correct = token in key if isinstance(key, list) else token == key
            options.append(
                {
                    "text": option_text(option),
                    "correct": correct,
                    "selected": token in selected,
                    "feedback": option.get("feedback", ""),
                }
            )
        return {"options": options, "explanation": snapshot.get("explanation", "")}

    @classmethod
    def outcome_view(cls, snapshot: dict[str, Any], response: Any) -> dict[str, Any]:
        """The outcome review: the options as served, which ones the learner chose, and the
        feedback of those only (see ``OUTCOME_QUESTION_KEYS``)."""
        selected = set(response) if isinstance(response, list) else {response}
        options = []
        for option in snapshot.get("options", []):
            chosen = option["token"] in selected
            options.append(
                {
                    "text": option_text(option),
                    "selected": chosen,
                    "feedback": option.get("feedback", "") if chosen else "",
                }
            )
        return {**cls.public_view(snapshot), "options": options}

    @staticmethod
    def _one_of(snapshot: dict[str, Any], values: list[str]) -> str:
        if len(values) != 1:
            raise InvalidAnswer(_("Choose exactly one option."))
        tokens = {o["token"] for o in snapshot["options"]}
        if values[0] not in tokens:
            raise InvalidAnswer(_("This option does not belong to the question."))
        return values[0]


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


class SingleChoiceQuestion(ChoiceQuestionMixin, Question):  # type: ignore[django-manager-missing]
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


class MultipleChoiceQuestion(ChoiceQuestionMixin, Question):  # type: ignore[django-manager-missing]
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
    def grade_snapshot(cls, snapshot, response) -> Decimal:
        if not response:
            return ZERO
        key = set(snapshot["key"])
        chosen = set(response)
        hits = len(chosen & key)
        misses = len(chosen - key)
        credit = (Decimal(hits) - Decimal(misses)) / Decimal(len(key))
        return max(ZERO, min(ONE, credit))


class TrueFalseQuestion(Question):  # type: ignore[django-manager-missing]
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


class OrderingQuestion(Question):  # type: ignore[django-manager-missing]
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


class PostScenarioQuestion(Question):  # type: ignore[django-manager-missing]
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
        _("policy clause"), max_length=200, blank=True, help_text=_("The clause of the policy the feedback cites.")
    )

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
