"""The Wagtail admin's edit of the advocacy programme settings, audited.

Wagtail saves a settings form through the ``edit`` action of the action registry, inside a
transaction and with the signed-in admin as ``user``. The action registered here for
``AdvocacySettings`` saves every other field as usual and hands the crisis switch to
``services.programme.sharing_pause_set`` with that user as the actor: each flip made in the
admin writes one ``PauseLog`` with who and why, in the same transaction as the change.
(A ``pre_save`` signal could see the change but not who made it; a thread-local set by a
middleware would be a second, implicit path.)
"""

from __future__ import annotations

from typing import Any

from wagtail.actions import EditAction, action_registry

from advocacy_share.models import AdvocacySettings
from advocacy_share.services.programme import sharing_pause_set


class AuditedSettingsEditAction(EditAction):
    def _save_instance(self) -> None:
        instance: Any = self.instance
        wanted, reason = bool(instance.paused), instance.pause_message
        stored = AdvocacySettings.objects.filter(pk=instance.pk).values_list("paused", flat=True).first()
        instance.paused = bool(stored)  # the switch itself moves only through the service
        super()._save_instance()
        user = self.user if getattr(self.user, "is_authenticated", False) else None
        sharing_pause_set(actor=user, paused=wanted, reason=reason)
        self.instance.paused = wanted


def register() -> None:
    action_registry.register(AdvocacySettings, AuditedSettingsEditAction)
