"""Reads for tracked links: what ``/s/<code>`` needs, in one indexed query."""

from __future__ import annotations

import re
from dataclasses import dataclass

from advocacy_share.models import TrackedLink

# What ``new_link_code`` makes (``secrets.token_urlsafe``), with room for longer codes.
CODE_RE = re.compile(r"[A-Za-z0-9_-]{8,32}")


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """A tracked link as the redirect uses it. ``sharer_id`` only tells a self-click apart; it
    never leaves the server."""

    id: int
    target_url: str
    network: str
    campaign_slug: str
    sharer_id: int


def code_well_formed(code: str) -> bool:
    return CODE_RE.fullmatch(code) is not None


def link_for_redirect(code: str) -> LinkTarget | None:
    """The link with ``code`` (one query on the unique code index, joined to its share for the
    sharer), or ``None``. Malformed codes are answered without a query."""
    if not code_well_formed(code):
        return None
    rows = list(
        TrackedLink.objects.filter(code=code).values_list(
            "id", "target_url", "network", "campaign_slug", "share__user_id"
        )[:1]
    )
    if not rows:
        return None
    link_id, target_url, network, campaign_slug, sharer_id = rows[0]
    return LinkTarget(link_id, target_url, network, campaign_slug, sharer_id)
