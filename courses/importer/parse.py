"""Reading a course file: ``parse_course_data`` checks the whole input against the schema
before anything is written. A wrong type, an unknown key, a missing field or a dangling
reference raises ``CourseDataError`` whose message names the source and the entry, e.g.
``policy.fr.toml: questions[3] (key 'pe-tag').choices: mark exactly one choice as correct
(found 2)``. Pure: reads no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from courses.importer.schema import CourseFile


class CourseDataError(ValueError):
    """The data does not describe a valid course; the message names the file and the entry."""


# The tables whose entries are told apart by their ``type``: pydantic puts the type in the
# error's location, the messages leave it out.
TYPED_LISTS = frozenset({"body", "questions"})


def _location(loc: tuple[int | str, ...], data: object) -> str:
    """``lessons[0].body[2].title`` for pydantic's ``("lessons", 0, "body", 2, "callout", "title")``;
    a question is named by its key as well."""
    where = ""
    for index, part in enumerate(loc):
        if isinstance(part, int):
            where += f"[{part}]"
            if loc[:index] == ("questions",):
                key = _key_of(data, part)
                where += f" (key {key!r})" if key else ""
        elif index >= 2 and isinstance(loc[index - 1], int) and loc[index - 2] in TYPED_LISTS:
            continue
        else:
            where += f".{part}" if where else part
    return where


def _key_of(data: object, position: int) -> str:
    questions = data.get("questions") if isinstance(data, Mapping) else None
    if isinstance(questions, list) and position < len(questions) and isinstance(questions[position], Mapping):
        key = questions[position].get("key")
        return key.strip() if isinstance(key, str) else ""
    return ""


def _message(error: ErrorDetails, data: object, source: str) -> str:
    message = error["msg"].removeprefix("Value error, ")
    where = _location(tuple(error["loc"]), data)
    return f"{source}: {where}: {message}" if where else f"{source}: {message}"


def _fail(source: str, where: str, message: str) -> CourseDataError:
    return CourseDataError(f"{source}: {where}: {message}")


def _check_references(spec: CourseFile, source: str) -> None:
    """What no single entry can tell: names unique in the file, slots pointing at its questions."""
    slugs: set[str] = set()
    for i, lesson in enumerate(spec.lessons):
        if lesson.slug in slugs:
            raise _fail(source, f"lessons[{i}].slug", f"{lesson.slug!r} must be a slug, unique within the course")
        slugs.add(lesson.slug)
    names: set[str] = set()
    for i, category in enumerate(spec.categories):
        if category.name in names:
            raise _fail(source, f"categories[{i}].name", f"category {category.name!r} is declared twice")
        names.add(category.name)
    keys: set[str] = set()
    prompts: set[str] = set()
    for i, question in enumerate(spec.questions):
        where = f"questions[{i}] (key {question.key!r})"
        if question.key in keys:
            raise _fail(source, f"{where}.key", "this key is already used by another question of the file")
        if question.prompt in prompts:
            raise _fail(
                source,
                f"{where}.prompt",
                "another question of the file has the same prompt (prompts identify questions)",
            )
        keys.add(question.key)
        prompts.add(question.prompt)
    if spec.quiz is None:
        return
    if spec.quiz.slug in slugs:
        raise _fail(source, "quiz.slug", f"{spec.quiz.slug!r} must be a slug, different from the lessons' slugs")
    for i, slot in enumerate(spec.quiz.slots):
        if slot.question is not None and slot.question not in keys:
            raise _fail(source, f"quiz.slots[{i}].question", f"no question with key {slot.question!r} in this file")


def parse_course_data(data: Mapping[str, Any], *, source: str = "<data>") -> CourseFile:
    """Check ``data`` and turn it into a ``CourseFile``. Pure: reads no database.

    Raises ``CourseDataError`` naming ``source`` and the entry of the first problem.
    """
    try:
        spec = CourseFile.model_validate(data)
    except ValidationError as exc:
        # The first problem: the next ones are often its consequences (a list left short).
        raise CourseDataError(_message(exc.errors(include_url=False)[0], data, source)) from None
    _check_references(spec, source)
    return spec
