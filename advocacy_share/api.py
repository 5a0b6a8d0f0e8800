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


# --- advocacy analytics ------------------------------------------------------------------------


def weekly_activity(*, weeks: int = 12) -> WeeklyActivity:
    """Active advocates and posts per department and week over the last ``weeks`` weeks (1 to
    52, the current one included), read from the roll-ups in a constant number of queries.
    Privacy: departments with fewer than five active advocates over the period are merged into
    "Other"; a week with fewer than five active advocates in a group is ``None``, never a
    number. Raises ``ValueError`` for weeks out of range."""
    from advocacy_share.selectors import analytics

    return analytics.weekly_activity(weeks=weeks)
