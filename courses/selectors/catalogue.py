"""Reads of the courses layer: catalogue."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.paginator import Paginator
from django.db.models import DateTimeField, Q, Value
from taggit.models import Tag

from courses.models import (
    CourseIndexPage,
    CoursePage,
    Enrollment,
    LessonPage,
    LessonProgress,
)
from courses.selectors.common import Visitor, signed_in

if TYPE_CHECKING:
    pass


CATALOGUE_PAGE_SIZE = 24


CATALOGUE_LANGUAGES = ("fr", "en")
ALL_LANGUAGES = "all"


def search_terms(query: str) -> str:
    """The words of a learner's search, for the search backend.

    Only letters, digits and inner apostrophes or hyphens are kept: the database backends turn
    the query into a full-text expression (SQLite FTS5, PostgreSQL tsquery) in which a lone
    quote, a NUL byte or an operator character is a syntax error, not a search.
    """
    words = re.findall(r"\w+(?:['’-]\w+)*", query)
    return " ".join(words)[:200]


def catalogue(
    *, index_page: CourseIndexPage, params: Mapping[str, Any], user: Visitor, default_language: str
) -> dict[str, Any]:
    """Courses under ``index_page`` filtered by ``tag``, ``level``, ``language`` and ``q``.

    Without a valid ``language`` the catalogue shows the courses in ``default_language`` (the
    visitor's); ``language=all`` shows every language.
    """
    courses = CoursePage.objects.live().public().descendant_of(index_page).order_by("path")
    tag = (params.get("tag") or "").strip()[:100]
    level = (params.get("level") or "").strip()
    language = (params.get("language") or "").strip()
    if default_language not in CATALOGUE_LANGUAGES:
        default_language = CATALOGUE_LANGUAGES[0]
    query = (params.get("q") or "").strip()[:200]
    terms = search_terms(query)
    if level in CoursePage.Level.values:
        courses = courses.filter(level=level)
    else:
        level = ""
    if language != ALL_LANGUAGES:
        language = language if language in CATALOGUE_LANGUAGES else default_language
        courses = courses.filter(language=language)
    if tag:
        courses = courses.filter(tags__slug=tag).distinct()
    if terms:
        matches = CoursePage.objects.live().descendant_of(index_page).search(terms, operator="or")
        ids = [page.pk for page in matches]
        courses = courses.filter(pk__in=ids)
    # The cover renditions come with the page of courses: one query, not one per card.
    courses = courses.select_related("cover_image").prefetch_related("tags", "cover_image__renditions")
    paginator = Paginator(courses, CATALOGUE_PAGE_SIZE)
    page = paginator.get_page(params.get("page"))
    progress = course_progress_map(user=user, course_ids=[c.pk for c in page.object_list])
    # The themes of the courses in the language shown: a French visitor is not offered the
    # English courses' tags.
    tagged = CoursePage.objects.live().descendant_of(index_page)
    if language != ALL_LANGUAGES:
        tagged = tagged.filter(language=language)
    tags = Tag.objects.filter(courses_coursetag_items__content_object__in=tagged).distinct().order_by("name")
    return {
        "courses": page,
        "progress": progress,
        "filters": {"tag": tag, "level": level, "language": language, "q": query},
        "levels": CoursePage.Level.choices,
        "tags": tags,
        "default_language": default_language,
        # Only asked when the page is empty: is it the filters, or is nothing published?
        "any_course": bool(page.object_list) or tagged_any(index_page),
    }


def tagged_any(index_page: CourseIndexPage) -> bool:
    """Whether any course is published under ``index_page``, whatever its language."""
    return CoursePage.objects.live().public().descendant_of(index_page).exists()


def course_progress_map(*, user: Visitor, course_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Progress per course for ``user``: percent of lessons read, and completion. 3 queries."""
    learner = signed_in(user)
    if not course_ids or learner is None:
        return {}
    lesson_counts: dict[int, int] = {}
    read_counts: dict[int, int] = {}
    course_paths = {c.path: c.pk for c in CoursePage.objects.filter(pk__in=course_ids).only("pk", "path")}
    steplen = CoursePage.steplen
    lesson_course: dict[int, int] = {}
    if course_paths:
        prefix = Q(*[Q(path__startswith=p) for p in course_paths], _connector=Q.OR)
        for pk, path in LessonPage.objects.live().filter(prefix).values_list("pk", "path"):
            course_id = course_paths.get(path[:-steplen])
            if course_id is not None:
                lesson_course[pk] = course_id
                lesson_counts[course_id] = lesson_counts.get(course_id, 0) + 1
    for lesson_id in LessonProgress.objects.filter(user=learner, lesson_id__in=lesson_course).values_list(
        "lesson_id", flat=True
    ):
        course_id = lesson_course[lesson_id]
        read_counts[course_id] = read_counts.get(course_id, 0) + 1
    enrolments = {
        e["course_id"]: e
        for e in Enrollment.objects.filter(user=learner, course_id__in=course_ids).values("course_id", "completed_at")
    }
    result = {}
    for course_id in course_ids:
        total = lesson_counts.get(course_id, 0)
        read = read_counts.get(course_id, 0)
        enrolment = enrolments.get(course_id)
        completed = bool(enrolment and enrolment["completed_at"])
        result[course_id] = {
            "enrolled": enrolment is not None,
            "completed": completed,
            "completed_at": enrolment["completed_at"] if enrolment else None,
            "lessons_total": total,
            "lessons_read": read,
            "percent": 100 if completed else (int(read * 100 / (total + 1)) if total else 0),
        }
    return result


def course_lesson_ids(*, course_ids: list[int]) -> dict[int, list[int]]:
    """The live lessons of each course, in tree order: what a learner's progress is counted
    on (``learner_progress``). 2 queries; kept with the cached catalogue and course fragments."""
    lessons: dict[int, list[int]] = {course_id: [] for course_id in course_ids}
    course_paths = {c.path: c.pk for c in CoursePage.objects.filter(pk__in=course_ids).only("pk", "path")}
    if not course_paths:
        return lessons
    steplen = CoursePage.steplen
    prefix = Q(*[Q(path__startswith=p) for p in course_paths], _connector=Q.OR)
    for pk, path in LessonPage.objects.live().filter(prefix).order_by("path").values_list("pk", "path"):
        course_id = course_paths.get(path[:-steplen])
        if course_id is not None:
            lessons[course_id].append(pk)
    return lessons


def learner_progress(*, user: Visitor, lessons: Mapping[int, list[int]]) -> tuple[set[int], dict[int, dict[str, Any]]]:
    """The lessons ``user`` read among ``lessons`` (course id → lesson ids, as
    ``course_lesson_ids`` gives them) and their progress per course, in the shape of
    ``course_progress_map``. One query (their lesson progress and enrolments, as a union);
    none for a visitor who is not signed in."""
    learner = signed_in(user)
    if learner is None or not lessons:
        return set(), {}
    lesson_ids = [lesson_id for ids in lessons.values() for lesson_id in ids]
    read_rows = (
        LessonProgress.objects.filter(user=learner, lesson_id__in=lesson_ids)
        .annotate(kind=Value("lesson"), done=Value(None, output_field=DateTimeField()))
        .values_list("kind", "lesson_id", "done")
    )
    enrolment_rows = (
        Enrollment.objects.filter(user=learner, course_id__in=list(lessons))
        .annotate(kind=Value("course"))
        .values_list("kind", "course_id", "completed_at")
    )
    read_ids: set[int] = set()
    enrolments: dict[int, datetime | None] = {}
    for kind, object_id, completed_at in read_rows.union(enrolment_rows, all=True):
        if kind == "lesson":
            read_ids.add(object_id)
        else:
            enrolments[object_id] = completed_at
    progress = {}
    for course_id, ids in lessons.items():
        total = len(ids)
        read = sum(1 for lesson_id in ids if lesson_id in read_ids)
        completed_at = enrolments.get(course_id)
        progress[course_id] = {
            "enrolled": course_id in enrolments,
            "completed": completed_at is not None,
            "completed_at": completed_at,
            "lessons_total": total,
            "lessons_read": read,
            "percent": 100 if completed_at else (int(read * 100 / (total + 1)) if total else 0),
        }
    return read_ids, progress
