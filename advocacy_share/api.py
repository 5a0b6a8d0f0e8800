"""What other parts of the project may call in the advocacy layer (``lms.home`` for /me/, the
roles and the demo). Returns ``advocacy_share.data`` dataclasses, never models."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from advocacy_share.data import AdvocacyCard, WeeklyActivity
from advocacy_share.demo import demo_advocacy
from advocacy_share.models import SHARE_NETWORK_CHOICES
from advocacy_share.roles import advocacy_manager_permissions, hr_editor_permissions
from advocacy_share.selectors import leaderboard as leaderboard_selectors
from advocacy_share.selectors.programme import sharing_state
from advocacy_share.services import points as points_services
from lms.people.models import User

__all__ = [
    "advocacy_card",
    "advocacy_manager_permissions",
    "demo_advocacy",
    "hr_editor_permissions",
    "preferences_save",
    "share_networks",
    "weekly_activity",
]


def share_networks() -> tuple[tuple[str, str], ...]:
    """The networks advocacy shares to: (code, label in the current language)."""
    return tuple((code, str(label)) for code, label in SHARE_NETWORK_CHOICES)


def advocacy_card(user: User | AnonymousUser) -> AdvocacyCard | None:
    """/me/'s advocacy card: whether /advocacy/ is open to the user (asked now), their points,
    badges and preferences. ``None`` for an anonymous user."""
    if not isinstance(user, User):
        return None
    return leaderboard_selectors.advocacy_card(user, allowed=sharing_state(user).allowed)


def preferences_save(user: User, *, leaderboard_opt_in: bool, audience: dict[str, int]) -> None:
    """Save the leaderboard opt-in and the declared audience sizes per network (≥ 0)."""
    points_services.preferences_save(user.pk, leaderboard_opt_in=leaderboard_opt_in, audience=audience)


# --- HR overview ---------------------------------------------------------------------------

# Advocacy figures by department are shown only for groups of at least this many certified
# people; smaller departments are merged into "Other".
MINIMUM_GROUP = 5
# Who sees the advocacy part of the HR overview: the advocacy dashboard's right, which the
# Advocacy managers group holds (HR editors do not have it).
OVERVIEW_PERMISSION = "advocacy_share.view_analytics"

from typing import TYPE_CHECKING  # noqa: E402  (this section stays self-contained)

if TYPE_CHECKING:
    from datetime import datetime

    from advocacy_share.data import AdvocacyOverview


def advocacy_overview(
    *,
    weeks: int = 12,
    recent_weeks: int = 4,
    minimum_group: int = MINIMUM_GROUP,
    other_label: str = "",
    now: datetime | None = None,
) -> AdvocacyOverview:
    """Shares per week over the last ``weeks`` weeks, and by department the people certified
    for advocacy now, the active sharers and their shares over the last ``recent_weeks`` weeks.

    Departments with fewer than ``minimum_group`` certified people, and people without a
    department, are merged into one "Other" row (named ``other_label``); when that row is
    itself below the minimum its figures are withheld (all 0, ``hidden``). Aggregates only;
    three queries whatever the number of people.
    """
    from datetime import timedelta

    from django.utils import timezone

    from advocacy_share.data import AdvocacyOverview, DepartmentAdvocacy, WeeklyCount
    from advocacy_share.selectors import overview
    from certification import api as certification_api

    if minimum_group < 1 or recent_weeks < 1:
        raise ValueError("minimum_group and recent_weeks must be at least 1")
    now = now or timezone.now()
    certified = {row.department_id: row for row in certification_api.certified_headcount(now=now)}
    sharers = overview.sharers_by_department(since=now - timedelta(weeks=recent_weeks), now=now)
    rows = []
    other = {"certified": 0, "sharers": 0, "shares": 0}
    for department_id in certified.keys() | sharers.keys():
        people = certified[department_id].people if department_id in certified else 0
        active = sharers.get(department_id, {"sharers": 0, "shares": 0, "name": ""})
        if department_id is not None and people >= minimum_group:
            name = certified[department_id].department_name
            rows.append(DepartmentAdvocacy(department_id, name, people, active["sharers"], active["shares"], False))
        else:
            other["certified"] += people
            other["sharers"] += active["sharers"]
            other["shares"] += active["shares"]
    rows.sort(key=lambda row: row.department_name.casefold())
    if any(other.values()):
        if other["certified"] < minimum_group:
            rows.append(DepartmentAdvocacy(None, other_label, 0, 0, 0, True))
        else:
            rows.append(
                DepartmentAdvocacy(None, other_label, other["certified"], other["sharers"], other["shares"], False)
            )
    return AdvocacyOverview(
        weekly_shares=tuple(
            WeeklyCount(week_start=start, count=n) for start, n in overview.shares_per_week(weeks=weeks, now=now)
        ),
        departments=tuple(rows),
        recent_weeks=recent_weeks,
        minimum_group=minimum_group,
    )


# --- advocacy analytics ------------------------------------------------------------------------


def weekly_activity(*, weeks: int = 12) -> WeeklyActivity:
    """Active advocates and posts per department and week over the last ``weeks`` weeks (1 to
    52, the current one included), read from the roll-ups in a constant number of queries.
    Privacy: departments with fewer than five active advocates over the period are merged into
    "Other"; a week with fewer than five active advocates in a group is ``None``, never a
    number. Raises ``ValueError`` for weeks out of range."""
    from advocacy_share.selectors import analytics

    return analytics.weekly_activity(weeks=weeks)
