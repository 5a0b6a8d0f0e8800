"""Reads for tracked links: what ``/s/<code>`` needs, in one indexed query.

The redirect is the hottest path of the product, so its read is one prepared-once SQL
statement on the unique code index (joined to the share for the sharer), not a queryset
compiled on every click; the columns come from the models' metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection

from advocacy_share import hot_sql
from advocacy_share.models import Share, TrackedLink

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


@cache
def _link_sql(vendor: str) -> str:
    q = connection.ops.quote_name
    link, share = TrackedLink._meta, Share._meta

    def col(meta: Any, name: str) -> str:
        return q(meta.get_field(name).column)

    # Identifiers come from the models' metadata, quoted; the code is a parameter.
    return (
        f"SELECT l.{col(link, 'id')}, l.{col(link, 'target_url')}, l.{col(link, 'network')}, "  # noqa: S608 - quoted model identifiers  # nosec B608
        f"l.{col(link, 'campaign_slug')}, s.{col(share, 'user')} "
        f"FROM {q(link.db_table)} l INNER JOIN {q(share.db_table)} s ON s.{col(share, 'id')} = l.{col(link, 'share')} "
        f"WHERE l.{col(link, 'code')} = %s"
    )


def link_for_redirect(code: str) -> LinkTarget | None:
    """The link with ``code`` (one query on the unique code index, joined to its share for the
    sharer), or ``None``. Malformed codes are answered without a query."""
    if not code_well_formed(code):
        return None
    row = hot_sql.fetchone(_link_sql(connection.vendor), (code,))
    if row is None:
        return None
    link_id, target_url, network, campaign_slug, sharer_id = row
    return LinkTarget(int(link_id), str(target_url), str(network), str(campaign_slug), int(sharer_id))
