"""The advocacy dashboard's roll-ups (``models.analytics``): kept up to date as events arrive,
and rebuilt from the raw rows by a nightly beat job.

Incremental path, each step exactly once:
- a share is counted by ``activity_share_count`` in the transaction that records it: the
  share's ``counted`` flag is flipped by a conditional UPDATE, and only the call that flipped it
  adds to the roll-ups (a second call, or a call after the nightly rebuild, adds nothing);
- qualified clicks are counted by ``activity_clicks_count`` inside the qualification sweep's
  transaction, which processes each visit once.

``activity_rebuild`` recomputes every roll-up table from the shares and visits. Its numbers are the
incremental path's as long as nobody changed department or declared audience in between (the
roll-ups record the department and audience at the time of the event; the rebuild, the current
ones): the nightly rebuild is also how a move between departments reaches past activity.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.db.models.functions import TruncDate
from django.utils import timezone

from advocacy_share.models import (
    ActivityPerson,
    ActivityTotal,
    ActivityWeek,
    AdvocateProfile,
    DepartmentWeek,
    Share,
    Visit,
)

TotalKey = tuple[date, str, int, int, str]  # week, network, content, campaign, kind
CHUNK = 500


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def _kind(content_id: int | None, content_kind: str | None) -> str:
    if content_id is None:
        return ActivityTotal.Kind.OWN
    return ActivityTotal.Kind.INDUSTRY if content_kind == ActivityTotal.Kind.INDUSTRY else ActivityTotal.Kind.COMPANY


SHARE_FIELDS = (
    "id",
    "user_id",
    "user__department_id",
    "network",
    "content_id",
    "content__campaign_id",
    "content__kind",
    "created_at",
)


def _total_key(row: dict[str, Any], day: date) -> TotalKey:
    return (
        week_start(day),
        row["network"],
        row["content_id"] or 0,
        row["content__campaign_id"] or 0,
        _kind(row["content_id"], row["content__kind"]),
    )


def _audiences(user_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    ids = list(set(user_ids))
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), CHUNK):
        rows = AdvocateProfile.objects.filter(user_id__in=ids[start : start + CHUNK]).values_list("user_id", "audience")
        found.update({user_id: audience if isinstance(audience, dict) else {} for user_id, audience in rows})
    return found


def declared_audience(audience: dict[str, Any], network: str) -> int:
    """The audience declared for ``network`` (0 when none or not a whole number ≥ 0)."""
    value = audience.get(network, 0)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _add(
    model: type[ActivityTotal] | type[ActivityWeek] | type[DepartmentWeek], key: dict[str, Any], deltas: dict[str, int]
) -> None:
    """Add ``deltas`` to the row of ``key``, creating it when missing. A concurrent creation
    is caught by the unique constraint (in a savepoint) and turned into an UPDATE."""
    increments = {name: F(name) + value for name, value in deltas.items()}
    if model.objects.filter(**key).update(**increments):
        return
    try:
        with transaction.atomic():
            model.objects.create(**key, **deltas)
    except IntegrityError:
        model.objects.filter(**key).update(**increments)


def _total_row(key: TotalKey) -> dict[str, Any]:
    week, network, content_id, campaign_id, kind = key
    return {
        "week": week,
        "network": network,
        "content_id": content_id,
        "campaign_id": campaign_id,
        "kind": kind,
    }


@transaction.atomic
def activity_share_count(*, share_id: int) -> bool:
    """Count a shared post in the roll-ups, once: its week's total (a share or an own post, and the
    sharer's declared audience on that network as reach) and its author's week. Returns
    whether this call counted it. Idempotent (the ``counted`` flag); a share not (or no longer)
    in status ``shared`` is not counted."""
    if not Share.objects.filter(pk=share_id, counted=False, status=Share.Status.SHARED).update(counted=True):
        return False
    row = Share.objects.filter(pk=share_id).values(*SHARE_FIELDS).get()
    audience = _audiences([row["user_id"]]).get(row["user_id"], {})
    day = timezone.localdate(row["created_at"])
    own = row["content_id"] is None
    _add(
        ActivityTotal,
        _total_row(_total_key(row, day)),
        {
            "shares": 0 if own else 1,
            "own_posts": 1 if own else 0,
            "reach": declared_audience(audience, row["network"]),
        },
    )
    _person_week_add(
        week=week_start(day), user_id=row["user_id"], department_id=row["user__department_id"] or 0, library=not own
    )
    return True


def _person_week_add(*, week: date, user_id: int, department_id: int, library: bool) -> None:
    """One more post of ``user_id`` in ``week``: their week row, and their department's week.
    The week row keeps the author's department as of their latest post; when it changed, the
    person's whole week moves to the new department's row. The person's week row is locked
    (or created, the unique constraint settling a race) before their department's row is
    touched, so two posts of one person counted at once make them active once."""
    key = {"week": week, "user_id": user_id}
    shares = 1 if library else 0
    _person_latest(week=week, user_id=user_id, department_id=department_id)
    before = _locked_week(key)
    if before is None:
        try:
            with transaction.atomic():
                ActivityWeek.objects.create(**key, department_id=department_id, posts=1, shares=shares)
        except IntegrityError:
            before = _locked_week(key)
        else:
            _add(
                DepartmentWeek,
                {"week": week, "department_id": department_id},
                {"active_advocates": 1, "posts": 1, "shares": shares},
            )
            return
    assert before is not None  # noqa: S101 - the row exists: this call or a concurrent one created it  # nosec B101
    old_department, posts, old_shares = before
    ActivityWeek.objects.filter(**key).update(
        posts=F("posts") + 1, shares=F("shares") + shares, department_id=department_id
    )
    if old_department == department_id:
        _add(DepartmentWeek, {"week": week, "department_id": department_id}, {"posts": 1, "shares": shares})
        return
    _add(
        DepartmentWeek,
        {"week": week, "department_id": old_department},
        {"active_advocates": -1, "posts": -posts, "shares": -old_shares},
    )
    _add(
        DepartmentWeek,
        {"week": week, "department_id": department_id},
        {"active_advocates": 1, "posts": posts + 1, "shares": old_shares + shares},
    )


def _person_latest(*, week: date, user_id: int, department_id: int) -> None:
    """Move the person's latest week with a post to ``week`` (with their department), unless
    it is later already. The conditional UPDATE is re-checked under the row lock."""
    latest = ActivityPerson.objects.filter(user_id=user_id, last_week__lte=week)
    if latest.update(last_week=week, department_id=department_id):
        return
    if ActivityPerson.objects.filter(user_id=user_id).exists():
        return  # a later week is already recorded
    try:
        with transaction.atomic():
            ActivityPerson.objects.create(user_id=user_id, last_week=week, department_id=department_id)
    except IntegrityError:
        latest.update(last_week=week, department_id=department_id)


def _locked_week(key: dict[str, Any]) -> tuple[int, int, int] | None:
    return (
        ActivityWeek.objects.select_for_update().filter(**key).values_list("department_id", "posts", "shares").first()
    )


def activity_clicks_count(*, visit_ids: list[int]) -> int:
    """Add qualified visits to the roll-ups (per week of the visit's local day and the dimensions of
    the share behind the link, in the visit's week). Must run in the qualification sweep's transaction, which
    hands each visit over once: that is what makes it count once. Returns the clicks added."""
    counts: dict[TotalKey, int] = defaultdict(int)
    by_department: dict[tuple[date, int], int] = defaultdict(int)
    for start in range(0, len(visit_ids), CHUNK):
        rows = Visit.objects.filter(pk__in=visit_ids[start : start + CHUNK], qualified=True).values(
            "at", *(f"link__share__{name}" for name in SHARE_FIELDS[1:-1])
        )
        for visit in rows:
            share = {name: visit[f"link__share__{name}"] for name in SHARE_FIELDS[1:-1]}
            key = _total_key(share, timezone.localdate(visit["at"]))
            counts[key] += 1
            by_department[(key[0], share["user__department_id"] or 0)] += 1
    for key, clicks in counts.items():
        _add(ActivityTotal, _total_row(key), {"qualified_clicks": clicks})
    for (week, department_id), clicks in by_department.items():
        _add(DepartmentWeek, {"week": week, "department_id": department_id}, {"qualified_clicks": clicks})
    return sum(counts.values())


def _lock_rollups() -> None:
    """On PostgreSQL, hold the roll-up tables until the rebuild commits: an incremental write
    waits for it (and the rebuild waits for one in flight), so no event is counted twice or
    lost. SQLite's write transactions are already serialised."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (ActivityTotal, ActivityPerson, ActivityWeek, DepartmentWeek):
                cursor.execute(f"LOCK TABLE {connection.ops.quote_name(model._meta.db_table)} IN EXCLUSIVE MODE")


@transaction.atomic
def activity_rebuild() -> int:
    """Recompute the roll-up tables from every shared post and qualified visit, mark every
    shared post counted, and return the rows written. Idempotent: a second run writes the same
    rows. Side effect: the roll-ups are replaced in one transaction (readers see the old or the
    new numbers, never a half)."""
    _lock_rollups()
    tz = timezone.get_current_timezone()
    days: dict[TotalKey, dict[str, int]] = defaultdict(
        lambda: {"shares": 0, "own_posts": 0, "qualified_clicks": 0, "reach": 0}
    )
    weeks: dict[tuple[date, int], list[int]] = {}
    shared = Share.objects.filter(status=Share.Status.SHARED)
    shared.filter(counted=False).update(counted=True)
    rows = list(shared.values(*SHARE_FIELDS))
    audiences = _audiences(row["user_id"] for row in rows)
    for row in rows:
        day = timezone.localdate(row["created_at"])
        totals = days[_total_key(row, day)]
        totals["own_posts" if row["content_id"] is None else "shares"] += 1
        totals["reach"] += declared_audience(audiences.get(row["user_id"], {}), row["network"])
        week = weeks.setdefault((week_start(day), row["user_id"]), [0, 0, 0])
        week[0] += 1
        week[1] += row["content_id"] is not None
        week[2] = row["user__department_id"] or 0
    clicks_by_share: dict[int, list[tuple[date, int]]] = defaultdict(list)
    clicks = (
        Visit.objects.filter(qualified=True)
        .annotate(day=TruncDate("at", tzinfo=tz))
        .values("day", "link__share_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for group in clicks:
        clicks_by_share[group["link__share_id"]].append((group["day"], group["n"]))
    departments: dict[tuple[date, int], dict[str, int]] = defaultdict(
        lambda: {"active_advocates": 0, "posts": 0, "shares": 0, "qualified_clicks": 0}
    )
    for share in _share_rows(list(clicks_by_share)):
        for day, n in clicks_by_share[share["id"]]:
            days[_total_key(share, day)]["qualified_clicks"] += n
            departments[(week_start(day), share["user__department_id"] or 0)]["qualified_clicks"] += n
    people: dict[int, tuple[date, int]] = {}
    for (monday, user_id), (posts, shares, department_id) in weeks.items():
        people[user_id] = max(people.get(user_id, (monday, department_id)), (monday, department_id))
        totals = departments[(monday, department_id)]
        totals["active_advocates"] += 1
        totals["posts"] += posts
        totals["shares"] += shares
    ActivityTotal.objects.all().delete()
    ActivityWeek.objects.all().delete()
    ActivityPerson.objects.all().delete()
    DepartmentWeek.objects.all().delete()
    ActivityTotal.objects.bulk_create(
        (ActivityTotal(**_total_row(key), **totals) for key, totals in days.items()), batch_size=CHUNK
    )
    ActivityWeek.objects.bulk_create(
        (
            ActivityWeek(week=week, user_id=user_id, department_id=department_id, posts=posts, shares=shares)
            for (week, user_id), (posts, shares, department_id) in weeks.items()
        ),
        batch_size=CHUNK,
    )
    DepartmentWeek.objects.bulk_create(
        (
            DepartmentWeek(week=week, department_id=department_id, **totals)
            for (week, department_id), totals in departments.items()
        ),
        batch_size=CHUNK,
    )
    ActivityPerson.objects.bulk_create(
        (
            ActivityPerson(user_id=user_id, last_week=week, department_id=department_id)
            for user_id, (week, department_id) in people.items()
        ),
        batch_size=CHUNK,
    )
    return len(days) + len(weeks) + len(people) + len(departments)


def _share_rows(share_ids: list[int]) -> Iterable[dict[str, Any]]:
    for start in range(0, len(share_ids), CHUNK):
        yield from Share.objects.filter(pk__in=share_ids[start : start + CHUNK]).values(*SHARE_FIELDS)
