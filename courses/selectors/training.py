"""Reads of the courses layer: the training report (per course and department), its
drill-down of people, and the courses assigned to a learner.

Every read here runs a fixed number of GROUP BY queries, whatever the number of people,
enrolments and attempts; the few figures SQL cannot aggregate portably (the median, the mean
of per-person best scores) are folded in Python over rows already grouped by the database.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.models import Assignment, CoursePage, Enrollment, QuizPage
from courses.selectors.training_groups import MERGED, Group, small_groups_merged
from courses.selectors.training_sql import (
    EPOCH,
    alternative_done,
    assignee_rows,
    assignment_figures,
    course_quiz,
    enrolment_figures,
)
from lms.people.models import Department, User

# The drill-down's department for people who have none.
NO_DEPARTMENT = 0
OTHER_DEPARTMENTS = _("Other departments (fewer than 5 people each)")

STATUS_COMPLETED = "completed"
STATUS_OVERDUE = "overdue"
STATUS_IN_PROGRESS = "in_progress"
STATUS_NOT_STARTED = "not_started"

ONE_DECIMAL = Decimal("0.1")
HUNDREDTH = Decimal("0.01")

# What each figure of the report means, shown next to it (one click away) and in the docs.
TRAINING_FIGURES = (
    (
        "assigned",
        _("Assigned"),
        _(
            "Active people asked to complete the course, directly or through their department "
            "(people who joined the department later included), whose due date falls in the "
            "period. A person assigned twice counts once, with the earliest due date."
        ),
    ),
    (
        "enrolled",
        _("Enrolled"),
        _(
            "Active people whose enrolment in the course started in the period (for a course "
            "taken again to renew a certificate: the restart date)."
        ),
    ),
    ("in_progress", pgettext_lazy("people", "In progress"), _("Enrolled people who have not completed the course.")),
    (
        "completed",
        pgettext_lazy("people", "Completed"),
        _("Enrolled people who completed the course: every lesson read and the quiz passed."),
    ),
    ("completion_rate", _("Completion rate"), _("Completed divided by enrolled, in percent.")),
    (
        "median_days_to_complete",
        _("Median days to complete"),
        _(
            "The median, over the people who completed, of the days from the start of the "
            "enrolment to its completion (half took less, half took more)."
        ),
    ),
    (
        "average_best_score",
        _("Average best score"),
        _(
            "For each enrolled person with a scored attempt on the course's quiz, their best "
            "score (since the enrolment's last restart); then the mean of those scores, in percent."
        ),
    ),
    (
        "overdue",
        _("Overdue"),
        _(
            "Assigned people whose earliest due date has passed (before today) and who have not "
            "completed the course, whether they started it or not. A course assigned for a "
            "certification programme is also done when another course that meets the same "
            "requirement is completed."
        ),
    ),
)


@dataclass(frozen=True)
class ReportFilters:
    """The report's filters: enrolments started, and due dates, in ``date_from``..``date_to``
    (both included, in the site's time zone); one department; one course."""

    date_from: date | None = None
    date_to: date | None = None
    department_id: int | None = None
    course_id: int | None = None


@dataclass(frozen=True)
class Assignee:
    """A person assigned to a course: their department, earliest due date, and whether it is
    done (the course completed, or an alternative of one of their assignments of it)."""

    department_id: int | None
    due_date: date
    done: bool


def _rounded(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _median_days(days: Sequence[float | Decimal]) -> Decimal | None:
    # Julian-day arithmetic leaves a few nanoseconds of noise: round it off before rounding
    # to the tenth, so that 4.25 days stays 4.25 (and becomes 4.3).
    return _rounded(round(statistics.median([float(day) for day in days]), 6)) if days else None


def _mean_score(total: Decimal | float | None, count: int) -> Decimal | None:
    # Scores have two decimals, so their exact sum does too (SQLite sums them as floats).
    if not count or total is None:
        return None
    return _rounded(Decimal(total).quantize(HUNDREDTH) / count)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _enrolments(filters: ReportFilters) -> Any:
    """The enrolments the report counts, each with ``began`` (its start or last restart), as a
    queryset (typed ``Any``: its annotations change the row type at every step)."""
    enrolments = Enrollment.objects.filter(user__is_active=True).annotate(began=Coalesce("restarted_at", "enrolled_at"))
    if filters.course_id is not None:
        enrolments = enrolments.filter(course_id=filters.course_id)
    if filters.department_id == NO_DEPARTMENT:
        enrolments = enrolments.filter(user__department__isnull=True)
    elif filters.department_id is not None:
        enrolments = enrolments.filter(user__department_id=filters.department_id)
    if filters.date_from is not None:
        enrolments = enrolments.filter(began__gte=_day_start(filters.date_from))
    if filters.date_to is not None:
        enrolments = enrolments.filter(began__lt=_day_start(filters.date_to + timedelta(days=1)))
    return enrolments


def course_quizzes(course_paths: dict[int, str] | None = None) -> dict[int, int]:
    """``{course_id: quiz_id}``: the quiz of each course (its first live quiz child). One
    query, two unless ``course_paths`` (``{course_id: path}`` of every course) is given."""
    quiz_of: dict[int, int] = {}
    if course_paths is None:
        course_paths = dict(CoursePage.objects.values_list("pk", "path"))
    parents = {path: pk for pk, path in course_paths.items()}
    steplen = CoursePage.steplen
    for pk, path in QuizPage.objects.live().order_by("path").values_list("pk", "path"):
        course_id = parents.get(path[:-steplen])
        if course_id is not None:
            quiz_of.setdefault(course_id, pk)
    return quiz_of


def _best_scores(enrolments: Any, quiz_of: dict[int, int]) -> Any:
    """Per enrolment with a scored attempt on its course's quiz: ``best`` score (attempts
    since the enrolment's last restart)."""
    return (
        enrolments.annotate(course_quiz=course_quiz(quiz_of))
        .filter(
            user__attempts__quiz_id=F("course_quiz"),
            user__attempts__score__isnull=False,
            user__attempts__started_at__gte=Coalesce("restarted_at", Value(EPOCH)),
        )
        .values("pk", "course_id", "user_id", "user__department_id")
        .annotate(best=Max("user__attempts__score"))
        .order_by()
    )


def _assignments(filters: ReportFilters) -> Any:
    assignments = Assignment.objects.all()
    if filters.course_id is not None:
        assignments = assignments.filter(course_id=filters.course_id)
    if filters.date_from is not None:
        assignments = assignments.filter(due_date__gte=filters.date_from)
    if filters.date_to is not None:
        assignments = assignments.filter(due_date__lte=filters.date_to)
    return assignments


def assignees(filters: ReportFilters) -> dict[tuple[int, int], Assignee]:
    """``{(course_id, user_id): Assignee}`` for every active person assigned to a course,
    directly or through their department, with a due date in the filters' period. Two queries."""
    assignments = _assignments(filters)
    direct = assignments.filter(user__isnull=False, user__is_active=True)
    through_department = assignments.filter(department__isnull=False, department__members__is_active=True)
    if filters.department_id == NO_DEPARTMENT:
        direct = direct.filter(user__department__isnull=True)
        through_department = through_department.none()
    elif filters.department_id is not None:
        direct = direct.filter(user__department_id=filters.department_id)
        through_department = through_department.filter(department_id=filters.department_id)

    def completed(user_ref: str) -> Exists:
        return Exists(
            Enrollment.objects.filter(
                user_id=OuterRef(user_ref), course_id=OuterRef("course_id"), completed_at__isnull=False
            )
        )

    rows: Iterable[tuple[int, int, int | None, date, bool, int]] = [
        *direct.annotate(done=completed("user_id"), alternative=alternative_done("user_id"))
        .values_list("course_id", "user_id", "user__department_id", "due_date", "done", "alternative")
        .order_by(),
        *through_department.annotate(
            done=completed("department__members__id"), alternative=alternative_done("department__members__id")
        )
        .values_list("course_id", "department__members__id", "department_id", "due_date", "done", "alternative")
        .order_by(),
    ]
    found: dict[tuple[int, int], Assignee] = {}
    for course_id, user_id, department_id, due_date, done, alternative in rows:
        known = found.get((course_id, user_id))
        found[(course_id, user_id)] = Assignee(
            department_id=department_id,
            due_date=due_date if known is None else min(due_date, known.due_date),
            done=bool(done or alternative) or (known is not None and known.done),
        )
    return found


def training_report(
    *, filters: ReportFilters, today: date | None = None, merge_small_groups: bool = False
) -> list[dict[str, Any]]:
    """One dict per (course, department) with people enrolled or assigned: the figures of
    ``TRAINING_FIGURES``. Sorted by course title, then department name (no department last).

    ``merge_small_groups`` (for those who may not see individuals): per course, the rows of
    fewer than ``SMALL_GROUP`` people (enrolled or assigned) become one "Other departments"
    row (``merged_groups``: how many), left out if it still has fewer than ``SMALL_GROUP``.

    Five queries, whatever the volume: courses, quizzes, the enrolment figures, the
    assignment figures (each one pass, grouped by the database) and the department names.
    """
    today = today or timezone.localdate()
    courses = {pk: (title, path) for pk, title, path in CoursePage.objects.values_list("pk", "title", "path")}
    quiz_of = course_quizzes({pk: path for pk, (_title, path) in courses.items()})
    by_enrolment = enrolment_figures(_enrolments(filters), quiz_of)
    by_assignment = assignment_figures(
        assignee_rows(_assignments(filters), filters.department_id, NO_DEPARTMENT),
        today=today,
        began_from=_day_start(filters.date_from) if filters.date_from else None,
        began_before=_day_start(filters.date_to + timedelta(days=1)) if filters.date_to else None,
    )
    groups = {
        key: Group.of(by_enrolment.get(key), by_assignment.get(key)) for key in by_enrolment.keys() | by_assignment
    }
    if merge_small_groups:
        groups = small_groups_merged(groups)

    department_ids = {department_id for _course, department_id in groups if department_id not in (None, MERGED)}
    names = dict(Department.objects.filter(pk__in=department_ids).values_list("pk", "name"))
    rows = []
    for (course_id, department_id), group in groups.items():
        enrolled, completed = group.enrolled, group.completed
        rows.append(
            {
                "course_id": course_id,
                "course_title": courses[course_id][0],
                "department_id": None if department_id == MERGED else department_id,
                "department_name": (
                    str(OTHER_DEPARTMENTS)
                    if department_id == MERGED
                    else names.get(department_id, "")
                    if department_id is not None
                    else ""
                ),
                "assigned": group.assigned,
                "enrolled": enrolled,
                "in_progress": enrolled - completed,
                "completed": completed,
                "completion_rate": _rounded(Decimal(completed * 100) / enrolled) if enrolled else None,
                "median_days_to_complete": _median_days(group.durations),
                "average_best_score": _mean_score(group.score_sum, group.scored),
                "overdue": group.overdue,
                "merged_groups": group.merged,
            }
        )
    rows.sort(
        key=lambda row: (
            row["course_title"].casefold(),
            row["course_id"],
            row["merged_groups"] > 0,
            row["department_id"] is None,
            row["department_name"].casefold(),
        )
    )
    return rows


STATUS_ORDER = {STATUS_OVERDUE: 0, STATUS_IN_PROGRESS: 1, STATUS_NOT_STARTED: 2, STATUS_COMPLETED: 3}


def training_people(*, filters: ReportFilters, today: date | None = None) -> list[dict[str, Any]]:
    """The people behind one course's row (``filters.course_id`` is required): everyone
    enrolled (in the period) or assigned, with their status, dates and best score. Overdue
    first, then in progress, not started, completed; by email within. Five queries."""
    if filters.course_id is None:
        raise ValueError("The drill-down needs a course.")
    today = today or timezone.localdate()
    enrolments = _enrolments(filters)
    enrolled = {row["user_id"]: row for row in enrolments.values("user_id", "began", "completed_at").order_by()}
    quiz_of = course_quizzes()
    best: dict[int, Decimal] = {}
    if filters.course_id in quiz_of:
        best = {row["user_id"]: Decimal(row["best"]).quantize(HUNDREDTH) for row in _best_scores(enrolments, quiz_of)}
    assigned = {user_id: assignee for (_course, user_id), assignee in assignees(filters).items()}

    users = User.objects.filter(pk__in=set(enrolled) | set(assigned)).select_related("department")
    people = []
    for user in users:
        enrolment = enrolled.get(user.pk)
        assignee = assigned.get(user.pk)
        completed_at = enrolment["completed_at"] if enrolment else None
        done = completed_at is not None or (assignee is not None and assignee.done)
        if done:
            status = STATUS_COMPLETED
        elif assignee is not None and assignee.due_date < today:
            status = STATUS_OVERDUE
        elif enrolment is not None:
            status = STATUS_IN_PROGRESS
        else:
            status = STATUS_NOT_STARTED
        people.append(
            {
                "user_id": user.pk,
                "name": user.get_display_name(),
                "email": user.email,
                "department_name": user.department.name if user.department else "",
                "status": status,
                "enrolled_at": enrolment["began"] if enrolment else None,
                "completed_at": completed_at,
                "best_score": best.get(user.pk),
                "due_date": assignee.due_date if assignee else None,
            }
        )
    people.sort(key=lambda person: (STATUS_ORDER[person["status"]], person["email"]))
    return people


def assigned_courses(*, user: User, today: date | None = None) -> list[dict[str, Any]]:
    """The live courses assigned to ``user`` (directly or through their department), each with
    its earliest due date and whether it is done: the course completed, or an alternative of
    one of their assignments of it. By due date. Two queries (one when nothing is assigned)."""
    today = today or timezone.localdate()
    target = Q(user=user)
    if user.department_id is not None:
        target |= Q(department_id=user.department_id)
    alternatives = Assignment.alternatives.through.objects.filter(assignment_id=OuterRef(OuterRef("pk")))
    alternative_completed = Exists(
        Enrollment.objects.filter(
            user=user, completed_at__isnull=False, course_id__in=alternatives.values("coursepage_id")
        )
    )
    earliest: dict[int, date] = {}
    pages: dict[int, CoursePage] = {}
    done: set[int] = set()
    for assignment in (
        Assignment.objects.filter(target, course__live=True)
        .annotate(alternative_done=alternative_completed)
        .select_related("course")
        .order_by("due_date", "pk")
    ):
        if assignment.course_id not in earliest:
            earliest[assignment.course_id] = assignment.due_date
            pages[assignment.course_id] = assignment.course
        if assignment.alternative_done:
            done.add(assignment.course_id)
    if not earliest:
        return []
    done.update(
        Enrollment.objects.filter(user=user, course_id__in=earliest, completed_at__isnull=False).values_list(
            "course_id", flat=True
        )
    )
    return [
        {
            "course": pages[course_id],
            "due_date": due_date,
            "days_left": (due_date - today).days,
            "done": course_id in done,
        }
        for course_id, due_date in earliest.items()
    ]
