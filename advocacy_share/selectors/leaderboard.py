"""Leaderboards, read from the per-period totals only (never a scan of the ledger).

Who appears: people who opted in (``PointsTotal.visible``, a copy of the opt-in) with more
than zero points in the period, in the whole company or the viewer's department. Ranks are
competition ranks among them (ties share a rank). The viewer always sees their own standing;
when opted out, it is where they would stand among visible people, shown to them alone, and
nobody else's rank counts them. A constant number of queries whatever the number of people.

The top rows are read live, the first rows of a partial index. A viewer beyond them takes their
rank from the last roll-up (``RankBand``, rewritten every minute by the beat), one row whatever
the number of people; the page says when that rank was worked out.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy_share.data import AdvocacyCard, Badge, Leaderboard, LeaderboardRow, ViewerStanding
from advocacy_share.models import SHARE_NETWORK_CHOICES, AdvocateProfile, BadgeAward, PointsTotal, RankBand, Share
from advocacy_share.services.points import period_starts, user_points
from lms.people.models import Department, User

PERIODS = tuple(PointsTotal.Period.values)
COMPANY, DEPARTMENT = "company", "department"
SCOPES = (COMPANY, DEPARTMENT)
TOP = 20


def display_name(display: str, first: str, last: str) -> str:
    """The chosen display name, else first name and initial; never the email."""
    if display.strip():
        return display.strip()
    first, last = first.strip(), last.strip()
    if first:
        return f"{first} {last[0]}." if last else first
    return _("A colleague")


def user_badges(user_ids: list[int]) -> dict[int, tuple[Badge, ...]]:
    """Badges per user, in the order of ``BadgeAward.Badge`` (one query)."""
    order = {code: i for i, code in enumerate(BadgeAward.Badge.values)}
    codes: dict[int, list[str]] = {}
    for user_id, badge in BadgeAward.objects.filter(user_id__in=user_ids).values_list("user_id", "badge"):
        codes.setdefault(user_id, []).append(badge)
    labels = dict(BadgeAward.Badge.choices)
    return {
        user_id: tuple(Badge(code, str(labels.get(code, code))) for code in sorted(found, key=order.__getitem__))
        for user_id, found in codes.items()
    }


def rank_band_above(period: str, start: date, scope_id: int, points: int) -> tuple[int, datetime] | None:
    """From the last roll-up (``services.points.ranks_rollup``): how many visible people had
    more than ``points``, and when it ran; ``None`` when this period and scope have no roll-up
    (one indexed row)."""
    return (
        RankBand.objects.filter(period=period, period_start=start, scope_id=scope_id, points__gt=points)
        .order_by("points")
        .values_list("at_least", "computed_at")
        .first()
    )


def leaderboard(viewer: User, period: str, scope: str, today: date | None = None) -> Leaderboard:
    """The top ``TOP`` visible people of ``period`` in ``scope`` and the viewer's standing."""
    start = period_starts(today or timezone.localdate())[period]
    totals = PointsTotal.objects.filter(period=period, period_start=start)
    department_name = ""
    if scope == DEPARTMENT:
        totals = totals.filter(department_id=viewer.department_id)
        department_name = (
            Department.objects.filter(pk=viewer.department_id or 0).values_list("name", flat=True).first() or ""
        )
    shown = totals.filter(visible=True, points__gt=0)
    top = list(
        shown.order_by("-points", "user_id").values_list(
            "user_id", "points", "user__display_name", "user__first_name", "user__last_name"
        )[:TOP]
    )
    own = totals.filter(user_id=viewer.pk).values_list("points", "visible").first()
    mine, visible = own if own is not None else (0, False)
    opted_in = visible or (
        own is None and AdvocateProfile.objects.filter(user=viewer, leaderboard_opt_in=True).exists()
    )
    badges = user_badges([row[0] for row in top] + [viewer.pk])
    rows: list[LeaderboardRow] = []
    for i, (user_id, points, display, first, last) in enumerate(top):
        rank = rows[-1].rank if rows and rows[-1].points == points else i + 1
        rows.append(
            LeaderboardRow(
                rank=rank,
                name=display_name(display, first, last),
                points=points,
                badges=badges.get(user_id, ()),
                is_viewer=user_id == viewer.pk,
            )
        )
    in_top = any(row.is_viewer for row in rows)
    ranked_at = None
    if in_top:
        rank = next(row.rank for row in rows if row.is_viewer)
    elif len(rows) < TOP:  # every visible person is in ``rows``
        rank = 1 + sum(1 for row in rows if row.points > mine)
    else:
        scope_id = viewer.department_id if scope == DEPARTMENT else RankBand.COMPANY
        band = rank_band_above(period, start, scope_id or 0, mine)
        if band is None:  # not rolled up yet this period: count (an index range)
            rank = 1 + shown.filter(points__gt=mine).count()
        else:
            above, ranked_at = band
            # The bands may be a minute old; the top rows are not: everyone in them with more
            # points is ahead of the viewer, whatever the bands say.
            rank = max(1 + above, 1 + sum(1 for row in rows if row.points > mine))
    return Leaderboard(
        period=period,
        scope=scope,
        period_start=start,
        rows=tuple(rows),
        viewer=ViewerStanding(
            rank=rank,
            points=mine,
            visible=opted_in,
            in_top=in_top,
            badges=badges.get(viewer.pk, ()),
            ranked_at=ranked_at,
        ),
        department_name=department_name,
    )


def advocacy_card(user: User, allowed: bool) -> AdvocacyCard:
    """/me/: points, badges and preferences of ``user``."""
    all_time, this_month = user_points(user.pk)
    profile = AdvocateProfile.objects.filter(user=user).values_list("leaderboard_opt_in", "audience").first()
    opt_in, audience = profile if profile is not None else (False, {})
    audience = audience if isinstance(audience, dict) else {}
    return AdvocacyCard(
        allowed=allowed,
        points_all_time=all_time,
        points_this_month=this_month,
        badges=user_badges([user.pk]).get(user.pk, ()),
        leaderboard_opt_in=opt_in,
        audience=tuple(
            (code, str(label), audience.get(code) if isinstance(audience.get(code), int) else None)
            for code, label in SHARE_NETWORK_CHOICES
        ),
        # Only asked of someone who may share: the others are not invited to.
        has_shared=allowed and Share.objects.filter(user_id=user.pk, status=Share.Status.SHARED).exists(),
    )
