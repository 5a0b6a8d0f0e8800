"""The points ledger: append-only, one entry per event (its idempotency key), and the per-period
totals leaderboards read, written in the same transaction as the entry they sum.

``award`` is the one way points are written. A second award with the same key is a no-op
(``None``), whatever the concurrency: the unique key decides, inside a savepoint.

The rules (values from ``AdvocacySettings``), each idempotent by its key:

- ``share_award``: a library item shared on a network, once per item per network ever
  (``share:<user>:<content>:<network>``); an own post once (``post:<share>``);
- ``clicks_award``: a qualified click (``click:<visit>``), within the caps per share and per
  sharer per local day, enforced here under a lock on the sharer's profile row;
- ``course_award``, ``certification_award``: a course completed, a certification, a renewal
  made before the previous certificate expired;
- ``points_reverse``, ``points_adjust``: corrections, as new entries.

Sharing and clicks earn only while ``certification.api.advocacy_access`` allows the user; a
revoked certificate earns nothing more, and reverses nothing already earned.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone

from advocacy_share.models import (
    AdvocacySettings,
    AdvocateProfile,
    PointsEntry,
    PointsTotal,
    RankBand,
    Share,
    Visit,
)
from certification import api as certification_api
from certification import signals as certification_signals
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


def totals_add(
    *, user_id: int, department_id: int | None, points: int, at: datetime, visible: bool | None = None
) -> None:
    """Add ``points`` to the user's total of every period containing ``at`` (local date)."""
    if visible is None:
        visible = leaderboard_opt_in(user_id)
    for period, start in period_starts(timezone.localdate(at)).items():
        updated = PointsTotal.objects.filter(user_id=user_id, period=period, period_start=start).update(
            points=F("points") + points, department_id=department_id
        )
        if updated:
            continue
        try:
            with transaction.atomic():
                PointsTotal.objects.create(
                    user_id=user_id,
                    period=period,
                    period_start=start,
                    department_id=department_id,
                    points=points,
                    visible=visible,
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
    person = User.objects.filter(pk=user_id).values_list("department_id", "erased_at").first()
    if person is None or person[1] is not None:
        return None  # an erased person earns nothing, even from a task queued before the erasure
    department_id = person[0]
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
    totals_add(user_id=user_id, department_id=department_id, points=points, at=at)
    return entry


# --- the rules --------------------------------------------------------------------------------

SHARE_KINDS = (PointsEntry.Kind.SHARE, PointsEntry.Kind.POST)
REVOKED = "revoked"


def leaderboard_opt_in(user_id: int) -> bool:
    return AdvocateProfile.objects.filter(user_id=user_id, leaderboard_opt_in=True).exists()


def may_earn(user: User) -> bool:
    """Sharing and clicks earn only while the user's advocacy is allowed (asked every time)."""
    return certification_api.advocacy_access(user).allowed


def share_award(share_id: int) -> PointsEntry | None:
    """The points of a share, in the caller's transaction: a library item once per item per
    network ever, an own post once; only for a share actually shared, by a user allowed to
    share now. Then the share badges. ``None`` when nothing was awarded."""
    from advocacy_share.services import badges

    share = Share.objects.select_related("user").filter(pk=share_id).first()
    if share is None or share.status != Share.Status.SHARED or not may_earn(share.user):
        return None
    settings = AdvocacySettings.load()
    if share.content_id is None:
        kind, key = PointsEntry.Kind.POST, f"post:{share.pk}"
    else:
        kind, key = PointsEntry.Kind.SHARE, f"share:{share.user_id}:{share.content_id}:{share.network}"
    entry = award(
        user_id=share.user_id,
        kind=kind,
        points=settings.share_points(share.network),
        key=key,
        share_id=share.pk,
        at=share.created_at,
    )
    badges.badges_after_share(share.user_id)
    return entry


def profile_lock(user_id: int) -> AdvocateProfile:
    """The sharer's profile row, locked until the end of the transaction: click awards for
    one sharer run one at a time across processes (``select_for_update`` on PostgreSQL; on
    SQLite the write transaction already holds the database lock)."""
    AdvocateProfile.objects.get_or_create(user_id=user_id)
    return AdvocateProfile.objects.select_for_update().get(user_id=user_id)


def local_day_bounds(at: datetime) -> tuple[datetime, datetime]:
    """The start of the local day containing ``at`` and of the next one."""
    day = timezone.localdate(at)
    return (
        timezone.make_aware(datetime.combine(day, datetime.min.time())),
        timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time())),
    )


