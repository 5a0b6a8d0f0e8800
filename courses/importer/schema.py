"""The course file, declared: pydantic models of what ``tomllib`` returns for one
``fixtures/courses/*.toml`` file (format: ``fixtures/README.md``). ``parse.parse_course_data``
validates data against ``CourseFile``. Pure: reads no database.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from courses.importer import fields as f
from courses.models import CoursePage, PostScenarioQuestion, QuizPage
from courses.models.pages import LANGUAGE_CHOICES
from courses.policy_clauses import ANCHOR_RE, cited_anchors
from lms.networks import NETWORK_CHOICES

LANGUAGES = frozenset(code for code, _label in LANGUAGE_CHOICES)
NETWORKS = frozenset(code for code, _label in NETWORK_CHOICES)
ACTIONS = frozenset(action for action, _label in PostScenarioQuestion.ACTIONS)

Title = Annotated[str, f.text(255)]


class Entry(BaseModel):
    """A table of the file: unknown keys are refused, values are not changed once read."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ImageSpec(Entry):
    """A PNG drawn at import time: a colour, a few lines of text. No binary file in the repo."""

    title: Title
    alt: Annotated[str, f.text(255)]
    lines: Annotated[list[Annotated[str, f.text(80)]], f.items(max_items=6)] = []
    background: f.Colour = "#1f3a5f"
    foreground: f.Colour = "#ffffff"
    width: Annotated[int, f.whole(ge=200, le=2400)] = 1200
    height: Annotated[int, f.whole(ge=100, le=2400)] = 630

    @property
    def shown_lines(self) -> tuple[str, ...]:
        return tuple(self.lines) or (self.title,)


# --- lesson bodies: one model per block of ``LessonBodyBlock`` --------------------------------


class Paragraph(Entry):
    type: Literal["paragraph"]
    html: Annotated[str, f.text(20000), f.rich_text(f.PARAGRAPH_TAGS)]

    def stream_value(self) -> Any:
        return self.html


class Callout(Entry):
    type: Literal["callout"]
    kind: Literal["tip", "warning", "figure"] = "tip"
    title: Annotated[str, f.text(120)]
    text: Annotated[str, f.text(2000), f.rich_text(f.CALLOUT_TAGS)]

    def stream_value(self) -> Any:
        return {"kind": self.kind, "title": self.title, "text": self.text}


class DoDont(Entry):
    type: Literal["do_dont"]
    title: Annotated[str, f.text(120, required=False)] = ""
    dos: Annotated[list[Annotated[str, f.text(250)]], f.items(min_items=1, max_items=12)]
    donts: Annotated[list[Annotated[str, f.text(250)]], f.items(min_items=1, max_items=12)]

    def stream_value(self) -> Any:
        return {"title": self.title, "dos": list(self.dos), "donts": list(self.donts)}


class SocialPost(Entry):
    type: Literal["social_post"]
    network: Annotated[str, f.text(20), f.one_of(NETWORKS)]
    author: Annotated[str, f.text(80)]
    author_title: Annotated[str, f.text(120, required=False)] = ""
    text: Annotated[str, f.text(3000)]
    image: ImageSpec | None = None
    link_url: Annotated[str, f.text(200, required=False), f.https_url()] = ""
    verdict: Literal["good", "bad", "neutral"]
    comment: Annotated[str, f.text(1000, required=False)] = ""

    def stream_value(self) -> Any:
        # The image stays an ImageSpec here: the upsert draws it and puts the image's id.
        return self.model_dump(exclude={"type", "image"}) | {"image": self.image}


class Image(Entry):
    type: Literal["image"]
    image: ImageSpec
    caption: Annotated[str, f.text(250, required=False)] = ""

    def stream_value(self) -> Any:
        return {"image": self.image, "caption": self.caption}


class Video(Entry):
    """The URL is stored as is: Wagtail fetches the embed when the page renders and renders
    nothing if the provider cannot be reached, so an offline import still works."""

    type: Literal["video"]
    url: Annotated[str, f.text(200), f.https_url(f.VIDEO_HOSTS)]
    caption: Annotated[str, f.text(250, required=False)] = ""

    def stream_value(self) -> Any:
        return {"video": self.url, "caption": self.caption}


