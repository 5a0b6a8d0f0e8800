"""The question bank: a django-polymorphic hierarchy where each subtype grades itself.

A question never grades "live" data. When an attempt starts, each question writes a
*snapshot* (``build_snapshot``): the prompt, the options in the order served, opaque per-attempt
option tokens, and the key. Grading (``grade_snapshot``) and the learner-facing view
(``public_view``) read only that snapshot, so HR edits never corrupt a running attempt, and
the learner view is built from an allow-list, so keys never reach the browser.

Every subtype (``courses.models.question_types``) registers itself in ``QUESTION_TYPES`` under
its ``type_key``.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any, ClassVar

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
from wagtail.search import index

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

    @classmethod
    def option_points(cls, snapshot: dict[str, Any]) -> list[Decimal]:
        """What choosing each option (in the served order) is worth, in points, for the editor's
        preview: the question's points for the right option, 0 for the others."""
        key = snapshot.get("key")
        right = set(key) if isinstance(key, list) else {key}
        points = Decimal(snapshot["points"])
        return [points if option["token"] in right else ZERO for option in snapshot.get("options", [])]

    @staticmethod
    def _one_of(snapshot: dict[str, Any], values: list[str]) -> str:
        if len(values) != 1:
            raise InvalidAnswer(_("Choose exactly one option."))
        tokens = {o["token"] for o in snapshot["options"]}
        if values[0] not in tokens:
            raise InvalidAnswer(_("This option does not belong to the question."))
        return values[0]
