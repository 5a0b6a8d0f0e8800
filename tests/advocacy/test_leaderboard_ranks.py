"""Rank bands: the roll-up a viewer beyond the top 20 takes their rank from (one row whatever the
number of people). The bands are a deterministic function of the totals (TESTPLAN 27), rewritten
by a beat task; the rank they give equals a count over the totals at the time of the roll-up."""

from __future__ import annotations

import random
from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advocacy_share.models import PointsTotal, RankBand
from advocacy_share.selectors.leaderboard import COMPANY, DEPARTMENT, leaderboard
from advocacy_share.services.points import (
    period_starts,
    points_adjust,
    points_recompute,
    preferences_save,
    ranks_rollup,
)
from advocacy_share.tasks import ranks_rollup_task
from tests.factories.certification import CertificateFactory, CertificationProgramFactory
from tests.factories.people import DepartmentFactory, UserFactory


def earner(points: int, *, opt_in: bool = True, department=None):
    user = UserFactory(department=department, last_name="")
    preferences_save(user.pk, leaderboard_opt_in=opt_in, audience={})
    if points:
        points_adjust(user.pk, points, None, "", key=f"seed-{user.pk}")
    return user


def bands(period: str = "all", scope_id: int = RankBand.COMPANY) -> list[tuple[int, int]]:
    start = period_starts(timezone.localdate())[period]
    return list(
        RankBand.objects.filter(period=period, period_start=start, scope_id=scope_id)
        .order_by("-points")
        .values_list("points", "at_least")
    )


@pytest.fixture
def viewer(db):
    user = UserFactory(last_name="")
    program = CertificationProgramFactory(unlocks_advocacy=True, requires_policy_acknowledgement=False)
    CertificateFactory(program=program, user=user)
    return user


def test_the_bands_count_visible_people_at_or_above_each_score_per_scope(db):
    # given Sales: 10, 10, 5 (visible) and 50 (opted out); Finance: 7; nobody else
    sales, finance = DepartmentFactory(name="Sales"), DepartmentFactory(name="Finance")
    for points in (10, 10, 5):
        earner(points, department=sales)
    earner(50, opt_in=False, department=sales)
    earner(7, department=finance)
    # when
    written = ranks_rollup()
    # then, hand-computed: company 10 → 2, 7 → 3, 5 → 4; Sales 10 → 2, 5 → 3; Finance 7 → 1;
    # each scope under a ceiling band nobody reaches
    ceiling = (RankBand.CEILING, 0)
    assert bands() == [ceiling, (10, 2), (7, 3), (5, 4)]
    assert bands(scope_id=sales.pk) == [ceiling, (10, 2), (5, 3)]
    assert bands(scope_id=finance.pk) == [ceiling, (7, 1)]
    # and the same for each current period (all points were earned today), 4 periods × 9 bands
    assert bands("week") == bands("month") == bands("quarter") == bands()
    assert written == RankBand.objects.count() == 4 * 9


def test_a_second_roll_up_writes_the_same_bands_and_drops_past_periods(db):
    # given bands of a week long gone, and current totals
    earner(4)
    RankBand.objects.create(
        period="week", period_start=date(2020, 1, 6), scope_id=0, points=3, at_least=1, computed_at=timezone.now()
    )
    ranks_rollup()
    first = set(RankBand.objects.values_list("period", "period_start", "scope_id", "points", "at_least"))
    # when
    ranks_rollup()
    # then
    assert set(RankBand.objects.values_list("period", "period_start", "scope_id", "points", "at_least")) == first
    assert not RankBand.objects.filter(period_start=date(2020, 1, 6)).exists()


def test_a_viewer_beyond_the_top_takes_the_rolled_up_rank_and_sees_when_it_was_worked_out(viewer):
    # given 25 visible colleagues with 100..124 points, the visible viewer with 1, rolled up
    for i in range(25):
        earner(100 + i)
    preferences_save(viewer.pk, leaderboard_opt_in=True, audience={})
    points_adjust(viewer.pk, 1, None, "", key="viewer")
    ranks_rollup()
    ran = RankBand.objects.values_list("computed_at", flat=True).first()
    # when three more colleagues overtake the viewer after the roll-up
    for _ in range(3):
        earner(50)
    stale = leaderboard(viewer, "all", COMPANY)
    ranks_rollup()
    fresh = leaderboard(viewer, "all", COMPANY)
    # then the rank is the roll-up's, with its time, until the next roll-up
    assert (stale.viewer.rank, stale.viewer.ranked_at) == (26, ran)
    assert fresh.viewer.rank == 29 and fresh.viewer.ranked_at > ran