Block = Annotated[Paragraph | Callout | DoDont | SocialPost | Image | Video, Field(discriminator="type")]


class Lesson(Entry):
    slug: f.Slug
    title: Title
    intro: Annotated[str, f.text(300, required=False)] = ""
    estimated_minutes: Annotated[int, f.whole(ge=1, le=600)] = 5
    body: Annotated[list[Block], f.items(min_items=1)]

    def stream_data(self) -> list[dict[str, Any]]:
        """The body as raw stream data; image blocks hold an ImageSpec until the upsert."""
        return [{"type": block.type, "value": block.stream_value()} for block in self.body]


# --- the question bank: one model per question type ------------------------------------------


class Question(Entry):
    type: str  # a key of ``QUESTION_TYPES``, a ``Literal`` in each subtype
    key: Annotated[str, f.text(80)]
    prompt: Annotated[str, f.text(2000)]
    explanation: Annotated[str, f.text(2000, required=False)] = ""
    category: Annotated[str, f.text(120, required=False)] = ""
    points: Annotated[Decimal, f.AS_DECIMAL, Field(ge=Decimal("0.01"), le=Decimal("100"))] = Decimal("1")
    tags: list[Annotated[str, f.text(100)]] = []

    @property
    def image(self) -> ImageSpec | None:
        return None

    def model_values(self) -> dict[str, Any]:
        """The fields of the question's own model (the type's), as the model stores them."""
        raise NotImplementedError


class Choice(Entry):
    text: Annotated[str, f.text(500)]
    correct: f.Flag = False
    feedback: Annotated[str, f.text(500, required=False)] = ""


Choices = Annotated[list[Choice], f.items(min_items=2, max_items=10)]


def _choices_stream(choices: list[Choice]) -> str:
    return json.dumps([{"type": "choice", "value": choice.model_dump()} for choice in choices])


class SingleChoice(Question):
    type: Literal["single_choice"]
    choices: Choices

    @field_validator("choices")
    @classmethod
    def _one_correct(cls, choices: list[Choice]) -> list[Choice]:
        correct = sum(choice.correct for choice in choices)
        if correct != 1:
            raise ValueError(f"mark exactly one choice as correct (found {correct})")
        return choices

    def model_values(self) -> dict[str, Any]:
        return {"choices": _choices_stream(self.choices)}


class MultipleChoice(Question):
    type: Literal["multiple_choice"]
    choices: Choices

    @field_validator("choices")
    @classmethod
    def _some_correct(cls, choices: list[Choice]) -> list[Choice]:
        if not any(choice.correct for choice in choices):
            raise ValueError("mark at least one choice as correct")
        return choices

    def model_values(self) -> dict[str, Any]:
        return {"choices": _choices_stream(self.choices)}


class TrueFalse(Question):
    type: Literal["true_false"]
    answer: f.Flag
    feedback_true: Annotated[str, f.text(500)]
    feedback_false: Annotated[str, f.text(500)]

    def model_values(self) -> dict[str, Any]:
        return {
            "correct_answer": self.answer,
            "feedback_true": self.feedback_true,
            "feedback_false": self.feedback_false,
        }


class Ordering(Question):
    type: Literal["ordering"]
    items: Annotated[list[Annotated[str, f.text(500)]], f.items(min_items=2, max_items=10)]

    def model_values(self) -> dict[str, Any]:
        return {"items": json.dumps([{"type": "item", "value": item} for item in self.items])}


class Post(Entry):
    author: Annotated[str, f.text(80)]
    author_title: Annotated[str, f.text(120, required=False)] = ""
    network: Annotated[str, f.text(20), f.one_of(NETWORKS)]
    text: Annotated[str, f.text(3000)]
    image: ImageSpec | None = None


class Feedback(Entry):
    """The feedback of each action (``PostScenarioQuestion.ACTIONS``)."""

    share_as_is: Annotated[str, f.text(600)]
    share_after_change: Annotated[str, f.text(600)]
    dont_share: Annotated[str, f.text(600)]


