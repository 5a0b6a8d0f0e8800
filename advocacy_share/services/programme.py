"""The crisis switch: pausing and resuming all sharing, each flip audited.

``sharing_pause_set`` is the one way the switch moves: it locks the settings row, changes
``paused`` (and, when pausing, the message the banner shows) and writes a ``PauseLog`` with who
and why, in one transaction. Setting the state it is already in changes nothing and logs
nothing, so a repeated or concurrent request flips it once. The admin settings form goes
through it too (``advocacy_share.admin_actions``).
"""

from __future__ import annotations

from django.db import transaction

from advocacy_share.models import AdvocacySettings, PauseLog
from lms.people.models import User


def sharing_pause_set(*, actor: User | None, paused: bool, reason: str = "") -> bool:
    """Pause (``paused=True``) or resume sharing. Returns whether the switch moved."""
    reason = (reason or "").strip()
    with transaction.atomic():
        pk = AdvocacySettings.load().pk
        settings = AdvocacySettings.objects.select_for_update().get(pk=pk)
        if settings.paused == paused:
            return False
        settings.paused = paused
        fields = ["paused"]
        if paused:
            settings.pause_message = reason
            fields.append("pause_message")
        settings.save(update_fields=fields)
        PauseLog.objects.create(actor=actor, paused=paused, reason=reason)
    return True
