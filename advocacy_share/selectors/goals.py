"""The programme goals against the dashboard's period, and the pilot comparison, read from the
roll-ups (``DepartmentWeek``, ``ActivityTotal``, and the active advocates of
``selectors.analytics``): a constant number of queries.

Weekly averages divide by the elapsed weeks of a period (its days so far / 7), so that the
current week, counted so far, and periods of unequal length compare fairly.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy_share.data import GoalProgress, PilotComparison, PilotMetric, PilotPeriod, percent
from advocacy_share.models import ActivityTotal, DepartmentGoal, DepartmentWeek
from advocacy_share.selectors.analytics import MIN_GROUP, active_advocates
from advocacy_share.services.analytics import week_start

TENTH = Decimal("0.1")
CENT = Decimal("0.01")
MAX_PILOT_WEEKS = 104


def elapsed_days(start: date, end: date, today: date) -> int:
    """The days of ``start`` to ``end`` (both included) elapsed by ``today``."""
    return max((min(end, today) - start).days + 1, 0)


def per_week(total: int, days: int, *, per_month: bool = False) -> Decimal | None:
    """The weekly average of ``total`` over ``days`` (or monthly: × 52 / 12), to one decimal
    (half up, rounded once); ``None`` for a period not started."""
    if not days:
        return None
    weeks_per_unit, unit = (52, 12) if per_month else (1, 1)
    return (Decimal(total * 7 * weeks_per_unit) / Decimal(days * unit)).quantize(TENTH, rounding=ROUND_HALF_UP)


def goal_progress(*, start: date, today: date | None = None) -> tuple[GoalProgress, ...]:
    """Every goal running today against the period from ``start`` (a Monday) to today: the
    whole company's first, then per department (by name) and metric. A department's figure is
    hidden when fewer than ``MIN_GROUP`` of its people were active advocates in the period.
    Three queries."""
    today = today or timezone.localdate()
    goals = [
        goal
        for goal in DepartmentGoal.objects.select_related("department").order_by("department__name", "metric", "pk")
        if goal.runs_on(today)
    ]
    if not goals:
        return ()
    days = elapsed_days(start, today, today)
    sums: dict[int, dict[str, Any]] = {
        row["department_id"]: dict(row)
        for row in DepartmentWeek.objects.filter(week__gte=start, week__lte=today)
        .values("department_id")
        .annotate(posts_sum=Sum("posts"), shares_sum=Sum("shares"), clicks_sum=Sum("qualified_clicks"))
        .order_by()
    }
    active = active_advocates(start=start, today=today)
    rows = []
    for goal in goals:
        if goal.department_id is None:
            people = sum(active.values())
            posts, shares, clicks = (
                sum(row[f"{name}_sum"] for row in sums.values()) for name in ("posts", "shares", "clicks")
            )
        else:
            people = active.get(goal.department_id, 0)
            row = sums.get(goal.department_id, {})
            posts, shares, clicks = (row.get(f"{name}_sum", 0) for name in ("posts", "shares", "clicks"))
        value: Decimal | None = {
            DepartmentGoal.Metric.ACTIVE_ADVOCATES: Decimal(people),
            DepartmentGoal.Metric.POSTS_PER_WEEK: per_week(posts, days),
            DepartmentGoal.Metric.SHARES_PER_WEEK: per_week(shares, days),
            DepartmentGoal.Metric.CLICKS_PER_MONTH: per_week(clicks, days, per_month=True),
        }[DepartmentGoal.Metric(goal.metric)]
        if goal.department_id is not None and people < MIN_GROUP:
            value = None
        rows.append(_progress(goal, value))
    return tuple(sorted(rows, key=lambda row: not row.company))


def _progress(goal: DepartmentGoal, value: Decimal | None) -> GoalProgress:
    target = Decimal(goal.target)
    if value is None:
        reached, on_track = None, None
    else:
        reached = int((value * 100 / target).quantize(Decimal(1), rounding=ROUND_HALF_UP)) if target else 100
        on_track = value >= target
    return GoalProgress(
        label=goal.department.name if goal.department else _("Whole company"),
        metric=goal.metric,
        metric_label=str(goal.get_metric_display()),
        target=target,
        value=value,
        percent=reached,
        on_track=on_track,
        company=goal.department_id is None,
    )


def pilot_periods(*, start: date, end: date, today: date) -> tuple[PilotPeriod, PilotPeriod, PilotPeriod]:
    """The pilot's weeks (Monday of ``start`` to the Sunday of ``end``), the same number of
    weeks before it, and after it; each cut at today."""
    first = week_start(start)
    weeks = (week_start(end) - first).days // 7 + 1
    span = timedelta(weeks=weeks)
    bounds = (
        ("before", _("Before the pilot"), first - span),
        ("during", _("During the pilot"), first),
        ("after", _("After the pilot"), first + span),
    )
    return tuple(  # type: ignore[return-value]
        PilotPeriod(
            name=name,
            label=label,
            start=begin,
            end=min(begin + span - timedelta(days=1), max(today, begin - timedelta(days=1))),
            days=elapsed_days(begin, begin + span - timedelta(days=1), today),
        )
        for name, label, begin in bounds
    )


def pilot_comparison(*, start: date, end: date, today: date | None = None) -> PilotComparison:
    """The key metrics before, during and after the pilot from ``start`` to ``end`` (whole
    weeks: the pilot runs from the Monday of ``start`` to the Sunday of ``end``), as weekly
    averages: active advocates per week, posts, library shares and qualified clicks per week,
    qualified clicks per post and the share of company content among library shares. Two
    queries. Raises ``ValueError`` when ``start`` is after ``end`` or today, or the pilot is
    longer than ``MAX_PILOT_WEEKS`` weeks."""
    today = today or timezone.localdate()
    if start > end or start > today:
        raise ValueError("the pilot must start by today, and before it ends")
    periods = pilot_periods(start=start, end=end, today=today)
    if (periods[1].start - periods[0].start).days // 7 > MAX_PILOT_WEEKS:
        raise ValueError(f"a pilot lasts at most {MAX_PILOT_WEEKS} weeks")
    first, last = periods[0].start, periods[2].start + (periods[1].start - periods[0].start)

    def period_of(week: date) -> int:
        return 0 if week < periods[1].start else 1 if week < periods[2].start else 2

    totals: list[dict[str, int]] = [defaultdict(int) for _period in periods]
    for row in (
        # grouped in the order of the covering index's columns: no sort, a few rows per week
        ActivityTotal.objects.filter(week__gte=first, week__lt=last, week__lte=today)
        .values("week", "network", "kind")
        .annotate(s=Sum("shares"), o=Sum("own_posts"), c=Sum("qualified_clicks"))
        .order_by()
    ):
        sums = totals[period_of(row["week"])]
        sums["posts"] += row["s"] + row["o"]
        sums["shares"] += row["s"]
        sums["clicks"] += row["c"]
        sums[row["kind"]] += row["s"]
    for week_row in (
        DepartmentWeek.objects.filter(week__gte=first, week__lt=last, week__lte=today)
        .values("week")
        .annotate(n=Sum("active_advocates"))
        .order_by()
    ):
        totals[period_of(week_row["week"])]["active"] += week_row["n"]

    def metric(code: str, label: str, compute: Any, unit: str = "", places: int = 1) -> PilotMetric:
        before, during, after = values(compute)
        return PilotMetric(code=code, label=label, before=before, during=during, after=after, unit=unit, places=places)

    def values(compute: Any) -> tuple[Decimal | None, ...]:
        return tuple(
            compute(sums, period) if period.days else None for sums, period in zip(totals, periods, strict=True)
        )

    def ratio(sums: dict[str, int], _period: PilotPeriod) -> Decimal | None:
        return (
            (Decimal(sums["clicks"]) / sums["posts"]).quantize(CENT, rounding=ROUND_HALF_UP) if sums["posts"] else None
        )

    def mix(sums: dict[str, int], _period: PilotPeriod) -> Decimal | None:
        library = sums[ActivityTotal.Kind.COMPANY] + sums[ActivityTotal.Kind.INDUSTRY]
        return percent(sums[ActivityTotal.Kind.COMPANY], library)

    def weekly(name: str):
        return lambda sums, period: per_week(sums[name], period.days)

    return PilotComparison(
        periods=periods,
        metrics=(
            metric("active", _("Active advocates per week"), weekly("active")),
            metric("posts", _("Posts per week"), weekly("posts")),
            metric("shares", _("Library shares per week"), weekly("shares")),
            metric("clicks", _("Qualified clicks per week"), weekly("clicks")),
            metric("clicks_per_post", _("Qualified clicks per post"), ratio, places=2),
            metric("company", _("Company content"), mix, "%"),
        ),
    )