class PostScenario(Question):
    type: Literal["post_scenario"]
    post: Post
    correct_action: Annotated[str, f.text(24), f.one_of(ACTIONS)]
    policy_clause: Annotated[str, f.text(200)]

    @field_validator("policy_clause")
    @classmethod
    def _anchors(cls, value: str) -> str:
        anchors = cited_anchors(value)
        if not anchors or not all(ANCHOR_RE.match(anchor) for anchor in anchors):
            raise ValueError("give the anchors of the policy clauses cited, comma-separated (e.g. 'transparence')")
        return ",".join(anchors)

    feedback: Feedback

    @property
    def image(self) -> ImageSpec | None:
        return self.post.image

    def model_values(self) -> dict[str, Any]:
        return {
            "post_author": self.post.author,
            "post_author_title": self.post.author_title,
            "post_network": self.post.network,
            "post_text": self.post.text,
            "correct_action": self.correct_action,
            "policy_clause": self.policy_clause,
            "feedback_share_as_is": self.feedback.share_as_is,
            "feedback_share_after_change": self.feedback.share_after_change,
            "feedback_dont_share": self.feedback.dont_share,
        }


AnyQuestion = Annotated[
    SingleChoice | MultipleChoice | TrueFalse | Ordering | PostScenario, Field(discriminator="type")
]


# --- the course, its quiz, the file --------------------------------------------------------


class Category(Entry):
    name: Annotated[str, f.text(120)]
    description: Annotated[str, f.text(2000, required=False)] = ""


class Slot(Entry):
    """A fixed question (``question``, a key of the file) or ``count`` drawn from ``category``."""

    question: Annotated[str, f.text(80)] | None = None
    category: Annotated[str, f.text(120)] | None = None
    count: Annotated[int, f.whole(ge=1, le=100)] | None = None

    @model_validator(mode="after")
    def _question_or_category(self) -> Slot:
        if (self.question is None) == (self.category is None):
            raise ValueError("give either a question key or a category, not both")
        if self.question is not None and self.count is not None:
            raise ValueError("count only applies to a category draw")
        return self

    @property
    def draws(self) -> int:
        return self.count or 1


class Quiz(Entry):
    slug: f.Slug
    title: Title
    intro: Annotated[str, f.text(20000, required=False), f.rich_text(f.PARAGRAPH_TAGS)] = ""
    pass_mark: Annotated[Decimal, f.AS_DECIMAL, Field(ge=Decimal(0), le=Decimal(100))] = Decimal(80)
    max_attempts: Annotated[int, f.whole(ge=0, le=100)] = 3
    time_limit_minutes: Annotated[int, f.whole(ge=1, le=600)] | None = None
    delay_between_attempts_minutes: Annotated[int, f.whole(ge=0, le=100000)] = 0
    review_policy: Annotated[str, f.text(20), f.one_of(QuizPage.ReviewPolicy.values)] = (
        QuizPage.ReviewPolicy.RIGHT_OR_WRONG.value
    )
    shuffle_questions: f.Flag = True
    slots: Annotated[list[Slot], f.items(min_items=1, max_items=100)]


class Course(Entry):
    slug: f.Slug
    title: Title
    language: Annotated[str, f.text(8), f.one_of(LANGUAGES)]
    summary: Annotated[str, f.text(600)]
    level: Annotated[str, f.text(20), f.one_of(CoursePage.Level.values)] = CoursePage.Level.BEGINNER.value
    estimated_minutes: Annotated[int, f.whole(ge=1, le=600)] = 15
    tags: list[Annotated[str, f.text(100)]] = []
    cover: ImageSpec | None = None


class CourseFile(Entry):
    """One course in one language: the page, its lessons in order, its final quiz, the
    question categories it brings and its questions."""

    course: Course
    lessons: Annotated[list[Lesson], f.items(min_items=1)]
    categories: list[Category] = []
    questions: list[AnyQuestion] = []
    quiz: Quiz | None = None
