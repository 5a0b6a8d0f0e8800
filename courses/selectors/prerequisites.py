"""Reads of the courses layer: the prerequisites an editor may choose for a course."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Case, IntegerField, QuerySet, Value, When

from courses.models import CoursePage


def prerequisite_choices(*, course_id: int | None, language: str) -> QuerySet[CoursePage]:
    """Every course but ``course_id`` itself, those in ``language`` first, then by title."""
    courses = CoursePage.objects.all()
    if course_id is not None:
        courses = courses.exclude(pk=course_id)
    own_first = Case(When(language=language, then=Value(0)), default=Value(1), output_field=IntegerField())
    return courses.annotate(own_language_last=own_first).order_by("own_language_last", "title", "pk")


def prerequisite_cycle(*, course_id: int, chosen_ids: Iterable[int]) -> list[int] | None:
    """The ids of a chain that leads from ``course_id`` back to itself if it required the
    courses ``chosen_ids`` (``[course, B, A, course]`` for course → B → A → course), or ``None``.

    The other courses' prerequisites are read as saved (one query for the whole graph)."""
    through = CoursePage.prerequisites.through
    edges: dict[int, list[int]] = {}
    for source, target in through.objects.values_list("from_coursepage_id", "to_coursepage_id"):
        if source != course_id:  # the course's own saved choices are being replaced
            edges.setdefault(source, []).append(target)
    edges[course_id] = sorted(set(chosen_ids))
    # Depth-first from the course; the first way back to it is the chain to show.
    stack: list[tuple[int, list[int]]] = [(course_id, [course_id])]
    seen: set[int] = set()
    while stack:
        node, chain = stack.pop()
        for target in reversed(edges.get(node, [])):
            if target == course_id:
                return [*chain, course_id]
            if target not in seen:
                seen.add(target)
                stack.append((target, [*chain, target]))
    return None
