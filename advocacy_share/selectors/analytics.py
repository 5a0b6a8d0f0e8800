"""The advocacy dashboard's figures, read from the roll-ups (``models.analytics``) only: a
constant number of queries whatever the number of shares and visits, each a range read on an
index (distinct active advocates from ``ActivityPerson``, sums from covering indexes).

Privacy: people are named only when they opted in to the leaderboard; a breakdown by
department shows a group only when at least ``MIN_GROUP`` people are behind it; smaller groups
(and people with no department) are merged into "Other", itself shown only when it reaches
``MIN_GROUP``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy_share.data import (
    AdvocacyDashboard,
    DepartmentActivity,
    DepartmentWeeks,
    NetworkValue,
    RankedItem,
    WeekActivity,
    WeeklyActivity,
    percent,
)
from advocacy_share.models import (
    SHARE_NETWORK_CHOICES,
    ActivityPerson,
    ActivityTotal,
    ActivityWeek,
    AdvocacySettings,
    AdvocateProfile,
    Campaign,
    DepartmentWeek,
    ShareableContent,
)
from advocacy_share.services.analytics import week_start
from certification import api as certification_api
from lms.people.models import Department, User

PERIOD_WEEKS = (4, 12, 26)
MIN_GROUP = 5
TOP = 10
CENT = Decimal("0.01")


def period_start(weeks: int, today: date) -> date:
    """The Monday ``weeks - 1`` weeks before the current week's: the period is ``weeks`` weeks,
    this one included."""
    return week_start(today) - timedelta(weeks=weeks - 1)


def media_value(*, reach: int, clicks: int, cpm: Decimal, cpc: Decimal) -> Decimal:
    """Earned media value: reach / 1000 × CPM + qualified clicks × CPC, to the cent (half up)."""
    return (Decimal(reach) / 1000 * cpm + clicks * cpc).quantize(CENT, rounding=ROUND_HALF_UP)


def dashboard(*, weeks: int, today: date | None = None) -> AdvocacyDashboard:
    """Every figure of ``/advocacy/analytics/`` over the last ``weeks`` weeks (4, 12 or 26),
    from the roll-ups. ``today`` ends the period: nobody has posted after it (it is the real
    today, or a test's frozen one). Raises ``ValueError`` for another number of weeks."""
    if weeks not in PERIOD_WEEKS:
        raise ValueError(f"weeks must be one of {PERIOD_WEEKS}")
    today = today or timezone.localdate()
    start = period_start(weeks, today)
    days = ActivityTotal.objects.filter(week__gte=start, week__lte=today)
    people = ActivityWeek.objects.filter(week__gte=start, week__lte=today)
    active = active_advocates(start=start, today=today)
    settings = AdvocacySettings.load()
    funnel = certification_api.advocacy_funnel()
    networks = [code for code, _label in SHARE_NETWORK_CHOICES]

    week_starts = [start + timedelta(weeks=n) for n in range(weeks)]
    posts_per_week: dict[date, int] = defaultdict(int)
    clicks_per_week: dict[date, int] = defaultdict(int)
    shares_per_week: dict[tuple[date, str], int] = defaultdict(int)
    per_network: dict[str, dict[str, int]] = {code: defaultdict(int) for code in networks}
    per_kind: dict[str, int] = defaultdict(int)
    rows = (
        days.values("week", "network", "kind")
        .annotate(s=Sum("shares"), o=Sum("own_posts"), c=Sum("qualified_clicks"), r=Sum("reach"))
        .order_by()
    )
    for row in rows:
        week = row["week"]
        posts_per_week[week] += row["s"] + row["o"]
        clicks_per_week[week] += row["c"]
        shares_per_week[(week, row["network"])] += row["s"]
        per_kind[row["kind"]] += row["s"] + row["o"]
        totals = per_network.setdefault(row["network"], defaultdict(int))
        totals["posts"] += row["s"] + row["o"]
        totals["shares"] += row["s"]
        totals["clicks"] += row["c"]
        totals["reach"] += row["r"]

    network_values = _network_values(settings, per_network)
    top_content, top_campaigns = _top_items(days)
    shares = sum(t["shares"] for t in per_network.values())
    posts = sum(t["posts"] for t in per_network.values())
    clicks = sum(t["clicks"] for t in per_network.values())
    company, industry = per_kind[ActivityTotal.Kind.COMPANY], per_kind[ActivityTotal.Kind.INDUSTRY]
    return AdvocacyDashboard(
        weeks=weeks,
        start=start,
        end=today,
        employees=funnel.employees,
        enrolled=funnel.enrolled,
        certified=funnel.certified,
        active_advocates=sum(active.values()),
        posts=posts,
        shares=shares,
        own_posts=posts - shares,
        qualified_clicks=clicks,
        clicks_per_post=(Decimal(clicks) / posts).quantize(CENT, rounding=ROUND_HALF_UP) if posts else None,
        company_posts=company,
        industry_posts=industry,
        company_percent=percent(company, company + industry),
        mix_target_percent=settings.mix_target_percent,
        reach=sum(t["reach"] for t in per_network.values()),
        emv_low=sum((n.emv_low for n in network_values), Decimal("0.00")),
        emv_high=sum((n.emv_high for n in network_values), Decimal("0.00")),
        rates_set=any(n.cpm_high or n.cpc_high for n in network_values),
        min_group=MIN_GROUP,
        network_labels=tuple(str(label) for _code, label in SHARE_NETWORK_CHOICES),
        networks=tuple(network_values),
        series=tuple(
            WeekActivity(
                week=week,
                posts=posts_per_week[week],
                shares_by_network=tuple(shares_per_week[(week, code)] for code in networks),
                qualified_clicks=clicks_per_week[week],
            )
            for week in week_starts
        ),
        top_content=top_content,
        top_campaigns=top_campaigns,
        departments=_departments(active, start=start, today=today),
        top_advocates=_top_advocates(people),
    )


def active_advocates(*, start: date, today: date) -> dict[int, int]:
    """The people who posted at least once from ``start`` (a Monday) to ``today``, per
    department (0: none), each in their department as of their latest post: the people whose
    latest week with a post is in the period (nobody posts after today). One query, on an
    index."""
    return dict(
        ActivityPerson.objects.filter(last_week__gte=start, last_week__lte=today)
        .values("department_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("department_id", "n")
    )


def _network_values(settings: AdvocacySettings, per_network: dict[str, dict[str, int]]) -> list[NetworkValue]:
    labels = dict(SHARE_NETWORK_CHOICES)
    values = []
    for code, totals in per_network.items():
        cpm_low, cpm_high, cpc_low, cpc_high = settings.media_rates(code)
        reach, clicks = totals["reach"], totals["clicks"]
        values.append(
            NetworkValue(
                network=code,
                label=str(labels.get(code, code)),
                posts=totals["posts"],
                reach=reach,
                qualified_clicks=clicks,
                cpm_low=cpm_low,
                cpm_high=cpm_high,
                cpc_low=cpc_low,
                cpc_high=cpc_high,
                emv_low=media_value(reach=reach, clicks=clicks, cpm=cpm_low, cpc=cpc_low),
                emv_high=media_value(reach=reach, clicks=clicks, cpm=cpm_high, cpc=cpc_high),
            )
        )
    return values


def _top_items(days: QuerySet[ActivityTotal]) -> tuple[tuple[RankedItem, ...], tuple[RankedItem, ...]]:
    """The top content and the top campaigns (by library shares, then qualified clicks), from
    one sum per content item (its campaign with it): one query, then the titles and the names."""
    per_content = list(
        days.exclude(content_id=0)
        .values("content_id", "campaign_id")
        .annotate(s=Sum("shares"), c=Sum("qualified_clicks"))
        .order_by()
    )
    per_campaign: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in per_content:
        if row["campaign_id"]:
            per_campaign[row["campaign_id"]][0] += row["s"]
            per_campaign[row["campaign_id"]][1] += row["c"]
    content: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in per_content:
        content[row["content_id"]][0] += row["s"]
        content[row["content_id"]][1] += row["c"]
    top_content = sorted(content.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))[:TOP]
    top_campaigns = sorted(per_campaign.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))[:TOP]
    titles = dict(ShareableContent.objects.filter(pk__in=[pk for pk, _sums in top_content]).values_list("pk", "title"))
    names = dict(Campaign.objects.filter(pk__in=[pk for pk, _sums in top_campaigns]).values_list("pk", "name"))
    return (
        tuple(RankedItem(titles.get(pk, _("(deleted item)")), s, c) for pk, (s, c) in top_content),
        tuple(RankedItem(names.get(pk, _("(deleted campaign)")), s, c) for pk, (s, c) in top_campaigns),
    )


