"""Who may use advocacy now: the certification gate, the pilot group and the crisis switch.

Evaluated on every request (``certification.api.advocacy_access`` is never cached as a role);
the programme settings are one row (plus the pilot lists while a pilot runs).
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from advocacy_share.data import SharingState
from advocacy_share.models import AdvocacySettings
from certification import api as certification_api
from lms.people.models import User

NOT_IN_PILOT = "not_in_pilot"
PAUSED = "paused"


def programme_settings() -> AdvocacySettings:
    return AdvocacySettings.load()


def in_programme(user: User, settings: AdvocacySettings, today: date | None = None) -> bool:
    """Whether the programme is open to ``user``: open to all, opened to all on its date, or
    the user is a pilot member (named or through their department)."""
    if settings.audience == AdvocacySettings.Audience.EVERYONE:
        return True
    today = today or timezone.localdate()
    if settings.opens_to_all_on is not None and settings.opens_to_all_on <= today:
        return True
    if settings.pilot_users.filter(pk=user.pk).exists():
        return True
    return user.department_id is not None and settings.pilot_departments.filter(pk=user.department_id).exists()


def sharing_state(user: User | AnonymousUser) -> SharingState:
    """The gate for every advocacy page and share action (see ``SharingState``)."""
    access = certification_api.advocacy_access(user)
    settings = programme_settings()

    def state(allowed: bool, may_share: bool, reason: str = "", next_step_url: str = "") -> SharingState:
        return SharingState(
            allowed=allowed,
            may_share=may_share,
            reason=reason,
            next_step_url=next_step_url,
            certificate_expires_at=access.expires_at,
            opens_to_all_on=settings.opens_to_all_on if reason == NOT_IN_PILOT else None,
            hr_contact=settings.hr_contact,
            paused=settings.paused,
            pause_message=settings.pause_message,
        )

    if not access.allowed:
        return state(False, False, access.reason, access.next_step_url)
    assert isinstance(user, User)  # noqa: S101 - narrows the type; the access check is above  # nosec B101
    if not in_programme(user, settings):
        return state(False, False, NOT_IN_PILOT)
    if settings.paused:
        return state(True, False, PAUSED)
    return state(True, True)
