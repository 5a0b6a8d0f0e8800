"""Build courses from plain data: the demo fixtures, or any file in the same shape.

One data set (what ``tomllib`` returns for one ``fixtures/courses/*.toml`` file) describes one
course in one language: the course page, its lessons in order, its final quiz with slots, the
question categories it brings and its questions. The format is documented in
``fixtures/README.md``.

The whole input is checked before anything is written: a wrong type, an unknown key, a
missing field or a dangling reference raises ``CourseDataError`` (a ``ValueError``) whose
message names the source and the entry, e.g. ``policy.fr.toml: questions[3] (key 'pe-tag'):
choices: mark exactly one choice as correct``.

Identity, so that importing twice changes nothing:

- pages by slug under their parent (the catalogue, then the course);
- categories by name;
- questions by (language, prompt) — the model has no stable key, and a prompt is what an
  editor recognises; the ``key`` in the data only links quiz slots to questions of the file;
- generated images by title.

Pages are published through ``save_revision().publish()`` only when something changed, so a
second import adds no revision either. Nothing is ever deleted: a page, question or category
missing from the data is left as it is (an editor may have added it on purpose).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.text import slugify
from wagtail.images import get_image_model
from wagtail.models import Collection, Page

from courses.blocks import NETWORK_CHOICES, LessonBodyBlock
from courses.models import (
    QUESTION_TYPES,
    CourseIndexPage,
    CoursePage,
    LessonPage,
    PostScenarioQuestion,
    Question,
    QuestionCategory,
    QuizPage,
    QuizSlot,
)
from courses.models.pages import LANGUAGE_CHOICES


class CourseDataError(ValueError):
    """The data does not describe a valid course; the message names the file and the entry."""


# --- reading and checking ------------------------------------------------------------------

LANGUAGES = {code for code, _label in LANGUAGE_CHOICES}
NETWORKS = {code for code, _label in NETWORK_CHOICES}
LEVELS = set(CoursePage.Level.values)
REVIEW_POLICIES = set(QuizPage.ReviewPolicy.values)
ACTIONS = {action for action, _label in PostScenarioQuestion.ACTIONS}
CALLOUT_KINDS = {"tip", "warning", "figure"}
VERDICTS = {"good", "bad", "neutral"}
VIDEO_HOSTS = {"youtube.com", "www.youtube.com", "youtu.be", "vimeo.com", "www.vimeo.com", "ted.com", "www.ted.com"}
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

# Wagtail stores rich text as HTML in its "database format"; these are the tags the editor's
# features produce (RICH_TEXT_FEATURES, and bold/italic/link for callouts), so imported text
# stays editable in the admin.
PARAGRAPH_TAGS = {"p", "h2", "h3", "b", "i", "ol", "ul", "li", "a", "hr", "br"}
CALLOUT_TAGS = {"p", "b", "i", "a", "br"}


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.bad_links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if urlsplit(href).scheme not in {"https", "http", "mailto"}:
                self.bad_links.append(href)


class _Entry:
    """A table of the input, with the path used in error messages."""

    def __init__(self, data: Any, where: str, source: str) -> None:
        self.source = source
        self.where = where
        if not isinstance(data, Mapping):
            self.fail(f"expected a table, got {type(data).__name__}")
        self.data: Mapping[str, Any] = data

    def fail(self, message: str, key: str | None = None) -> None:
        where = f"{self.where}.{key}" if key else self.where
        raise CourseDataError(f"{self.source}: {where}: {message}")

    def only(self, *allowed: str) -> None:
        unknown = sorted(set(self.data) - set(allowed))
        if unknown:
            self.fail(f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(allowed)}")

    def has(self, key: str) -> bool:
        return key in self.data

    def text(self, key: str, *, required: bool = True, max_length: int | None = None, default: str = "") -> str:
        if key not in self.data:
            if required:
                self.fail("is required", key)
            return default
        value = self.data[key]
        if not isinstance(value, str):
            self.fail(f"expected text, got {type(value).__name__}", key)
        value = value.strip()
        if required and not value:
            self.fail("must not be empty", key)
        if max_length is not None and len(value) > max_length:
            self.fail(f"is {len(value)} characters long; the limit is {max_length}", key)
        return value

    def choice(self, key: str, allowed: set[str], *, default: str | None = None) -> str:
        value = self.text(key, required=default is None, default=default or "")
        if value not in allowed:
            self.fail(f"{value!r} is not one of {', '.join(sorted(allowed))}", key)
        return value

    def integer(self, key: str, *, minimum: int, maximum: int, default: int | None = None) -> int | None:
        if key not in self.data:
            return default
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"expected a whole number, got {type(value).__name__}", key)
        if not minimum <= value <= maximum:
            self.fail(f"must be between {minimum} and {maximum}, got {value}", key)
        return value

    def decimal(self, key: str, *, minimum: Decimal, maximum: Decimal, default: Decimal) -> Decimal:
        if key not in self.data:
            return default
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.fail(f"expected a number, got {type(value).__name__}", key)
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.fail(f"expected a number, got {value!r}", key)
        if not minimum <= number <= maximum:
            self.fail(f"must be between {minimum} and {maximum}, got {number}", key)
        return number

    def boolean(self, key: str, *, default: bool | None = None) -> bool:
        if key not in self.data:
            if default is None:
                self.fail("is required (true or false)", key)
            return bool(default)
        value = self.data[key]
        if not isinstance(value, bool):
            self.fail(f"expected true or false, got {type(value).__name__}", key)
        return value

    def texts(
        self, key: str, *, required: bool = True, max_length: int, min_items: int = 0, max_items: int = 100
    ) -> list[str]:
        if key not in self.data:
            if required:
                self.fail("is required", key)
            return []
        values = self.data[key]
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            self.fail("expected a list of non-empty texts", key)
        if not min_items <= len(values) <= max_items:
            self.fail(f"needs between {min_items} and {max_items} items, got {len(values)}", key)
        for value in values:
            if len(value) > max_length:
                self.fail(f"item {value[:30]!r}… is longer than {max_length} characters", key)
        return [v.strip() for v in values]

    def table(self, key: str, *, required: bool = True) -> _Entry | None:
        if key not in self.data:
            if required:
                self.fail("is required", key)
            return None
        return _Entry(self.data[key], f"{self.where}.{key}" if self.where else key, self.source)

    def tables(self, key: str, *, min_items: int = 0) -> list[_Entry]:
        values = self.data.get(key, [])
        if not isinstance(values, list):
            self.fail("expected an array of tables", key)
        if len(values) < min_items:
            self.fail(f"needs at least {min_items} entries, got {len(values)}", key)
        prefix = f"{self.where}.{key}" if self.where else key
        return [_Entry(value, f"{prefix}[{i}]", self.source) for i, value in enumerate(values)]

    def html(self, key: str, *, allowed_tags: set[str], max_length: int = 20000) -> str:
        value = self.text(key, max_length=max_length)
        parser = _TagCollector()
        parser.feed(value)
        extra = parser.tags - allowed_tags
        if extra:
            self.fail(f"uses tag(s) {', '.join(sorted(extra))}; allowed: {', '.join(sorted(allowed_tags))}", key)
        if parser.bad_links:
            self.fail(f"link {parser.bad_links[0]!r} is not an http(s) or mailto address", key)
        if not value.startswith("<"):
            value = f"<p>{value}</p>"
        return value

    def url(self, key: str, *, required: bool = True, hosts: set[str] | None = None) -> str:
        value = self.text(key, required=required, max_length=200)
        if not value:
            return ""
        parts = urlsplit(value)
        if parts.scheme != "https" or not parts.netloc:
            self.fail(f"{value!r} is not an https URL", key)
        if hosts is not None and parts.hostname not in hosts:
            self.fail(f"{value!r}: the host must be one of {', '.join(sorted(hosts))}", key)
        return value


@dataclass(frozen=True)
class ImageSpec:
    """A PNG drawn at import time: a colour, a few lines of text. No binary file in the repo."""

    title: str
    alt: str
    lines: tuple[str, ...]
    background: str
    foreground: str
    width: int
    height: int


@dataclass
class LessonSpec:
    slug: str
    title: str
    intro: str
    estimated_minutes: int
    body: list[dict[str, Any]]  # raw stream data; image blocks hold an ImageSpec until written


@dataclass
class QuestionSpec:
    key: str
    type: str
    prompt: str
    explanation: str
    category: str
    points: Decimal
    tags: list[str]
    fields: dict[str, Any]
    image: ImageSpec | None = None
    where: str = ""


@dataclass
class SlotSpec:
    question_key: str = ""
    category: str = ""
    count: int = 1


@dataclass
class QuizSpec:
    slug: str
    title: str
    intro: str
    pass_mark: Decimal
    max_attempts: int
    time_limit_minutes: int | None
    delay_between_attempts_minutes: int
    review_policy: str
    shuffle_questions: bool
    slots: list[SlotSpec]


@dataclass
class CourseSpec:
    slug: str
    title: str
    language: str
    summary: str
    level: str
    estimated_minutes: int
    tags: list[str]
    cover: ImageSpec | None
    lessons: list[LessonSpec]
    quiz: QuizSpec | None
    categories: dict[str, str] = field(default_factory=dict)  # name -> description
    questions: list[QuestionSpec] = field(default_factory=list)


def _image_spec(entry: _Entry) -> ImageSpec:
    entry.only("title", "alt", "lines", "background", "foreground", "width", "height")
    background = entry.text("background", default="#1f3a5f", required=False) or "#1f3a5f"
    foreground = entry.text("foreground", default="#ffffff", required=False) or "#ffffff"
    for key, colour in (("background", background), ("foreground", foreground)):
        if not COLOUR.match(colour):
            entry.fail(f"{colour!r} is not a colour like #1f3a5f", key)
    title = entry.text("title", max_length=255)
    return ImageSpec(
        title=title,
        alt=entry.text("alt", max_length=255),
        lines=tuple(entry.texts("lines", required=False, max_length=80, max_items=6)) or (title,),
        background=background,
        foreground=foreground,
        width=entry.integer("width", minimum=200, maximum=2400, default=1200) or 1200,
        height=entry.integer("height", minimum=100, maximum=2400, default=630) or 630,
    )


def _block(entry: _Entry) -> dict[str, Any]:
    kind = entry.choice("type", set(LessonBodyBlock.base_blocks))
    if kind == "paragraph":
        entry.only("type", "html")
        return {"type": kind, "value": entry.html("html", allowed_tags=PARAGRAPH_TAGS)}
    if kind == "callout":
        entry.only("type", "kind", "title", "text")
        return {
            "type": kind,
            "value": {
                "kind": entry.choice("kind", CALLOUT_KINDS, default="tip"),
                "title": entry.text("title", max_length=120),
                "text": entry.html("text", allowed_tags=CALLOUT_TAGS, max_length=2000),
            },
        }
    if kind == "do_dont":
        entry.only("type", "title", "dos", "donts")
        return {
            "type": kind,
            "value": {
                "title": entry.text("title", required=False, max_length=120),
                "dos": entry.texts("dos", max_length=250, min_items=1, max_items=12),
                "donts": entry.texts("donts", max_length=250, min_items=1, max_items=12),
            },
        }
    if kind == "social_post":
        entry.only("type", "network", "author", "author_title", "text", "image", "link_url", "verdict", "comment")
        image = entry.table("image", required=False)
        return {
            "type": kind,
            "value": {
                "network": entry.choice("network", NETWORKS),
                "author": entry.text("author", max_length=80),
                "author_title": entry.text("author_title", required=False, max_length=120),
                "text": entry.text("text", max_length=3000),
                "image": _image_spec(image) if image else None,
                "link_url": entry.url("link_url", required=False),
                "verdict": entry.choice("verdict", VERDICTS),
                "comment": entry.text("comment", required=False, max_length=1000),
            },
        }
    if kind == "image":
        entry.only("type", "image", "caption")
        image = entry.table("image")
        assert image is not None
        return {
            "type": kind,
            "value": {"image": _image_spec(image), "caption": entry.text("caption", required=False, max_length=250)},
        }
    # video: the URL is stored as is. Wagtail fetches the embed when the page renders and
    # renders nothing if the provider cannot be reached, so an offline import still works.
    entry.only("type", "url", "caption")
    return {
        "type": kind,
        "value": {
            "video": entry.url("url", hosts=VIDEO_HOSTS),
            "caption": entry.text("caption", required=False, max_length=250),
        },
    }


def _choices(entry: _Entry, qtype: str) -> dict[str, Any]:
    choices = entry.tables("choices", min_items=2)
    if len(choices) > 10:
        entry.fail("has more than 10 choices", "choices")
    values = []
    for choice in choices:
        choice.only("text", "correct", "feedback")
        values.append(
            {
                "text": choice.text("text", max_length=500),
                "correct": choice.boolean("correct", default=False),
                "feedback": choice.text("feedback", required=False, max_length=500),
            }
        )
    correct = sum(1 for v in values if v["correct"])
    if qtype == "single_choice" and correct != 1:
        entry.fail(f"mark exactly one choice as correct (found {correct})", "choices")
    if qtype == "multiple_choice" and correct < 1:
        entry.fail("mark at least one choice as correct", "choices")
    return {"choices": json.dumps([{"type": "choice", "value": v} for v in values])}


def _question(entry: _Entry) -> QuestionSpec:
    common = ("key", "type", "prompt", "explanation", "category", "points", "tags")
    qtype = entry.choice("type", set(QUESTION_TYPES))
    key = entry.text("key", max_length=80)
    entry.where = f"{entry.where} (key {key!r})"
    fields: dict[str, Any] = {}
    image = None
    if qtype in {"single_choice", "multiple_choice"}:
        entry.only(*common, "choices")
        fields = _choices(entry, qtype)
    elif qtype == "true_false":
        entry.only(*common, "answer", "feedback_true", "feedback_false")
        fields = {
            "correct_answer": entry.boolean("answer"),
            "feedback_true": entry.text("feedback_true", max_length=500),
            "feedback_false": entry.text("feedback_false", max_length=500),
        }
    elif qtype == "ordering":
        entry.only(*common, "items")
        items = entry.texts("items", max_length=500, min_items=2, max_items=10)
        fields = {"items": json.dumps([{"type": "item", "value": item} for item in items])}
    elif qtype == "post_scenario":
        entry.only(*common, "post", "correct_action", "policy_clause", "feedback")
        post = entry.table("post")
        feedback = entry.table("feedback")
        assert post is not None and feedback is not None
        post.only("author", "author_title", "network", "text", "image")
        feedback.only(*sorted(ACTIONS))
        post_image = post.table("image", required=False)
        image = _image_spec(post_image) if post_image else None
        fields = {
            "post_author": post.text("author", max_length=80),
            "post_author_title": post.text("author_title", required=False, max_length=120),
            "post_network": post.choice("network", NETWORKS),
            "post_text": post.text("text", max_length=3000),
            "correct_action": entry.choice("correct_action", ACTIONS),
            "policy_clause": entry.text("policy_clause", max_length=200),
            "feedback_share_as_is": feedback.text(PostScenarioQuestion.SHARE_AS_IS, max_length=600),
            "feedback_share_after_change": feedback.text(PostScenarioQuestion.SHARE_AFTER_CHANGE, max_length=600),
            "feedback_dont_share": feedback.text(PostScenarioQuestion.DONT_SHARE, max_length=600),
        }
    return QuestionSpec(
        key=key,
        type=qtype,
        prompt=entry.text("prompt", max_length=2000),
        explanation=entry.text("explanation", required=False, max_length=2000),
        category=entry.text("category", required=False, max_length=120),
        points=entry.decimal("points", minimum=Decimal("0.01"), maximum=Decimal("100"), default=Decimal("1")),
        tags=entry.texts("tags", required=False, max_length=100),
        fields=fields,
        image=image,
        where=entry.where,
    )


def parse_course_data(data: Mapping[str, Any], *, source: str = "<data>") -> CourseSpec:
    """Check ``data`` and turn it into a ``CourseSpec``. Pure: reads no database.

    Raises ``CourseDataError`` naming ``source`` and the entry at the first problem.
    """
    root = _Entry(data, "", source)
    root.only("course", "lessons", "quiz", "categories", "questions")
    course = root.table("course")
    assert course is not None
    course.only("slug", "title", "language", "summary", "level", "estimated_minutes", "tags", "cover")
    language = course.choice("language", LANGUAGES)
    slug = course.text("slug", max_length=255)
    if slugify(slug) != slug:
        course.fail(f"{slug!r} is not a slug (lower case letters, digits and hyphens)", "slug")
    cover = course.table("cover", required=False)
    spec = CourseSpec(
        slug=slug,
        title=course.text("title", max_length=255),
        language=language,
        summary=course.text("summary", max_length=600),
        level=course.choice("level", LEVELS, default=CoursePage.Level.BEGINNER),
        estimated_minutes=course.integer("estimated_minutes", minimum=1, maximum=600, default=15) or 15,
        tags=course.texts("tags", required=False, max_length=100),
        cover=_image_spec(cover) if cover else None,
        lessons=[],
        quiz=None,
    )

    slugs: set[str] = set()
    for lesson in root.tables("lessons", min_items=1):
        lesson.only("slug", "title", "intro", "estimated_minutes", "body")
        lesson_slug = lesson.text("slug", max_length=255)
        if slugify(lesson_slug) != lesson_slug or lesson_slug in slugs:
            lesson.fail(f"{lesson_slug!r} must be a slug, unique within the course", "slug")
        slugs.add(lesson_slug)
        spec.lessons.append(
            LessonSpec(
                slug=lesson_slug,
                title=lesson.text("title", max_length=255),
                intro=lesson.text("intro", required=False, max_length=300),
                estimated_minutes=lesson.integer("estimated_minutes", minimum=1, maximum=600, default=5) or 5,
                body=[_block(block) for block in lesson.tables("body", min_items=1)],
            )
        )

    for category in root.tables("categories"):
        category.only("name", "description")
        name = category.text("name", max_length=120)
        if name in spec.categories:
            category.fail(f"category {name!r} is declared twice", "name")
        spec.categories[name] = category.text("description", required=False, max_length=2000)

    keys: set[str] = set()
    prompts: set[str] = set()
    for entry in root.tables("questions"):
        question = _question(entry)
        if question.key in keys:
            entry.fail("this key is already used by another question of the file", "key")
        if question.prompt in prompts:
            entry.fail("another question of the file has the same prompt (prompts identify questions)", "prompt")
        keys.add(question.key)
        prompts.add(question.prompt)
        spec.questions.append(question)

    quiz = root.table("quiz", required=False)
    if quiz is not None:
        quiz.only(
            "slug", "title", "intro", "pass_mark", "max_attempts", "time_limit_minutes",
            "delay_between_attempts_minutes", "review_policy", "shuffle_questions", "slots",
        )  # fmt: skip
        quiz_slug = quiz.text("slug", max_length=255)
        if slugify(quiz_slug) != quiz_slug or quiz_slug in slugs:
            quiz.fail(f"{quiz_slug!r} must be a slug, different from the lessons' slugs", "slug")
        slots = []
        for slot in quiz.tables("slots", min_items=1):
            slot.only("question", "category", "count")
            if slot.has("question") == slot.has("category"):
                slot.fail("give either a question key or a category, not both")
            if slot.has("question"):
                key = slot.text("question")
                if key not in keys:
                    slot.fail(f"no question with key {key!r} in this file", "question")
                if slot.has("count"):
                    slot.fail("count only applies to a category draw", "count")
                slots.append(SlotSpec(question_key=key))
            else:
                slots.append(
                    SlotSpec(
                        category=slot.text("category", max_length=120),
                        count=slot.integer("count", minimum=1, maximum=100, default=1) or 1,
                    )
                )
        spec.quiz = QuizSpec(
            slug=quiz_slug,
            title=quiz.text("title", max_length=255),
            intro=quiz.html("intro", allowed_tags=PARAGRAPH_TAGS) if quiz.has("intro") else "",
            pass_mark=quiz.decimal("pass_mark", minimum=Decimal("0"), maximum=Decimal("100"), default=Decimal("80")),
            max_attempts=quiz.integer("max_attempts", minimum=0, maximum=100, default=3) or 0,
            time_limit_minutes=quiz.integer("time_limit_minutes", minimum=1, maximum=600),
            delay_between_attempts_minutes=quiz.integer(
                "delay_between_attempts_minutes", minimum=0, maximum=100000, default=0
            )
            or 0,
            review_policy=quiz.choice("review_policy", REVIEW_POLICIES, default=QuizPage.ReviewPolicy.RIGHT_OR_WRONG),
            shuffle_questions=quiz.boolean("shuffle_questions", default=True),
            slots=slots,
        )
    return spec


# --- writing -------------------------------------------------------------------------------


# Scalable fonts with accents and typographic punctuation, looked up in the system font
# directories; Pillow's built-in font is the last resort (it lacks "é" and "—").
FONT_CANDIDATES = {
    True: ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf", "arialbd.ttf"),
    False: ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf", "arial.ttf"),
}


def _font(size: int, *, bold: bool) -> Any:
    from PIL import ImageFont

    for name in FONT_CANDIDATES[bold]:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType: fixed-size bitmap font
        return ImageFont.load_default()


def _draw_png(spec: ImageSpec) -> bytes:
    """A flat colour card with centred lines of text (the first line large and bold)."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    canvas = PILImage.new("RGB", (spec.width, spec.height), spec.background)
    draw = ImageDraw.Draw(canvas)
    # A thin band in the text colour gives the card a little structure.
    band = max(4, spec.height // 60)
    draw.rectangle([0, spec.height - band * 3, spec.width, spec.height - band * 2], fill=spec.foreground)
    boxes = []
    for index, line in enumerate(spec.lines):
        size = max(18, spec.height // 7) if index == 0 else max(14, spec.height // 14)
        font = _fit(draw, line, _font(size, bold=index == 0), spec.width - 80)
        left, top, right, bottom = draw.textbbox((0, 0), line, font=font)
        boxes.append((line, font, left, top, right - left, bottom - top))
    gap = max(10, spec.height // 20)
    total = sum(box[5] for box in boxes) + gap * (len(boxes) - 1)
    y = (spec.height - total) // 2
    for line, font, left, top, width, height in boxes:
        draw.text(((spec.width - width) // 2 - left, y - top), line, font=font, fill=spec.foreground)
        y += height + gap
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _fit(draw: Any, line: str, font: Any, width: int) -> Any:
    """Shrink a scalable font until ``line`` fits in ``width`` pixels."""
    size = getattr(font, "size", None)
    while size and size > 12 and draw.textlength(line, font=font) > width:
        size -= 2
        font = font.font_variant(size=size)
    return font


def _image_ensure(spec: ImageSpec, collection: Collection) -> Any:
    """The library image titled ``spec.title``, drawn and stored the first time only."""
    image_model = get_image_model()
    image = image_model.objects.filter(title=spec.title).order_by("pk").first()
    if image is not None:
        return image
    name = f"{slugify(spec.title)[:80] or 'image'}.png"
    image = image_model(title=spec.title, description=spec.alt, collection=collection)
    image.file = ImageFile(io.BytesIO(_draw_png(spec)), name=name)
    image.save()
    return image


def _image_value(spec: ImageSpec, collection: Collection) -> dict[str, Any]:
    image = _image_ensure(spec, collection)
    return {"image": image.pk, "alt_text": spec.alt, "decorative": False}


def _resolve_body(body: list[dict[str, Any]], collection: Collection) -> str:
    """Raw stream data as JSON, with image specs replaced by ImageBlock values."""
    resolved = []
    for block in body:
        value = dict(block["value"]) if isinstance(block["value"], dict) else block["value"]
        if block["type"] in {"image", "social_post"} and isinstance(value, dict):
            spec = value.get("image")
            value["image"] = _image_value(spec, collection) if spec else None
        resolved.append({"type": block["type"], "value": value})
    return json.dumps(resolved)


def _stream_prep(field_owner: Any, name: str, raw: Any) -> Any:
    """Comparable form of a StreamField value: its JSON data without the block ids."""
    stream_field = field_owner._meta.get_field(name)
    value = stream_field.to_python(raw) if isinstance(raw, str) else raw
    return _strip_ids(stream_field.get_prep_value(value))


def _strip_ids(data: Any) -> Any:
    if isinstance(data, list):
        return [_strip_ids(item) for item in data]
    if isinstance(data, dict):
        return {k: _strip_ids(v) for k, v in data.items() if k != "id"}
    return data


def _assign(obj: Any, values: dict[str, Any], stream_fields: tuple[str, ...] = ()) -> bool:
    """Set ``values`` on ``obj``; return whether anything differed."""
    changed = False
    for name, value in values.items():
        if name in stream_fields:
            if _stream_prep(obj, name, getattr(obj, name)) != _stream_prep(obj, name, value):
                setattr(obj, name, value)
                changed = True
        elif getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _tags_assign(obj: Any, names: list[str]) -> bool:
    current = {tag.name for tag in obj.tags.all()}
    if current == set(names):
        return False
    obj.tags.set(names, clear=True)
    return True


def _page_upsert(
    parent: Page, model: type[Page], slug: str, values: dict[str, Any], where: str, stream_fields: tuple[str, ...] = ()
):
    """The child of ``parent`` with ``slug``, created or updated; returns (page, is_new, changed)."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is None:
        return model(slug=slug, **values), True, True
    page = existing.specific
    if not isinstance(page, model):
        raise CourseDataError(
            f"{where}: the page {slug!r} already exists as a {type(page).__name__}, not a {model.__name__}"
        )
    return page, False, _assign(page, values, stream_fields)


def _publish(parent: Page, page: Page, is_new: bool, changed: bool) -> Page:
    if is_new:
        parent.add_child(instance=page)
    if is_new or changed or not page.live or page.has_unpublished_changes:
        page.save_revision().publish()
    return page


def _question_upsert(
    spec: QuestionSpec, language: str, categories: dict[str, QuestionCategory], collection: Collection, source: str
) -> Question:
    model = QUESTION_TYPES[spec.type]
    values: dict[str, Any] = {
        "explanation": spec.explanation,
        "category": categories.get(spec.category) if spec.category else None,
        "points": spec.points,
        **spec.fields,
    }
    if spec.type == "post_scenario":
        values["post_image"] = _image_ensure(spec.image, collection) if spec.image else None
    existing = Question.objects.filter(language=language, prompt=spec.prompt).order_by("pk").first()
    if existing is None:
        question = model(language=language, prompt=spec.prompt, **values)
        changed = True
    else:
        if not isinstance(existing, model):
            raise CourseDataError(
                f"{source}: {spec.where}: a {type(existing).__name__} with the same prompt already exists; "
                f"change the prompt to create a {model.__name__}"
            )
        question = existing
        stream_fields = tuple(name for name in ("choices", "items") if name in spec.fields)
        changed = _assign(question, values, stream_fields)
    changed = _tags_assign(question, spec.tags) or changed
    if changed:
        question.full_clean()
        question.save()
    return question


def _slots_assign(
    quiz: QuizPage, slots: list[SlotSpec], questions: dict[str, Question], categories: dict[str, QuestionCategory]
) -> bool:
    """Make the quiz's slots match ``slots``, reusing the existing rows position by position."""
    existing = list(quiz.slots.all())
    wanted = [
        (
            questions[s.question_key].pk if s.question_key else None,
            categories[s.category].pk if s.category else None,
            s.count,
        )
        for s in slots
    ]
    current = [(slot.question_id, slot.category_id, slot.count) for slot in existing]
    if current == wanted:
        return False
    rows = []
    for position, (question_id, category_id, count) in enumerate(wanted):
        slot = existing[position] if position < len(existing) else QuizSlot()
        slot.question_id, slot.category_id, slot.count, slot.sort_order = question_id, category_id, count, position
        rows.append(slot)
    quiz.slots = rows  # type: ignore[assignment]
    return True


def _order_children(course: CoursePage, wanted: list[int]) -> None:
    """Put the lessons (then the quiz) in the order of the data; other pages stay after them."""
    current = list(course.get_children().values_list("pk", flat=True))
    if current[: len(wanted)] == wanted:
        return
    for pk in wanted:
        Page.objects.get(pk=pk).move(Page.objects.get(pk=course.pk), pos="last-child")
    others = [pk for pk in current if pk not in wanted]
    for pk in others:
        Page.objects.get(pk=pk).move(Page.objects.get(pk=course.pk), pos="last-child")


@transaction.atomic
def courses_import(*, data: Mapping[str, Any], index_page: CourseIndexPage, source: str = "<data>") -> list[CoursePage]:
    """Create or update the course described by ``data`` below ``index_page``.

    Side effects: library images (drawn once), question categories, questions, the course
    page, its lesson pages and quiz page with its slots; pages are published. Idempotent: a
    second call with the same data writes nothing and returns the same pages. Raises
    ``CourseDataError`` (a ``ValueError``) before writing anything when the data is invalid,
    or when a slug or prompt is already taken by an object of another type.
    """
    spec = parse_course_data(data, source=source)
    collection = Collection.get_first_root_node()

    categories: dict[str, QuestionCategory] = {}
    for name, description in spec.categories.items():
        category, created = QuestionCategory.objects.get_or_create(name=name, defaults={"description": description})
        if not created and category.description != description:
            category.description = description
            category.save(update_fields=["description"])
        categories[name] = category
    wanted_categories = {q.category for q in spec.questions if q.category}
    if spec.quiz:
        wanted_categories |= {s.category for s in spec.quiz.slots if s.category}
    for name in sorted(wanted_categories - set(categories)):
        category = QuestionCategory.objects.filter(name=name).first()
        if category is None:
            raise CourseDataError(
                f"{source}: category {name!r} is neither declared in [[categories]] nor in the database"
            )
        categories[name] = category

    questions = {q.key: _question_upsert(q, spec.language, categories, collection, source) for q in spec.questions}

    course_values = {
        "title": spec.title,
        "summary": spec.summary,
        "level": spec.level,
        "language": spec.language,
        "estimated_minutes": spec.estimated_minutes,
        "cover_image": _image_ensure(spec.cover, collection) if spec.cover else None,
    }
    course, is_new, changed = _page_upsert(index_page, CoursePage, spec.slug, course_values, f"{source}: course")
    changed = _tags_assign(course, spec.tags) or changed
    course = _publish(index_page, course, is_new, changed)

    children: list[int] = []
    for i, lesson in enumerate(spec.lessons):
        values = {
            "title": lesson.title,
            "intro": lesson.intro,
            "estimated_minutes": lesson.estimated_minutes,
            "body": _resolve_body(lesson.body, collection),
        }
        page, is_new, changed = _page_upsert(
            course, LessonPage, lesson.slug, values, f"{source}: lessons[{i}]", ("body",)
        )
        children.append(_publish(course, page, is_new, changed).pk)

    if spec.quiz is not None:
        quiz_spec = spec.quiz
        for position, slot in enumerate(quiz_spec.slots):
            if slot.category:
                available = categories[slot.category].questions.count()
                if available < slot.count:
                    raise CourseDataError(
                        f"{source}: quiz.slots[{position}]: draws {slot.count} from {slot.category!r}, "
                        f"which holds only {available} questions"
                    )
        values = {
            "title": quiz_spec.title,
            "intro": quiz_spec.intro,
            "pass_mark": quiz_spec.pass_mark,
            "max_attempts": quiz_spec.max_attempts,
            "time_limit_minutes": quiz_spec.time_limit_minutes,
            "delay_between_attempts_minutes": quiz_spec.delay_between_attempts_minutes,
            "review_policy": quiz_spec.review_policy,
            "shuffle_questions": quiz_spec.shuffle_questions,
        }
        quiz, is_new, changed = _page_upsert(course, QuizPage, quiz_spec.slug, values, f"{source}: quiz")
        changed = _slots_assign(quiz, quiz_spec.slots, questions, categories) or changed
        children.append(_publish(course, quiz, is_new, changed).pk)

    _order_children(course, children)
    return [CoursePage.objects.get(pk=course.pk)]