def _departments(active: dict[int, int], *, start: date, today: date) -> tuple[DepartmentActivity, ...]:
    """Active advocates (``active``: per department) and posts per department, groups under
    ``MIN_GROUP`` people merged into "Other" (with the people of no department); "Other" under
    ``MIN_GROUP`` is left out. Two queries."""
    posts = dict(
        DepartmentWeek.objects.filter(week__gte=start, week__lte=today, posts__gt=0)
        .values("department_id")
        .annotate(p=Sum("posts"))
        .order_by()
        .values_list("department_id", "p")
    )
    groups = [{"department_id": d, "n": active.get(d, 0), "p": posts.get(d, 0)} for d in {*active, *posts}]
    shown = [g for g in groups if g["department_id"] and g["n"] >= MIN_GROUP]
    merged = [g for g in groups if g not in shown]
    names = dict(Department.objects.filter(pk__in=[g["department_id"] for g in shown]).values_list("pk", "name"))
    rows = sorted(
        (DepartmentActivity(names.get(g["department_id"], "?"), g["n"], g["p"]) for g in shown),
        key=lambda d: (-d.posts, d.label),
    )
    other_people = sum(g["n"] for g in merged)
    if other_people >= MIN_GROUP:
        rows.append(DepartmentActivity(_("Other"), other_people, sum(g["p"] for g in merged), other=True))
    return tuple(rows)


