"""Reads for the HR overview: the training report summed up by department, and course
completions per week. A fixed number of queries, whatever the number of people."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import timezone

from courses.models import Enrollment
from courses.selectors.training import ReportFilters, training_report


def week_starts(*, weeks: int, today: date) -> list[date]:
    """The Mondays of the last ``weeks`` weeks, the current week's last."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def weekly_counts(queryset: Any, field: str, *, weeks: int, today: date) -> list[tuple[date, int]]:
    """``(monday, count)`` of the rows of ``queryset`` by the local week of ``field`` over the
    last ``weeks`` weeks (weeks without rows count 0). One GROUP BY query."""
    starts = week_starts(weeks=weeks, today=today)
    since = timezone.make_aware(datetime.combine(starts[0], time.min))
    grouped = (
        queryset.filter(**{f"{field}__gte": since})
        .annotate(week=TruncWeek(field))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found: dict[date, int] = defaultdict(int)
    for row in grouped:
        found[timezone.localtime(row["week"]).date()] += row["n"]
    return [(start, found[start]) for start in starts]


def completions_per_week(*, weeks: int, today: date | None = None) -> list[tuple[date, int]]:
    """Course completions by active people per week (one query)."""
    today = today or timezone.localdate()
    completed = Enrollment.objects.filter(user__is_active=True, completed_at__isnull=False)
    return weekly_counts(completed, "completed_at", weeks=weeks, today=today)


def training_by_department(*, today: date | None = None) -> list[dict[str, Any]]:
    """The training report (every course, no period) summed by department: assigned, enrolled,
    completed and overdue. Departments by name, people without one last. The report's queries."""
    totals: dict[int | None, dict[str, Any]] = {}
    for row in training_report(filters=ReportFilters(), today=today):
        cell = totals.setdefault(
            row["department_id"],
            {
                "department_id": row["department_id"],
                "department_name": row["department_name"],
                "assigned": 0,
                "enrolled": 0,
                "completed": 0,
                "overdue": 0,
            },
        )
        for figure in ("assigned", "enrolled", "completed", "overdue"):
            cell[figure] += row[figure]
    return sorted(totals.values(), key=lambda cell: (cell["department_id"] is None, cell["department_name"].casefold()))
