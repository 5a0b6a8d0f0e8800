"""Reads for the HR overview: certificate status by department (the certification report's
summary, folded over programmes), certificates issued per week and the people certified for
advocacy by department. One query each, whatever the number of certificates."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from certification import selectors
from certification.models import Certificate

EXPIRING = (selectors.EXPIRING_30, selectors.EXPIRING_60, selectors.EXPIRING_90)


def week_starts(*, weeks: int, today: date) -> list[date]:
    """The Mondays of the last ``weeks`` weeks, the current week's last."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def issued_per_week(*, weeks: int, now: datetime) -> list[tuple[date, int]]:
    """``(monday, certificates issued that week)`` over the last ``weeks`` weeks, renewals
    included, revoked ones too (they were issued). One query."""
    starts = week_starts(weeks=weeks, today=timezone.localdate(now))
    since = timezone.make_aware(datetime.combine(starts[0], time.min))
    grouped = (
        Certificate.objects.filter(issued_at__gte=since, issued_at__lte=now)
        .annotate(week=TruncWeek("issued_at"))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found: dict[date, int] = defaultdict(int)
    for row in grouped:
        found[timezone.localtime(row["week"]).date()] += row["n"]
    return [(start, found[start]) for start in starts]


def status_by_department(*, now: datetime, no_department_label: str) -> list[dict[str, Any]]:
    """The certification report's counts (current cycle of each holder and programme) by
    department, every programme added up. Departments by name, no department last. One query."""
    summary = selectors.report_summary(selectors.report_certificates(now=now), no_department_label=no_department_label)
    totals: dict[int | None, dict[str, Any]] = {}
    for row in summary.rows:
        cell = totals.setdefault(
            row.department_id,
            {
                "department_id": row.department_id,
                "department_name": row.department_name,
                "valid": 0,
                "expiring": 0,
                "expired": 0,
                "revoked": 0,
            },
        )
        cell["valid"] += row.counts[selectors.VALID]
        cell["expiring"] += sum(row.counts[bucket] for bucket in EXPIRING)
        cell["expired"] += row.counts[selectors.BUCKET_EXPIRED]
        cell["revoked"] += row.counts[selectors.BUCKET_REVOKED]
    return list(totals.values())  # report_summary's order: by department, none last


def certified_by_department(*, now: datetime) -> list[dict[str, Any]]:
    """Active people holding a certificate valid at ``now`` of an active programme that unlocks
    advocacy (the advocacy gate's certificate), counted once each, by department. One query."""
    grouped = (
        Certificate.objects.filter(program__unlocks_advocacy=True, program__active=True, user__is_active=True)
        .exclude(status=Certificate.Status.REVOKED)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .values("user__department_id", "user__department__name")
        .annotate(people=Count("user_id", distinct=True))
        .order_by()
    )
    return [
        {
            "department_id": row["user__department_id"],
            "department_name": row["user__department__name"] or "",
            "people": row["people"],
        }
        for row in grouped
    ]