def _top_advocates(people: QuerySet[ActivityWeek]) -> tuple[RankedItem, ...]:
    """The most active advocates among those who opted in to the leaderboard (by posts)."""
    opted_in = AdvocateProfile.objects.filter(leaderboard_opt_in=True).values("user_id")
    top = list(
        people.filter(user_id__in=opted_in, posts__gt=0)
        .values("user_id")
        .annotate(p=Sum("posts"))
        .order_by("-p", "user_id")[:TOP]
    )
    users = {u.pk: u for u in User.objects.filter(pk__in=[r["user_id"] for r in top])}
    return tuple(RankedItem(users[r["user_id"]].get_display_name(), r["p"]) for r in top if r["user_id"] in users)


def weekly_activity(*, weeks: int, today: date | None = None) -> WeeklyActivity:
    """Active advocates and posts per department and week over the last ``weeks`` weeks (1 to
    52), from the roll-ups (two queries). A department with fewer than ``MIN_GROUP`` active
    advocates over the period joins "Other" (with the people of no department); a cell with
    fewer than ``MIN_GROUP`` active advocates is ``None``. Raises ``ValueError`` for weeks out
    of range."""
    if not 1 <= weeks <= 52:
        raise ValueError("weeks must be between 1 and 52")
    today = today or timezone.localdate()
    start = period_start(weeks, today)
    mondays = tuple(start + timedelta(weeks=n) for n in range(weeks))
    people = ActivityWeek.objects.filter(week__gte=start, week__lte=today, posts__gt=0)
    sizes = {
        row["department_id"]: row["n"]
        for row in people.values("department_id").annotate(n=Count("user_id", distinct=True)).order_by()
    }
    shown = {dept for dept, n in sizes.items() if dept and n >= MIN_GROUP}
    cells: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
    for row in people.values("department_id", "week").annotate(n=Count("user_id"), p=Sum("posts")).order_by():
        group = row["department_id"] if row["department_id"] in shown else 0
        cells[(group, row["week"])][0] += row["n"]
        cells[(group, row["week"])][1] += row["p"]
    names = dict(Department.objects.filter(pk__in=shown).values_list("pk", "name")) if shown else {}

    def series(group: int, label: str, other: bool = False) -> DepartmentWeeks:
        counts = [cells.get((group, monday), [0, 0]) for monday in mondays]
        return DepartmentWeeks(
            label=label,
            active_advocates=tuple(n if n >= MIN_GROUP else None for n, _p in counts),
            posts=tuple(p if n >= MIN_GROUP else None for n, p in counts),
            other=other,
        )

    rows = sorted((series(dept, names.get(dept, "?")) for dept in shown), key=lambda d: d.label)
    if sum(n for dept, n in sizes.items() if dept not in shown) >= MIN_GROUP:
        rows.append(series(0, _("Other"), other=True))
    return WeeklyActivity(weeks=mondays, departments=tuple(rows), min_group=MIN_GROUP)
