"""The training report's two aggregate queries, each one pass over its rows, grouped by
course and department in the database: the enrolment figures (enrolled, completed, median
days to complete, best scores) and the assignment figures (assigned, overdue).

Each is an ORM queryset of per-enrolment or per-assignment rows, summed up by an outer
``GROUP BY`` written here: the ORM cannot aggregate an aggregate or a window function, nor
group a ``UNION``. The inner SQL is the ORM's and every value is a parameter; nothing a user
typed is pasted into SQL.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, Exists, F, FloatField, Func, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

from courses.models import Assignment, Attempt, Enrollment
from lms.people.models import User

# Attempts count from the enrolment's last restart; never-restarted enrolments count them all.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class DaysBetween(Func):
    """``end - start`` in days, as a number, computed by the database (SQLite: from Julian
    days; PostgreSQL: from the interval's seconds). Django's own datetime subtraction on
    SQLite calls a Python function per row."""

    output_field = FloatField()

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(end, start)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="(julianday(%(expressions)s))", arg_joiner=") - julianday(")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)", arg_joiner=" - "
        )


def course_quiz(quiz_of: dict[int, int]) -> Case:
    """The quiz id of the row's course (``quiz_of``: ``{course_id: quiz_id}``), NULL without one."""
    return Case(
        *(When(course_id=course_id, then=Value(quiz_id)) for course_id, quiz_id in quiz_of.items()),
        default=None,
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class EnrolmentFigures:
    enrolled: int
    completed: int
    scored: int
    score_sum: Any
    # The days to complete of every completed enrolment, in no order (for the median, which
    # SQL has no portable aggregate for; and a median of medians is not a median).
    durations: tuple[float, ...]


def enrolment_figures(enrolments: Any, quiz_of: dict[int, int]) -> dict[tuple[int, int | None], EnrolmentFigures]:
    """``{(course_id, department_id): EnrolmentFigures}`` over ``enrolments`` (a queryset of
    enrolments annotated with ``began``). One query, one pass over the enrolments: the best
    score of each enrolment is a correlated subquery on the attempts of its course's quiz
    since its last restart, which the index ``attempt_scored_user_quiz`` answers without
    reading the attempts (highest score first); the durations come back as one list per
    group (numbering them with window functions for an SQL median costs more than it saves).
    """
    best = (
        Attempt.objects.filter(
            user_id=OuterRef("user_id"),
            quiz_id=OuterRef("course_quiz"),
            score__isnull=False,
            started_at__gte=OuterRef("since"),
        )
        .order_by("-score")
        .values("score")[:1]
    )
    rows = (
        enrolments.annotate(
            course_quiz=course_quiz(quiz_of),
            since=Coalesce("restarted_at", Value(EPOCH)),
            best=Subquery(best),
            days=DaysBetween(F("completed_at"), F("began")),
        )
        .values("course_id", "user__department_id", "days", "best")
        .order_by()
    )
    inner, params = rows.query.sql_with_params()
    # Materialized, so that the database looks the best score up once per enrolment rather
    # than once for each of COUNT and SUM: both PostgreSQL and SQLite otherwise fold the CTE
    # into the outer query, and SQLite's plan then runs the correlated subquery twice per row
    # (two "CORRELATED SCALAR SUBQUERY" lines in EXPLAIN QUERY PLAN). SQLite reads the hint
    # from 3.35 on.
    if connection.vendor == "postgresql":
        listed, materialized = "STRING_AGG(CAST(\"days\" AS TEXT), ',')", "MATERIALIZED "
    else:
        sqlite_materializes = connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 35)
        listed, materialized = 'GROUP_CONCAT("days")', "MATERIALIZED " if sqlite_materializes else ""
    sql = (
        f"WITH enrolments AS {materialized}({inner}) "  # noqa: S608 - see the module docstring  # nosec B608
        'SELECT "course_id", "user__department_id", COUNT(*), COUNT("days"), COUNT("best"), SUM("best"), '
        f'{listed} FROM enrolments GROUP BY "course_id", "user__department_id"'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            (course_id, department_id): EnrolmentFigures(
                enrolled=enrolled,
                completed=completed,
                scored=scored,
                score_sum=total,
                durations=tuple(float(day) for day in listed.split(",")) if listed else (),
            )
            for course_id, department_id, enrolled, completed, scored, total, listed in cursor
        }


@dataclass(frozen=True)
class AssignmentFigures:
    assigned: int
    overdue: int
    # Assignees also counted as enrolled (their enrolment began in the period): the people
    # of a row are its enrolled plus its assigned minus these.
    enrolled_too: int


def alternative_done(user_ref: str) -> Case:
    """1 when the person ``user_ref`` (a column of the assignment row) completed one of the
    assignment's alternatives (other courses that satisfy it), else 0."""
    alternatives = Assignment.alternatives.through.objects.filter(assignment_id=OuterRef(OuterRef("pk")))
    completed = Enrollment.objects.filter(
        user_id=OuterRef(user_ref), completed_at__isnull=False, course_id__in=alternatives.values("coursepage_id")
    )
    return Case(When(Exists(completed), then=Value(1)), default=Value(0), output_field=IntegerField())


def assignee_rows(assignments: Any, department_id: int | None, no_department: int) -> Any:
    """``(course_id, user_id, due_date, alternative_done)`` of every active person an
    assignment of ``assignments`` reaches, directly or through their department (whoever is
    in it now), as one ``UNION ALL`` queryset; a person assigned twice appears twice.
    ``alternative_done`` is 1 when the person completed one of the assignment's alternatives."""
    direct = assignments.filter(user__isnull=False, user__is_active=True)
    through_department = assignments.filter(department__isnull=False, department__members__is_active=True)
    if department_id == no_department:
        direct = direct.filter(user__department__isnull=True)
        through_department = through_department.none()
    elif department_id is not None:
        direct = direct.filter(user__department_id=department_id)
        through_department = through_department.filter(department_id=department_id)
    direct = (
        direct.annotate(alternative_done=alternative_done("user_id"))
        .values_list("course_id", "user_id", "due_date", "alternative_done")
        .order_by()
    )
    through_department = (
        through_department.annotate(alternative_done=alternative_done("department__members__id"))
        .values_list("course_id", "department__members__id", "due_date", "alternative_done")
        .order_by()
    )
    return direct.union(through_department, all=True)


def assignment_figures(
    assignees: Any, *, today: date, began_from: datetime | None, began_before: datetime | None
) -> dict[tuple[int, int | None], AssignmentFigures]:
    """``{(course_id, department_id): AssignmentFigures}``: each person of ``assignees``
    (``assignee_rows``) counted once per course with their earliest due date, in their
    current department. Overdue: the earliest due date is before ``today`` and neither the
    course (whenever it was) nor an alternative of one of their assignments of it is
    completed. One query."""
    try:
        inner, params = assignees.query.sql_with_params()
    except EmptyResultSet:
        return {}
    quote, ops = connection.ops.quote_name, connection.ops
    user, enrolment = User._meta.db_table, Enrollment._meta.db_table
    began = 'COALESCE(e."restarted_at", e."enrolled_at")'
    in_period = ['e."id" IS NOT NULL']
    extra: list[Any] = []
    if began_from is not None:
        in_period.append(f"{began} >= %s")
        extra.append(ops.adapt_datetimefield_value(began_from))
    if began_before is not None:
        in_period.append(f"{began} < %s")
        extra.append(ops.adapt_datetimefield_value(began_before))
    # Column names are the first SELECT's of the union: course_id, user_id, due_date,
    # alternative_done.
    sql = (
        'SELECT person."course_id", u."department_id", COUNT(*), '  # noqa: S608 - see the module docstring  # nosec B608
        'SUM(CASE WHEN person."due" < %s AND e."completed_at" IS NULL AND person."alternative_done" = 0 '
        "THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {' AND '.join(in_period)} THEN 1 ELSE 0 END) "
        f'FROM (SELECT "course_id", "user_id", MIN("due_date") AS "due", MAX("alternative_done") AS "alternative_done" '
        f"FROM ({inner}) assignees "
        'GROUP BY "course_id", "user_id") person '
        f'INNER JOIN {quote(user)} u ON u."id" = person."user_id" '
        f'LEFT OUTER JOIN {quote(enrolment)} e ON e."user_id" = person."user_id" AND e."course_id" = person."course_id" '
        'GROUP BY person."course_id", u."department_id"'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ops.adapt_datefield_value(today), *extra, *params])
        return {
            (course_id, department_id): AssignmentFigures(
                assigned=assigned, overdue=overdue or 0, enrolled_too=enrolled_too or 0
            )
            for course_id, department_id, assigned, overdue, enrolled_too in cursor
        }