def test_a_stale_band_never_ranks_the_viewer_ahead_of_the_live_top(viewer):
    # given 20 visible colleagues with 5 points and the viewer with 4, rolled up before any of them
    preferences_save(viewer.pk, leaderboard_opt_in=True, audience={})
    points_adjust(viewer.pk, 4, None, "", key="viewer")
    ranks_rollup()
    for _ in range(20):
        earner(5)
    # when
    board = leaderboard(viewer, "all", COMPANY)
    # then the live top says 20 people are ahead
    assert board.viewer.rank == 21 and not board.viewer.in_top


def test_without_a_roll_up_yet_the_rank_is_counted(viewer):
    # given 22 colleagues, 12 of them above the viewer, and no roll-up this period
    for points in [9] * 12 + [1] * 10:
        earner(points)
    points_adjust(viewer.pk, 5, None, "", key="viewer")
    # when
    board = leaderboard(viewer, "all", COMPANY)
    # then
    assert (board.viewer.rank, board.viewer.ranked_at) == (13, None)


def test_banded_ranks_equal_a_count_over_the_totals(viewer):
    # given 120 people in two departments with random scores, a third opted out
    rng = random.Random(11)
    departments = [DepartmentFactory(), DepartmentFactory()]
    for i in range(120):
        earner(rng.randrange(0, 40), opt_in=i % 3 != 0, department=departments[i % 2])
    viewer.department = departments[0]
    viewer.save(update_fields=["department"])
    preferences_save(viewer.pk, leaderboard_opt_in=True, audience={})
    points_adjust(viewer.pk, 1, None, "", key="viewer")
    PointsTotal.objects.filter(user=viewer).update(points=0)  # a total, not yet ranked
    ranks_rollup()
    start = period_starts(timezone.localdate())["all"]
    ranked = PointsTotal.objects.filter(period="all", period_start=start, visible=True, points__gt=0)
    # when the viewer's score moves through the range (no new roll-up: nobody else changed)
    for points in range(0, 42, 3):
        PointsTotal.objects.filter(user=viewer, period="all").update(points=points)
        for scope, rows in ((COMPANY, ranked), (DEPARTMENT, ranked.filter(department_id=departments[0].pk))):
            board = leaderboard(viewer, "all", scope)
            # then
            expected = 1 + rows.exclude(user=viewer).filter(points__gt=points).count()
            assert board.viewer.rank == expected, (points, scope)


def test_recompute_rolls_the_ranks_up_again(db, django_capture_on_commit_callbacks):
    # given totals and no bands
    earner(3)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        points_recompute()
    # then
    assert bands() == [(RankBand.CEILING, 0), (3, 1)]


def test_the_rank_is_one_query_whatever_the_number_of_people(viewer):
    # given 30 visible people above the viewer, rolled up
    preferences_save(viewer.pk, leaderboard_opt_in=True, audience={})
    for _ in range(30):
        earner(10)
    ranks_rollup()
    with CaptureQueriesContext(connection) as small:
        leaderboard(viewer, "all", COMPANY)
    # when 270 more join them
    for _ in range(270):
        earner(10)
    ranks_rollup()
    with CaptureQueriesContext(connection) as large:
        board = leaderboard(viewer, "all", COMPANY)
    # then the same queries, and the rank is right
    assert board.viewer.rank == 301
    assert len(large) == len(small)


def test_the_beat_rolls_ranks_up_every_minute(db):
    # given
    earner(2)
    entry = settings.CELERY_BEAT_SCHEDULE["advocacy-ranks-rollup"]
    # when
    written = ranks_rollup_task.apply().get()
    # then
    assert entry["task"] == ranks_rollup_task.name and entry["schedule"] == 60.0
    assert written == 4 * 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_roll_ups_leave_one_consistent_set_of_bands(run_concurrently):
    # given
    for points in (6, 6, 2):
        earner(points)
    # when four roll-ups run at once
    outcomes = run_concurrently(4, lambda i: ranks_rollup())
    # then none failed, at least one wrote, and the bands are those of one roll-up
    assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
    assert max(outcomes) == 4 * 3
    assert bands() == [(RankBand.CEILING, 0), (6, 2), (2, 3)]
    assert RankBand.objects.count() == 4 * 3
    assert len(set(RankBand.objects.values_list("computed_at", flat=True))) == 1