def clicks_award(visit_ids: list[int] | tuple[int, ...]) -> int:
    """Award the qualified visits among ``visit_ids``: ``points_click`` each, at most
    ``click_cap_per_share`` rewarded clicks per share and ``click_cap_per_day`` per sharer and
    local day (of the visit). Each sharer is handled in a transaction holding the lock on
    their profile row, so parallel calls never exceed a cap. Returns the entries written."""
    visits = list(
        Visit.objects.filter(pk__in=list(visit_ids), qualified=True).select_related("link__share").order_by("at", "pk")
    )
    by_sharer: dict[int, list[Visit]] = defaultdict(list)
    for visit in visits:
        by_sharer[visit.link.share.user_id].append(visit)
    written = 0
    for user_id, sharer_visits in by_sharer.items():
        written += _clicks_award_for(user_id, sharer_visits)
    return written


@transaction.atomic
def _clicks_award_for(user_id: int, visits: list[Visit]) -> int:
    from advocacy_share.services import badges

    profile_lock(user_id)
    user = User.objects.get(pk=user_id)
    if not may_earn(user):
        return 0
    settings = AdvocacySettings.load()
    clicks = PointsEntry.objects.filter(user_id=user_id, kind=PointsEntry.Kind.CLICK)
    per_share: dict[int, int] = {}
    per_day: dict[date, int] = {}
    written = 0
    for visit in visits:
        share_id = visit.link.share_id
        day = timezone.localdate(visit.at)
        if share_id not in per_share:
            per_share[share_id] = clicks.filter(share_id=share_id).count()
        if day not in per_day:
            start, end = local_day_bounds(visit.at)
            per_day[day] = clicks.filter(at__gte=start, at__lt=end).count()
        if per_share[share_id] >= settings.click_cap_per_share or per_day[day] >= settings.click_cap_per_day:
            continue
        entry = award(
            user_id=user_id,
            kind=PointsEntry.Kind.CLICK,
            points=settings.points_click,
            key=f"click:{visit.pk}",
            share_id=share_id,
            at=visit.at,
        )
        if entry is not None:
            per_share[share_id] += 1
            per_day[day] += 1
            written += 1
    badges.badges_after_clicks(user_id)
    return written


def course_award(user_id: int, course_id: int) -> PointsEntry | None:
    """A course completed: ``points_course_completed`` once per course. Nothing for a user
    whose certificate was revoked."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or certification_api.advocacy_access(user).reason == REVOKED:
        return None
    return award(
        user_id=user_id,
        kind=PointsEntry.Kind.COURSE,
        points=AdvocacySettings.load().points_course_completed,
        key=f"course:{user_id}:{course_id}",
    )


def certification_award(user_id: int, certificate_id: int, event: str) -> PointsEntry | None:
    """A certificate issued: ``renewed`` (before the previous one expired) earns
    ``points_renewed`` and the badge; a first certification, or a new one after a lapse,
    earns ``points_certified``. Other events earn nothing."""
    from advocacy_share.services import badges

    settings = AdvocacySettings.load()
    if event == certification_signals.RENEWED:
        kind, points, key = PointsEntry.Kind.RENEWED, settings.points_renewed, f"renewed:{certificate_id}"
    elif event in (certification_signals.ISSUED, certification_signals.REISSUED):
        kind, points, key = PointsEntry.Kind.CERTIFIED, settings.points_certified, f"certified:{certificate_id}"
    else:
        return None
    user = User.objects.filter(pk=user_id).first()
    if user is None or certification_api.advocacy_access(user).reason == REVOKED:
        return None
    with transaction.atomic():
        entry = award(user_id=user_id, kind=kind, points=points, key=key)
        if kind == PointsEntry.Kind.RENEWED:
            badges.badge_award(user_id, badges.RENEWED_ON_TIME)
    return entry


@transaction.atomic
def points_reverse(entry_id: int, actor_id: int | None, note: str = "") -> PointsEntry | None:
    """Cancel an entry with a new one of the opposite points (``reversal:<entry>``). Reversing
    twice, or reversing a reversal, is a no-op (``None``)."""
    entry = PointsEntry.objects.filter(pk=entry_id).first()
    if entry is None or entry.kind == PointsEntry.Kind.REVERSAL:
        return None
    return award(
        user_id=entry.user_id,
        kind=PointsEntry.Kind.REVERSAL,
        points=-entry.points,
        key=f"reversal:{entry.pk}",
        share_id=entry.share_id,
        reverses_id=entry.pk,
        note=note,
        actor_id=actor_id,
    )


def points_adjust(user_id: int, points: int, actor_id: int | None, note: str, key: str) -> PointsEntry | None:
    """A manager's correction (positive or negative), once per ``key``."""
    return award(
        user_id=user_id,
        kind=PointsEntry.Kind.ADJUSTMENT,
        points=points,
        key=f"adjustment:{key}",
        note=note,
        actor_id=actor_id,
    )


def department_follow(*, user_id: int, department_id: int | None) -> int:
    """Move the user's totals to their current department, so that department leaderboards
    rank people where they work now. Idempotent; returns the number of totals moved."""
    return (
        PointsTotal.objects.filter(user_id=user_id)
        .exclude(department_id=department_id)
        .update(department_id=department_id)
    )


