"""Frozen views of the courses layer for higher layers. Standard library only.

They carry what a page shows (titles, numbers, dates) and where its links lead (URLs already
computed), never model instances: a higher app's template never calls a course page's routes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
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


# --- quiz item analysis (the admin's per-question statistics of a quiz) ------------------------


@dataclass(frozen=True)
class ItemChoice:
    """How often one choice of a question was picked, among the counted attempts that were
    served the question: overall and in the upper and lower groups (``None`` when no attempt
    of that group was served it). Shares are fractions in [0, 1], rounded to 4 places.

    ``suspect``: a choice that is not keyed, yet the upper group picked it more often than a
    keyed one (the reason for the "check the key" flag)."""

    text: str
    keyed: bool
    picked: int
    share: Decimal
    upper_picked: int
    upper_share: Decimal | None
    lower_picked: int
    lower_share: Decimal | None
    suspect: bool


@dataclass(frozen=True)
class QuizItem:
    """One question of a quiz, in one version (its text, choices and key as served), with its
    figures over the counted attempts that were served it.

    ``facility`` is the mean credit (0..1; a blank answer earns 0, as in the grade);
    ``discrimination`` is the facility in the upper group minus that in the lower group
    (``None`` when one group was never served the question). ``flags`` are codes among
    ``too_easy``, ``too_hard``, ``weak_discrimination``, ``negative_discrimination`` and
    ``check_key``. ``reliable`` is false when fewer attempts than the analysis' minimum were
    served this version."""

    question_id: int
    version: int
    version_count: int
    first_served: datetime
    last_served: datetime
    type: str
    type_label: str
    prompt: str
    served: int
    blank: int
    facility: Decimal
    upper_served: int
    upper_facility: Decimal | None
    lower_served: int
    lower_facility: Decimal | None
    discrimination: Decimal | None
    reliable: bool
    flags: tuple[str, ...]
    choices: tuple[ItemChoice, ...]


@dataclass(frozen=True)
class ItemAnalysis:
    """The item analysis of a quiz. ``scope`` says which graded attempts count: ``first``
    (each learner's first graded attempt) or ``all``. ``group_size`` is the number of attempts
    in each of the upper and lower groups (0 with fewer than two attempts)."""

    quiz_id: int
    quiz_title: str
    scope: str
    attempts: int
    learners: int
    group_size: int
    reliable: bool
    items: tuple[QuizItem, ...]


# --- training report and course assignments ------------------------------------------------


@dataclass(frozen=True)
class TrainingReportRow:
    """One course in one department (``department_id`` None: people without a department).

    The definition of every figure is ``TRAINING_FIGURES`` in ``courses.selectors.training``
    and is shown next to the report. Rates, days and scores are rounded to one decimal;
    ``None`` where there is nothing to measure (no enrolment, no completion, no score).
    """

    course_id: int
    course_title: str
    department_id: int | None
    department_name: str
    assigned: int
    enrolled: int
    in_progress: int
    completed: int
    completion_rate: Decimal | None
    median_days_to_complete: Decimal | None
    average_best_score: Decimal | None
    overdue: int
    # For an "other departments" row (small groups added up, ``department_id`` None): how
    # many departments it adds up; 0 for a department's own row.
    merged_groups: int = 0


@dataclass(frozen=True)
class TrainingPerson:
    """One person of a course's drill-down: enrolment, best score and assignment. ``status``
    is one of "completed", "overdue", "in_progress", "not_started"."""

    user_id: int
    name: str
    email: str
    department_name: str
    status: str
    enrolled_at: datetime | None
    completed_at: datetime | None
    best_score: Decimal | None
    due_date: date | None


@dataclass(frozen=True)
class AssignedCourse:
    """A course assigned to a learner (directly or through their department), for /me/.
    ``days_left`` is negative once overdue; ``status`` is "done", "due" or "overdue"."""

    course_id: int
    title: str
    url: str
    due_date: date
    days_left: int
    status: str


@dataclass(frozen=True)
class AssignmentCreated:
    """What ``assignments_create`` made: one assignment per target."""

    assignment_ids: tuple[int, ...]


# --- HR overview ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WeeklyCount:
    """A figure of one week: the week's Monday (in the site's time zone) and the count."""

    week_start: date
    count: int


@dataclass(frozen=True)
class DepartmentTraining:
    """Training in one department (``department_id`` None: people without one), summed over
    every course: course enrolments and assignments, so a person counts once per course."""

    department_id: int | None
    department_name: str
    assigned: int
    enrolled: int
    completed: int
    overdue: int

    @property
    def completion_rate(self) -> int | None:
        """Completed divided by enrolled, in whole percent; None without enrolments."""
        return round(self.completed * 100 / self.enrolled) if self.enrolled else None


@dataclass(frozen=True)
class TrainingOverview:
    """The training part of the HR overview: per department, and completions per week (oldest
    week first, the current week last)."""

    departments: tuple[DepartmentTraining, ...]
    weekly_completions: tuple[WeeklyCount, ...]
