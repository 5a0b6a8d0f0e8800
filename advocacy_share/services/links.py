"""Tracked-link visits: recording each request (one INSERT, nothing else in the request) and
the qualification sweep that decides, later, which visits are real clicks.

A visit qualifies when it is none of: an automated agent or link preview, a prefetch, a HEAD,
the sharer's own click, a repeat (the same visitor on the same link within the 24 hours
before it, whatever that earlier visit was: a prefetch or a preview from the same browser
counts too, so a click can never be earned twice through a side door). Points are not
awarded here: ``visits_qualified`` carries the qualified ids to the points part once the
sweep commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from advocacy_share import hot_sql
from advocacy_share.models import Visit
from advocacy_share.services import analytics
from advocacy_share.signals import visits_qualified

REPEAT_WINDOW = timedelta(hours=24)
SWEEP_LIMIT = 5000
UPDATE_CHUNK = 500
QUERY_CHUNK = 250


def visit_record(
    *,
    link_id: int,
    at: datetime,
    visitor: str,
    agent_family: str,
    is_bot: bool,
    is_prefetch: bool,
    is_head: bool,
    is_self: bool,
) -> None:
    """Store one request to a tracked link: a single INSERT in autocommit, no read, no
    transaction of its own. Written as one SQL statement built once from the model's columns
    and run through ``hot_sql``: this runs on every click, and a model ``save()`` costs more
    than the insert itself."""
    params = [
        link_id,
        connection.ops.adapt_datetimefield_value(at),
        visitor,
        agent_family[:40],
        is_bot,
        is_prefetch,
        is_head,
        is_self,
        False,
        False,
    ]
    hot_sql.insert(_insert_sql(connection.vendor), params)


@cache
def _insert_sql(vendor: str) -> str:
    q = connection.ops.quote_name
    meta: Any = Visit._meta
    names = (
        "link",
        "at",
        "visitor",
        "agent_family",
        "is_bot",
        "is_prefetch",
        "is_head",
        "is_self",
        "is_repeat",
        "qualified",
    )
    columns = ", ".join(q(meta.get_field(name).column) for name in names)
    placeholders = ", ".join(["%s"] * len(names))
    return f"INSERT INTO {q(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 - quoted model identifiers  # nosec B608


def _earlier_visits(
    batch: Sequence[Mapping[str, Any]], oldest: datetime
) -> dict[tuple[int, str], list[tuple[int, datetime]]]:
    """Every visit of the batch's (link, visitor) pairs since ``oldest``, processed or not, as
    (id, at) per pair. Queried by chunks of the batch, to stay within SQLite's parameter limit."""
    newest_id = max(row["id"] for row in batch)
    seen: dict[tuple[int, str], list[tuple[int, datetime]]] = defaultdict(list)
    for start in range(0, len(batch), QUERY_CHUNK):
        chunk = batch[start : start + QUERY_CHUNK]
        pairs = {(row["link_id"], row["visitor"]) for row in chunk}
        rows = Visit.objects.filter(
            link_id__in={link_id for link_id, _ in pairs},
            visitor__in={visitor for _, visitor in pairs},
            at__gte=oldest,
            id__lte=newest_id,
        ).values_list("id", "link_id", "visitor", "at")
        for visit_id, link_id, visitor, at in rows:
            if (link_id, visitor) in pairs:
                seen[(link_id, visitor)].append((visit_id, at))
    # A pair present in two chunks was read twice: keep each visit once.
    return {pair: sorted(set(visits)) for pair, visits in seen.items()}


def _is_repeat(row: Mapping[str, Any], history: list[tuple[int, datetime]]) -> bool:
    """Whether an earlier visit (smaller id) of the same visitor on the same link happened in
    the 24 hours up to this one."""
    since = row["at"] - REPEAT_WINDOW
    return any(other_id < row["id"] and since <= other_at <= row["at"] for other_id, other_at in history)


def visits_qualify(limit: int = SWEEP_LIMIT) -> list[int]:
    """Look at up to ``limit`` visits not yet processed, oldest id first: set ``is_repeat``,
    ``qualified`` and ``processed_at``. Returns the ids found qualified, which
    ``visits_qualified`` carries once the transaction commits.

    Idempotent (a processed visit is never looked at again) and safe when two sweeps run at
    once: on PostgreSQL each locks its rows and skips those another holds
    (``SKIP LOCKED``); on SQLite the IMMEDIATE transaction makes the second wait for the first,
    then it finds the rows processed.
    """
    now = timezone.now()
    with transaction.atomic():
        todo = Visit.objects.filter(processed_at__isnull=True).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            todo = todo.select_for_update(skip_locked=True)
        batch = list(
            todo.values("id", "link_id", "visitor", "at", "is_bot", "is_prefetch", "is_head", "is_self")[:limit]
        )
        if not batch:
            return []
        oldest = min(row["at"] for row in batch) - REPEAT_WINDOW
        history = _earlier_visits(batch, oldest)
        outcome: dict[tuple[bool, bool], list[int]] = defaultdict(list)
        for row in batch:
            repeat = _is_repeat(row, history.get((row["link_id"], row["visitor"]), []))
            qualified = not (repeat or row["is_bot"] or row["is_prefetch"] or row["is_head"] or row["is_self"])
            outcome[(repeat, qualified)].append(row["id"])
        for (repeat, qualified), ids in outcome.items():
            for start in range(0, len(ids), UPDATE_CHUNK):
                Visit.objects.filter(id__in=ids[start : start + UPDATE_CHUNK], processed_at__isnull=True).update(
                    is_repeat=repeat, qualified=qualified, processed_at=now
                )
        qualified_ids = sorted(outcome.get((False, True), []))
        if qualified_ids:
            # The dashboard's roll-ups count the clicks here, in the transaction that
            # processes each visit once.
            analytics.activity_clicks_count(visit_ids=qualified_ids)
            transaction.on_commit(lambda: visits_qualified.send(sender=Visit, visit_ids=qualified_ids))
    return qualified_ids