@transaction.atomic
def visibility_set(user_id: int, visible: bool) -> None:
    """Copy the user's leaderboard opt-in onto their totals (what the leaderboards filter on)."""
    PointsTotal.objects.filter(user_id=user_id).exclude(visible=visible).update(visible=visible)


@transaction.atomic
def points_recompute() -> int:
    """Rebuild every total from the ledger (identical rows when they were right). Returns the
    number of rows written."""
    sums = ledger_sums()
    users = dict(User.objects.filter(pk__in={key[0] for key in sums}).values_list("pk", "department_id"))
    visible = set(AdvocateProfile.objects.filter(leaderboard_opt_in=True).values_list("user_id", flat=True))
    PointsTotal.objects.all().delete()
    rows = [
        PointsTotal(
            user_id=user_id,
            period=period,
            period_start=start,
            department_id=users.get(user_id),
            points=points,
            visible=user_id in visible,
        )
        for (user_id, period, start), points in sums.items()
    ]
    PointsTotal.objects.bulk_create(rows, batch_size=1000)
    transaction.on_commit(ranks_rollup)
    return len(rows)


def ranks_rollup(today: date | None = None) -> int:
    """Rewrite the rank bands of the current periods, company-wide and per department, from the
    totals (one grouped query per period), and drop the bands of past periods. Idempotent: the
    same totals give the same bands; when two roll-ups overlap, the one that commits first wins
    and the other writes nothing. Returns the number of bands written.

    Ranks read from bands lag the totals by up to one run (the beat runs it every minute); the
    leaderboard reads its top rows live and uses bands only for a viewer beyond them."""
    try:
        return _ranks_write(today)
    except IntegrityError:
        return 0


@transaction.atomic
def _ranks_write(today: date | None) -> int:
    now = timezone.now()
    bands: list[RankBand] = []
    for period, start in period_starts(today or timezone.localdate(now)).items():
        ranked = PointsTotal.objects.filter(period=period, period_start=start, visible=True, points__gt=0)
        people: dict[int, dict[int, int]] = {RankBand.COMPANY: defaultdict(int)}
        grouped = ranked.values_list("department_id", "points").annotate(n=Count("id")).order_by()
        for department_id, points, count in grouped:
            people[RankBand.COMPANY][points] += count
            if department_id is not None:
                people.setdefault(department_id, defaultdict(int))[points] += count
        for scope_id, by_points in people.items():
            scope = {"period": period, "period_start": start, "scope_id": scope_id, "computed_at": now}
            bands.append(RankBand(points=RankBand.CEILING, at_least=0, **scope))
            at_least = 0
            for points in sorted(by_points, reverse=True):
                at_least += by_points[points]
                bands.append(RankBand(points=points, at_least=at_least, **scope))
    RankBand.objects.all().delete()
    RankBand.objects.bulk_create(bands, batch_size=1000)
    return len(bands)


def ledger_sums() -> dict[tuple[int, str, date], int]:
    """The ledger summed per (user, period, period start), for checks: what totals must hold."""
    sums: dict[tuple[int, str, date], int] = defaultdict(int)
    for user_id, at, points in PointsEntry.objects.values_list("user_id", "at", "points").iterator():
        for period, start in period_starts(timezone.localdate(at)).items():
            sums[(user_id, period, start)] += points
    return dict(sums)


def user_points(user_id: int, today: date | None = None) -> tuple[int, int]:
    """(all time, this month) from the totals."""
    starts = period_starts(today or timezone.localdate())
    rows = dict(
        PointsTotal.objects.filter(
            user_id=user_id,
            period__in=(PointsTotal.Period.ALL, PointsTotal.Period.MONTH),
            period_start__in=(starts[PointsTotal.Period.ALL], starts[PointsTotal.Period.MONTH]),
        ).values_list("period", "points")
    )
    return rows.get(PointsTotal.Period.ALL, 0), rows.get(PointsTotal.Period.MONTH, 0)


@transaction.atomic
def preferences_save(user_id: int, *, leaderboard_opt_in: bool, audience: dict[str, int]) -> AdvocateProfile:
    """Save the user's leaderboard opt-in and declared audience sizes (networks of
    ``SHARE_NETWORKS``, integers ≥ 0; others dropped), and copy the opt-in onto their totals."""
    from advocacy_share.models import SHARE_NETWORKS

    clean = {network: int(size) for network, size in audience.items() if network in SHARE_NETWORKS and int(size) >= 0}
    profile, _created = AdvocateProfile.objects.get_or_create(user_id=user_id)
    profile.leaderboard_opt_in = leaderboard_opt_in
    profile.audience = clean
    profile.save(update_fields=["leaderboard_opt_in", "audience", "updated_at"])
    visibility_set(user_id, leaderboard_opt_in)
    return profile
