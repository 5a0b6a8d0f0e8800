"""A Hypothesis state machine over the points ledger (TESTPLAN 27): shares, qualified clicks,
courses, revocations, expiries, reversals, adjustments and opt-in changes in any order. After
every step: each total equals its period's ledger sum, the leaderboard equals a recomputation
from the ledger, opted-out people are absent from others' views, the caps hold; a revoked or
expired user earns nothing more from sharing and clicks, a revoked one no course points."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from advocacy_share.models import AdvocacySettings, AdvocateProfile, PointsEntry, PointsTotal, Share, Visit
from advocacy_share.selectors.leaderboard import COMPANY, TOP, leaderboard
from advocacy_share.services.points import (
    clicks_award,
    course_award,
    ledger_sums,
    period_starts,
    points_adjust,
    points_reverse,
    preferences_save,
    share_award,
)
from certification.services import certificate_revoke
from tests.advocacy.test_points_awards import certified_user, content, link_for, qualified_visits, share

USERS = 3
CAP_PER_SHARE, CAP_PER_DAY = 3, 5
users = st.integers(0, USERS - 1)
networks = st.sampled_from(("linkedin", "x", "facebook"))


class PointsMachine(RuleBasedStateMachine):
    # Filled by the test before the machine runs (rows created once, outside each example).
    people: list = []
    items: list = []

    def __init__(self) -> None:
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.revoked: set[int] = set()
        self.locked: set[int] = set()  # revoked or expired: sharing and clicks earn nothing

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def user(self, i: int):
        return self.people[i]

    def entries_of(self, i: int) -> int:
        return PointsEntry.objects.filter(user=self.user(i)).exclude(kind="adjustment").count()

    @rule(i=users, item=st.integers(-1, 2), network=networks)
    def share(self, i: int, item: int, network: str) -> None:
        before = self.entries_of(i)
        row = share(self.user(i), None if item < 0 else self.items[item], network)
        entry = share_award(row.pk)
        if i in self.locked:
            assert entry is None and self.entries_of(i) == before

    @rule(i=users, n=st.integers(1, 4), item=st.integers(0, 2))
    def click(self, i: int, n: int, item: int) -> None:
        before = self.entries_of(i)
        row = Share.objects.filter(user=self.user(i), content=self.items[item], link__isnull=False).first()
        link = row.link if row is not None else link_for(share(self.user(i), self.items[item]))
        clicks_award(qualified_visits(link, n))
        if i in self.locked:
            assert self.entries_of(i) == before

    @rule(i=users, course=st.integers(1, 3))
    def course(self, i: int, course: int) -> None:
        entry = course_award(self.user(i).pk, course)
        if i in self.revoked:
            assert entry is None

    @rule(i=users)
    def revoke(self, i: int) -> None:
        for certificate in self.user(i).certificates.all():
            certificate_revoke(certificate=certificate, actor=None, reason="State machine")
        self.revoked.add(i)
        self.locked.add(i)

    @rule(i=users)
    def expire(self, i: int) -> None:
        now = timezone.now()
        self.user(i).certificates.update(issued_at=now - timedelta(days=400), expires_at=now - timedelta(days=1))
        self.locked.add(i)

    @rule(pick=st.integers(0, 50))
    def reverse(self, pick: int) -> None:
        ids = list(PointsEntry.objects.order_by("pk").values_list("pk", flat=True))
        if ids:
            points_reverse(ids[pick % len(ids)], None, "State machine")

    @rule(i=users, points=st.integers(-5, 10), key=st.sampled_from("abc"))
    def adjust(self, i: int, points: int, key: str) -> None:
        points_adjust(self.user(i).pk, points, None, "State machine", key=f"{i}-{key}")

    @rule(i=users, visible=st.booleans())
    def opt(self, i: int, visible: bool) -> None:
        preferences_save(self.user(i).pk, leaderboard_opt_in=visible, audience={})

    # --- invariants -----------------------------------------------------------------------

    @invariant()
    def totals_equal_the_ledger(self) -> None:
        rows = {(t.user_id, t.period, t.period_start): t.points for t in PointsTotal.objects.all()}
        assert rows == ledger_sums()

    @invariant()
    def leaderboards_equal_a_recomputation_and_hide_the_opted_out(self) -> None:
        sums = ledger_sums()
        opted_in = set(AdvocateProfile.objects.filter(leaderboard_opt_in=True).values_list("user_id", flat=True))
        names = {u.pk: u.first_name for u in self.people}
        for period, start in period_starts(timezone.localdate()).items():
            points = {u.pk: sums.get((u.pk, period, start), 0) for u in self.people}
            shown = sorted(
                ((-p, pk) for pk, p in points.items() if pk in opted_in and p > 0),
            )[:TOP]
            for viewer in self.people:
                board = leaderboard(viewer, period, COMPANY)
                expected = [(1 + sum(1 for q, _ in shown if q < p), names[pk], -p) for p, pk in shown]
                assert [(r.rank, r.name, r.points) for r in board.rows] == expected
                hidden = {names[pk] for pk in points if pk not in opted_in and pk != viewer.pk}
                assert not hidden & {r.name for r in board.rows}
                mine = points[viewer.pk]
                better = sum(1 for pk, p in points.items() if pk in opted_in and pk != viewer.pk and p > 0 and p > mine)
                assert (board.viewer.rank, board.viewer.points) == (1 + better, mine)

    @invariant()
    def caps_hold(self) -> None:
        clicks = PointsEntry.objects.filter(kind="click")
        assert max(Counter(clicks.values_list("share_id", flat=True)).values(), default=0) <= CAP_PER_SHARE
        per_day = Counter((user_id, timezone.localdate(at)) for user_id, at in clicks.values_list("user_id", "at"))
        assert max(per_day.values(), default=0) <= CAP_PER_DAY


def test_the_ledger_totals_and_leaderboards_always_agree(db):
    # given three certified people (first names unique, no last name) and three items
    configured = AdvocacySettings.load()
    configured.click_cap_per_share, configured.click_cap_per_day = CAP_PER_SHARE, CAP_PER_DAY
    configured.save()
    PointsMachine.people = [certified_user(first_name=f"P{i}", last_name="") for i in range(USERS)]
    PointsMachine.items = [content(i) for i in range(3)]
    # when / then: every sequence of steps keeps the invariants
    run_state_machine_as_test(
        PointsMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
    assert Visit.objects.count() == 0  # each example rolled back
