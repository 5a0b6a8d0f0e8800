"""The points ledger: append-only, one entry per event (its idempotency key), and the per-period
totals leaderboards read, written in the same transaction as the entry they sum.

``award`` is the one way points are written. A second award with the same key is a no-op
(``None``), whatever the concurrency: the unique key decides, inside a savepoint.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from advocacy_share.models import PointsEntry, PointsTotal
from lms.people.models import User

ALL_TIME_START = date(2000, 1, 1)


def period_starts(day: date) -> dict[str, date]:
    """The first day of each leaderboard period containing ``day``: the ISO week (Monday),
    the month, the quarter, and a fixed date for all time."""
    return {
        PointsTotal.Period.WEEK: date.fromordinal(day.toordinal() - day.weekday()),
        PointsTotal.Period.MONTH: day.replace(day=1),
        PointsTotal.Period.QUARTER: day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1),
        PointsTotal.Period.ALL: ALL_TIME_START,
    }


def totals_add(*, user_id: int, department_id: int | None, points: int, at: datetime) -> None:
    """Add ``points`` to the user's total of every period containing ``at`` (local date)."""
    for period, start in period_starts(timezone.localdate(at)).items():
        updated = PointsTotal.objects.filter(user_id=user_id, period=period, period_start=start).update(
            points=F("points") + points, department_id=department_id
        )
        if updated:
            continue
        try:
            with transaction.atomic():
                PointsTotal.objects.create(
                    user_id=user_id, period=period, period_start=start, department_id=department_id, points=points
                )
        except IntegrityError:
            # Another transaction created the row between our update and insert.
            PointsTotal.objects.filter(user_id=user_id, period=period, period_start=start).update(
                points=F("points") + points
            )


@transaction.atomic
def award(
    *,
    user_id: int,
    kind: str,
    points: int,
    key: str,
    share_id: int | None = None,
    reverses_id: int | None = None,
    note: str = "",
    actor_id: int | None = None,
    at: datetime | None = None,
) -> PointsEntry | None:
    """Append one ledger entry and update the totals; ``None`` when ``key`` was already used
    (the event was awarded before) — idempotent under retries and races. A zero-point award
    is not written."""
    if points == 0:
        return None
    at = at or timezone.now()
    try:
        with transaction.atomic():
            entry = PointsEntry.objects.create(
                user_id=user_id,
                kind=kind,
                points=points,
                key=key,
                share_id=share_id,
                reverses_id=reverses_id,
                note=note[:200],
                actor_id=actor_id,
                at=at,
            )
    except IntegrityError:
        return None
    department_id = User.objects.filter(pk=user_id).values_list("department_id", flat=True).first()
    totals_add(user_id=user_id, department_id=department_id, points=points, at=at)
    return entry
