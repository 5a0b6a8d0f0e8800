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
