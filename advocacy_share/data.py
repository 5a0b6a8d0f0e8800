"""What the advocacy layer hands to the layer above (``lms.home``) and to its own templates:
frozen dataclasses, no models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class SharingState:
    """Whether a user may use advocacy now, and whether they may share.

    ``allowed``: the advocacy pages open (a valid certificate, the policy acknowledged when the
    programme asks, and the programme open to them). ``may_share``: allowed and sharing not
    paused by the crisis switch. Otherwise ``reason`` says why: the certification gate's
    reasons (``no_certificate``, ``expired``, ``revoked``, ``policy_reacknowledgement``),
    ``not_in_pilot`` or ``paused``; ``next_step_url`` where one exists."""

    allowed: bool
    may_share: bool
    reason: str = ""
    next_step_url: str = ""
    certificate_expires_at: datetime | None = None
    opens_to_all_on: date | None = None
    hr_contact: str = ""
    paused: bool = False
    pause_message: str = ""


@dataclass(frozen=True)
class MixSuggestion:
    """An industry item offered to balance an employee's mix (feed, "Balance your mix")."""

    content_id: int
    title: str
    summary: str
    url: str


@dataclass(frozen=True)
class MixNudge:
    """An employee's share of company content over the last ``days`` days against the
    programme's target (at most ``target_percent`` % company content).

    Counted: their shares of library items (status shared or reminded), one per network shared
    on; their own posts are left out of the ratio (they are neither company nor industry
    content from the library). ``percent`` is ``None`` when there is no share yet.
    ``suggestions``: up to three industry items they have not shared, when above target."""

    days: int
    total: int
    company: int
    target_percent: int
    percent: int | None = None
    above_target: bool = False
    suggestions: tuple[MixSuggestion, ...] = ()


@dataclass(frozen=True)
class SharedSummary:
    """What an employee already did with one library item: the networks they shared it on
    (shares shared or reminded) and the qualified clicks on those shares' links."""

    networks: tuple[str, ...]
    clicks: int
