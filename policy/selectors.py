"""Reads of the policy layer."""

from __future__ import annotations

import difflib
from typing import Any

from django.db.models import Exists, OuterRef

from lms.i18n import language_code
from policy.models import PolicyAcknowledgement, PolicyPage, PolicyVersion


def policy_page() -> PolicyPage | None:
    return PolicyPage.objects.live().first()


def policy_url() -> str:
    page = PolicyPage.objects.live().only("url_path").first()
    return (page.url or "/policy/") if page else "/policy/"


def current_version_row() -> PolicyVersion | None:
    return PolicyVersion.objects.select_related("page").order_by("-number").first()


def acknowledged_version_numbers(*, user) -> set[int]:
    return set(PolicyAcknowledgement.objects.filter(user=user).values_list("version__number", flat=True))


def reading_state(*, user) -> dict[str, Any]:
    """What a user needs to know about the policy: current version, acknowledged or not."""
    current = current_version_row()
    if current is None or not getattr(user, "is_authenticated", False):
        return {
            "current_version": current,
            "acknowledged": False,
            "needs_reacknowledgement": False,
            "last_acknowledged": None,
        }
    numbers = acknowledged_version_numbers(user=user)
    acknowledged = current.number in numbers
    last = max(numbers) if numbers else None
    return {
        "current_version": current,
        "acknowledged": acknowledged,
        "needs_reacknowledgement": bool(numbers) and not acknowledged,
        "last_acknowledged": last,
    }


def changes_since(*, number: int | None) -> list[PolicyVersion]:
    versions = PolicyVersion.objects.order_by("number")
    if number is not None:
        versions = versions.filter(number__gt=number)
    return list(versions)


def version_diff(*, older: PolicyVersion, newer: PolicyVersion, language: str | None = None) -> list[dict[str, str]]:
    """Line diff between two versions' texts: rows of (kind, text) with kind in {same, added, removed}."""
    language = language_code(language)
    field = "text_en" if language == "en" and newer.text_en and older.text_en else "text_fr"
    rows = []
    for line in difflib.ndiff(getattr(older, field).splitlines(), getattr(newer, field).splitlines()):
        tag, text = line[:2], line[2:]
        if tag == "? ":
            continue
        rows.append({"kind": {"  ": "same", "+ ": "added", "- ": "removed"}[tag], "text": text})
    return rows


def acknowledgement_report(*, department_id: int | None = None):
    """Active users annotated with whether they acknowledged the current version."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    current = current_version_row()
    users = User.objects.filter(is_active=True).select_related("department").order_by("department__name", "email")
    if department_id:
        users = users.filter(department_id=department_id)
    if current is None:
        return users.none(), None
    acks = PolicyAcknowledgement.objects.filter(user=OuterRef("pk"), version=current)
    users = users.annotate(has_acknowledged=Exists(acks))
    return users, current


def acknowledged_current_at(*, user):
    current = current_version_row()
    if current is None or not getattr(user, "pk", None):
        return None
    return (
        PolicyAcknowledgement.objects.filter(user=user, version=current)
        .values_list("acknowledged_at", flat=True)
        .first()
    )


def users_with_acknowledgements_since(*, since) -> set[int]:
    return set(PolicyAcknowledgement.objects.filter(acknowledged_at__gte=since).values_list("user_id", flat=True))
