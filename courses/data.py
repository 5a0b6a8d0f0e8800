"""Frozen views of the courses layer for higher layers. Standard library only.

They carry what a page shows (titles, numbers, dates) and where its links lead (URLs already
computed), never model instances: a higher app's template never calls a course page's routes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class CourseSummary:
    id: int
    title: str
    url: str
    language: str


@dataclass(frozen=True)
class CourseProgress:
    """A course a learner is enrolled in: lessons read out of the live lessons, the percent
    shown on the progress bar, and when the course was completed, if it was."""

    course_id: int
    title: str
    url: str
    percent: int
    lessons_read: int
    lessons_total: int
    completed: bool
    completed_at: datetime | None


@dataclass(frozen=True)
class AttemptSummary:
    """One quiz attempt of a learner. ``url`` leads to the attempt to continue while it is
    open (``is_open``), to its result once it is finished."""

    quiz_title: str
    quiz_url: str
    number: int
    started_at: datetime
    status_label: str
    score: Decimal | None
    passed: bool
    is_open: bool
    url: str


@dataclass(frozen=True)
class LearnerDashboard:
    """The courses part of a learner's space: enrolments, most recent first, and the last
    50 attempts, most recent first."""

    courses: tuple[CourseProgress, ...]
    attempts: tuple[AttemptSummary, ...]
    completed_count: int
