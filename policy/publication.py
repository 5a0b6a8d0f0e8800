"""Publishing a material change safely: what changed in each language since the current
version, how many people will have to accept again, and which version a publication created.

Read by the page form (before publishing), the "Changes" preview of the page editor and the
``after_publish_page`` hook (after publishing). Reads only; versions are recorded by
``services.policy_version_record``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from policy.models import PolicyAcknowledgement, PolicyPage, PolicyVersion
from policy.services import shown_text

LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class Audience:
    """Who a new version asks to accept: every active person; ``accepted_current`` of them
    had accepted the current version and will have to accept again."""

    current_number: int | None
    accepted_current: int
    active: int


def current_version(page: PolicyPage) -> PolicyVersion | None:
    return PolicyVersion.objects.filter(page=page).order_by("-number").first()


def text_diff(older: str, newer: str) -> list[dict[str, str]]:
    """Line diff rows ``{"kind": same | added | removed, "text": ...}``."""
    rows = []
    for line in difflib.ndiff(older.splitlines(), newer.splitlines()):
        tag, text = line[:2], line[2:]
        if tag == "? ":
            continue
        rows.append({"kind": {"  ": "same", "+ ": "added", "- ": "removed"}[tag], "text": text})
    return rows


def changed_languages(draft: PolicyPage, version: PolicyVersion) -> dict[str, bool]:
    """For each language, whether the text readers would see differs from ``version``'s."""
    stored = {"fr": version.text_fr, "en": version.text_en or version.text_fr}
    return {language: shown_text(draft, language) != stored[language] for language in LANGUAGES}


def audience() -> Audience:
    """Who publishing a material change now would ask to accept (two queries)."""
    users = get_user_model().objects.filter(is_active=True)
    version = PolicyVersion.objects.order_by("-number").first()
    accepted = PolicyAcknowledgement.objects.filter(version=version, user__is_active=True).count() if version else 0
    return Audience(current_number=version.number if version else None, accepted_current=accepted, active=users.count())


def audience_sentence(who: Audience) -> str:
    """Before publishing: what a material change would ask, in the active language."""
    if who.current_number is None:
        return ngettext(
            "Publishing creates version 1: %(active)s person will be asked to accept it.",
            "Publishing creates version 1: %(active)s people will be asked to accept it.",
            who.active,
        ) % {"active": who.active}
    values = {
        "next": who.current_number + 1,
        "number": who.current_number,
        "accepted": who.accepted_current,
        "active": who.active,
    }
    again = ngettext(
        "Publishing a material change creates version %(next)s: %(accepted)s person who accepted version "
        "%(number)s will have to accept again",
        "Publishing a material change creates version %(next)s: %(accepted)s people who accepted version "
        "%(number)s will have to accept again",
        who.accepted_current,
    )
    everyone = ngettext(
        "(%(active)s active person in all is asked).",
        "(%(active)s active people in all are asked).",
        who.active,
    )
    return f"{again % values} {everyone % values}"


def published_sentence(page: PolicyPage) -> str:
    """After publishing: the version the publication created, or that none was; empty for a
    publication scheduled later (its version is recorded when it goes live)."""
    latest = page.get_latest_revision()
    if latest is not None and latest.approved_go_live_at is not None:
        return ""
    version = PolicyVersion.objects.filter(revision_id=page.live_revision_id).first()
    if version is not None:
        who = audience()
        return ngettext(
            "Version %(number)s of the policy was created: %(active)s person is asked to accept it.",
            "Version %(number)s of the policy was created: %(active)s people are asked to accept it.",
            who.active,
        ) % {"number": version.number, "active": who.active}
    current = current_version(page)
    if current is None:
        return ""
    return _(
        "No new version: the change was not marked material, version %(number)s stays current "
        "and nobody is asked to accept again."
    ) % {"number": current.number}
