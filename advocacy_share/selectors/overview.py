"""Reads for the HR overview: shares per week and the people who shared lately, by
department. Read from ``Share`` directly (``created_at`` is indexed); one GROUP BY query each,
whatever the number of people and shares."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import timezone

from advocacy_share.models import Share


def week_starts(*, weeks: int, today: date) -> list[date]:
    """The Mondays of the last ``weeks`` weeks, the current week's last."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def shares_per_week(*, weeks: int, now: datetime) -> list[tuple[date, int]]:
    """``(monday, shares)`` over the last ``weeks`` weeks: shares recorded as shared (not the
    scheduled reminders, nor cancelled ones), by everyone."""
    starts = week_starts(weeks=weeks, today=timezone.localdate(now))
    since = timezone.make_aware(datetime.combine(starts[0], time.min))
    grouped = (
        Share.objects.filter(status=Share.Status.SHARED, created_at__gte=since, created_at__lte=now)
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found: dict[date, int] = defaultdict(int)
    for row in grouped:
        found[timezone.localtime(row["week"]).date()] += row["n"]
    return [(start, found[start]) for start in starts]


def sharers_by_department(*, since: datetime, now: datetime) -> dict[int | None, dict[str, Any]]:
    """``{department_id: {"name", "sharers", "shares"}}``: active people who shared since
    ``since`` (counted once) and their shares, by department (None: without one)."""
    grouped = (
        Share.objects.filter(
            status=Share.Status.SHARED, created_at__gte=since, created_at__lte=now, user__is_active=True
        )
        .values("user__department_id", "user__department__name")
        .annotate(sharers=Count("user_id", distinct=True), shares=Count("pk"))
        .order_by()
    )
    return {
        row["user__department_id"]: {
            "name": row["user__department__name"] or "",
            "sharers": row["sharers"],
            "shares": row["shares"],
        }
        for row in grouped
    }
