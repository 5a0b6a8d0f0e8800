"""Write a checked course file (``schema.CourseFile``) to the database.

Identity, so that importing twice changes nothing:

- pages by slug under their parent (the catalogue, then the course);
- categories by name;
- questions by (language, prompt) — the model has no stable key, and a prompt is what an
  editor recognises; the ``key`` in the data only links quiz slots to questions of the file;
- generated images by title (``images``).

Pages are published through ``save_revision().publish()`` only when something changed, so a
second import adds no revision either. Nothing is ever deleted: a page, question or category
missing from the data is left as it is (an editor may have added it on purpose).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from wagtail.models import Collection, Page

from courses.importer.images import image_ensure, image_value
from courses.importer.parse import CourseDataError, parse_course_data
from courses.importer.schema import CourseFile, ImageSpec, Question, Quiz, Slot
from courses.models import QUESTION_TYPES, CourseIndexPage, CoursePage, LessonPage, QuestionCategory, QuizPage, QuizSlot
from courses.models import Question as QuestionModel


def _resolve_body(body: list[dict[str, Any]], collection: Collection) -> str:
    """Raw stream data as JSON, with image specs replaced by ImageBlock values."""
    resolved = []
    for block in body:
        value = dict(block["value"]) if isinstance(block["value"], dict) else block["value"]
        if isinstance(value, dict) and isinstance(value.get("image"), ImageSpec):
            value["image"] = image_value(value["image"], collection)
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
    spec: Question, *, where: str, language: str, categories: dict[str, QuestionCategory], collection: Collection
) -> QuestionModel:
    """The question of the bank with ``spec``'s prompt in ``language``, created or updated."""
    model = QUESTION_TYPES[spec.type]
    own = spec.model_values()
    values: dict[str, Any] = {
        "explanation": spec.explanation,
        "category": categories.get(spec.category) if spec.category else None,
        "points": spec.points,
        **own,
    }
    if spec.type == "post_scenario":
        values["post_image"] = image_ensure(spec.image, collection) if spec.image else None
    existing = QuestionModel.objects.filter(language=language, prompt=spec.prompt).order_by("pk").first()
    if existing is None:
        question = model(language=language, prompt=spec.prompt, **values)
        changed = True
    else:
        if not isinstance(existing, model):
            raise CourseDataError(
                f"{where}: a {type(existing).__name__} with the same prompt already exists; "
                f"change the prompt to create a {model.__name__}"
            )
        question = existing
        stream_fields = tuple(name for name in ("choices", "items") if name in own)
        changed = _assign(question, values, stream_fields)
    changed = _tags_assign(question, list(spec.tags)) or changed
    if changed:
        question.full_clean()
        question.save()
    return question


def _slots_assign(
    quiz: QuizPage,
    slots: list[Slot],
    questions: dict[str, QuestionModel],
    categories: dict[str, QuestionCategory],
) -> bool:
    """Make the quiz's slots match ``slots``, reusing the existing rows position by position."""
    existing = list(quiz.slots.all())
    wanted = [
        (
            questions[s.question].pk if s.question else None,
            categories[s.category].pk if s.category else None,
            s.draws,
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
    quiz.slots = rows
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


def _categories_ensure(spec: CourseFile, source: str) -> dict[str, QuestionCategory]:
    """The categories the file declares (created or updated by name) and those it uses."""
    categories: dict[str, QuestionCategory] = {}
    for declared in spec.categories:
        category, created = QuestionCategory.objects.get_or_create(
            name=declared.name, defaults={"description": declared.description}
        )
        if not created and category.description != declared.description:
            category.description = declared.description
            category.save(update_fields=["description"])
        categories[declared.name] = category
    wanted = {q.category for q in spec.questions if q.category}
    if spec.quiz:
        wanted |= {s.category for s in spec.quiz.slots if s.category}
    for name in sorted(wanted - set(categories)):
        existing = QuestionCategory.objects.filter(name=name).first()
        if existing is None:
            raise CourseDataError(
                f"{source}: category {name!r} is neither declared in [[categories]] nor in the database"
            )
        categories[name] = existing
    return categories


def _course_upsert(spec: CourseFile, index_page: CourseIndexPage, collection: Collection, source: str) -> CoursePage:
    course_spec = spec.course
    values = {
        "title": course_spec.title,
        "summary": course_spec.summary,
        "level": course_spec.level,
        "language": course_spec.language,
        "estimated_minutes": course_spec.estimated_minutes,
        "cover_image": image_ensure(course_spec.cover, collection) if course_spec.cover else None,
    }
    course, is_new, changed = _page_upsert(index_page, CoursePage, course_spec.slug, values, f"{source}: course")
    changed = _tags_assign(course, list(course_spec.tags)) or changed
    return _publish(index_page, course, is_new, changed)


def _lessons_upsert(spec: CourseFile, course: CoursePage, collection: Collection, source: str) -> list[int]:
    """The lesson pages, created, updated and published as needed; returns their ids in order."""
    ids: list[int] = []
    for i, lesson in enumerate(spec.lessons):
        values = {
            "title": lesson.title,
            "intro": lesson.intro,
            "estimated_minutes": lesson.estimated_minutes,
            "body": _resolve_body(lesson.stream_data(), collection),
        }
        page, is_new, changed = _page_upsert(
            course, LessonPage, lesson.slug, values, f"{source}: lessons[{i}]", ("body",)
        )
        ids.append(_publish(course, page, is_new, changed).pk)
    return ids


def _quiz_upsert(
    quiz_spec: Quiz,
    course: CoursePage,
    questions: dict[str, QuestionModel],
    categories: dict[str, QuestionCategory],
    source: str,
) -> QuizPage:
    for position, slot in enumerate(quiz_spec.slots):
        if slot.category:
            available = categories[slot.category].questions.count()
            if available < slot.draws:
                raise CourseDataError(
                    f"{source}: quiz.slots[{position}]: draws {slot.draws} from {slot.category!r}, "
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
    return _publish(course, quiz, is_new, changed)


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
    categories = _categories_ensure(spec, source)
    questions = {
        question.key: _question_upsert(
            question,
            where=f"{source}: questions[{i}] (key {question.key!r})",
            language=spec.course.language,
            categories=categories,
            collection=collection,
        )
        for i, question in enumerate(spec.questions)
    }
    course = _course_upsert(spec, index_page, collection, source)
    children = _lessons_upsert(spec, course, collection, source)
    if spec.quiz is not None:
        children.append(_quiz_upsert(spec.quiz, course, questions, categories, source).pk)
    _order_children(course, children)
    return [CoursePage.objects.get(pk=course.pk)]
