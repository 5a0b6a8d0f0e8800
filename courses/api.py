"""The public surface of the courses layer. Higher layers import this, never the models."""

from __future__ import annotations

from courses import selectors
from courses.data import CourseSummary
from courses.models import CoursePage


def course_summaries(course_ids: list[int]) -> list[CourseSummary]:
    pages = CoursePage.objects.filter(pk__in=course_ids).order_by("path")
    return [CourseSummary(id=p.pk, title=p.title, url=p.url or "", language=p.language) for p in pages]


def all_courses() -> list[CourseSummary]:
    return [CourseSummary(id=p.pk, title=p.title, url=p.url or "", language=p.language) for p in CoursePage.objects.live().order_by("path")]


def completed_course_ids(user_id: int) -> set[int]:
    return selectors.completed_course_ids(user_id=user_id)


def learner_dashboard(user) -> dict:
    return selectors.learner_dashboard(user=user)
