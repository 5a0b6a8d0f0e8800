"""Audit of role changes: every change of a person's groups (the roles of lms.home.roles:
HR editors, advocacy managers…) leaves a ``porte_voix.roles_changed`` log entry on the person,
with the groups added or removed and who did it (the signed-in admin user, from Wagtail's log
context; nobody for a command-line change). Log entries have no edit or delete screen."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from wagtail.log_actions import log

ROLES_CHANGED = "porte_voix.roles_changed"


def groups_changed(sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs) -> None:
    """``m2m_changed`` of ``User.groups``: log each addition and removal once it happened. A
    change made from the group's side (``group.user_set.add(...)``) is logged on each person."""
    if action not in ("post_add", "post_remove", "pre_clear") or (action != "pre_clear" and not pk_set):
        return
    from lms.people.models import User

    if reverse:
        # instance is a group; pk_set holds users
        people = list(User.objects.filter(pk__in=list(pk_set or ())))
        if action == "pre_clear":
            people = list(instance.user_set.all())
        for person in people:
            _log(person, [instance.name], removed=action != "post_add")
        return
    if action == "pre_clear":
        names = list(instance.groups.values_list("name", flat=True))
    else:
        names = list(Group.objects.filter(pk__in=list(pk_set or ())).values_list("name", flat=True))
    if names:
        _log(instance, names, removed=action != "post_add")


def _log(person: Any, names: list[str], *, removed: bool) -> None:
    data = {"added": [], "removed": sorted(names)} if removed else {"added": sorted(names), "removed": []}
    log(instance=person, action=ROLES_CHANGED, data=data)
