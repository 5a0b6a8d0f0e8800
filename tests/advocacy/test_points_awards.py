"""The points rules (TESTPLAN 26–27): share points once per item and network, own posts, clicks
within the caps per share and per day, course and certification points, reversals and
adjustments, nothing more for a revoked user, totals equal to the ledger's sums."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from advocacy_share import signals
from advocacy_share.models import (
    AdvocacySettings,
    BadgeAward,
    PointsEntry,
    PointsTotal,
    Share,
    ShareableContent,
    TrackedLink,
    Visit,
)
from advocacy_share.services.points import (
    clicks_award,
    ledger_sums,
    points_adjust,
    points_recompute,
    points_reverse,
    share_award,
)
from certification.services import certificate_revoke, issue_event
from certification.signals import certificate_status_changed
from courses.signals import course_completed
from tests.factories.certification import CertificateFactory, CertificationProgramFactory
from tests.factories.people import UserFactory

# --- small local factories ------------------------------------------------------------------


def certified_user(**fields):
    """A user whose certificate unlocks advocacy (no policy acknowledgement asked)."""
    program = CertificationProgramFactory(unlocks_advocacy=True, requires_policy_acknowledgement=False)
    return CertificateFactory(program=program, user=UserFactory(**fields)).user


def content(n: int = 0) -> ShareableContent:
    return ShareableContent.objects.create(url=f"https://example.com/article-{n}", title=f"Article {n}")


def share(user, item=None, network="linkedin", status=Share.Status.SHARED, at=None) -> Share:
    return Share.objects.create(
        user=user, content=item, network=network, text="Worth a read", status=status, created_at=at or timezone.now()
    )


def link_for(item_share: Share) -> TrackedLink:
    return TrackedLink.objects.create(
        share=item_share, target_url="https://example.com/article", network=item_share.network
    )


def qualified_visits(link: TrackedLink, n: int, at=None) -> list[int]:
    at = at or timezone.now()
    visits = Visit.objects.bulk_create(
        [Visit(link=link, visitor=f"v{i}", qualified=True, at=at + timedelta(seconds=i)) for i in range(n)]
    )
    return [visit.pk for visit in visits]


def settings_set(**fields) -> AdvocacySettings:
    settings = AdvocacySettings.load()
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()
    return settings


def totals_match_ledger() -> bool:
    rows = {(t.user_id, t.period, t.period_start): t.points for t in PointsTotal.objects.all()}
    return rows == ledger_sums()


# --- shares ---------------------------------------------------------------------------------


def test_a_library_item_earns_its_network_points_once_however_often_it_is_shared(db):
    # given a certified employee and a library item
    user, item = certified_user(), content()
    # when they share it 100 times on LinkedIn (100 share requests)
    results = [share_award(share(user, item).pk) for _ in range(100)]
    # then one entry, worth the LinkedIn points
    entries = PointsEntry.objects.filter(user=user)
    assert [(e.kind, e.points, e.key) for e in entries] == [("share", 5, f"share:{user.pk}:{item.pk}:linkedin")]
    assert sum(r is not None for r in results) == 1


def test_each_network_earns_its_own_points(db):
    # given
    user, item = certified_user(), content()
    settings_set(points_share_x=4, points_share_facebook=2)
    # when the item is shared on the three networks
    for network in ("linkedin", "x", "facebook"):
        share_award(share(user, item, network).pk)
    # then one entry per network with that network's points, and both share badges
    assert sorted(PointsEntry.objects.filter(user=user).values_list("points", flat=True)) == [2, 4, 5]
    assert set(BadgeAward.objects.filter(user=user).values_list("badge", flat=True)) == {
        "first_share",
        "three_networks",
    }


@pytest.mark.django_db(transaction=True)
def test_eight_parallel_shares_of_one_item_earn_once(site, run_concurrently):
    # given
    user, item = certified_user(), content()

    # when 8 threads record a share of the same item on the same network, each in its
    # transaction, through the signal the share service sends
    def record(i: int) -> int:
        with transaction.atomic():
            row = share(user, item)
            signals.share_recorded.send(sender=Share, share_id=row.pk, user_id=user.pk)
        return row.pk

    outcomes = run_concurrently(8, record)
    # then every share was recorded and one entry written
    assert all(isinstance(o, int) for o in outcomes), outcomes
    assert PointsEntry.objects.filter(user=user).count() == 1
    assert PointsTotal.objects.get(user=user, period="all").points == 5


def test_an_own_post_earns_the_share_points_each_time(db):
    # given two own posts on X
    user = certified_user()
    first, second = share(user, None, "x"), share(user, None, "x")
    # when
    share_award(first.pk)
    share_award(first.pk)
    share_award(second.pk)
    # then one post entry each
    assert sorted(PointsEntry.objects.filter(user=user).values_list("kind", "key")) == [
        ("post", f"post:{first.pk}"),
        ("post", f"post:{second.pk}"),
    ]


def test_a_scheduled_or_cancelled_share_earns_nothing(db):
    # given
    user, item = certified_user(), content()
    scheduled = share(user, item, status=Share.Status.SCHEDULED)
    cancelled = share(user, item, "x", status=Share.Status.CANCELLED)
    # when / then
    assert share_award(scheduled.pk) is None
    assert share_award(cancelled.pk) is None
    assert PointsEntry.objects.count() == 0


def test_an_uncertified_user_earns_nothing_for_sharing(db):
    # given an employee without a certificate
    user, item = UserFactory(), content()
    # when / then
    assert share_award(share(user, item).pk) is None
    assert PointsEntry.objects.count() == 0


# --- clicks ---------------------------------------------------------------------------------


def test_clicks_are_capped_per_share(db):
    # given a cap of 3 rewarded clicks per share and 5 qualified visits
    settings_set(click_cap_per_share=3, click_cap_per_day=100, points_click=2)
    user = certified_user()
    link = link_for(share(user, content()))
    visit_ids = qualified_visits(link, 5)
    # when awarded twice (a redelivered sweep)
    assert clicks_award(visit_ids) == 3
    assert clicks_award(visit_ids) == 0
    # then 3 click entries of 2 points, for the first three visits
    entries = PointsEntry.objects.filter(kind="click").order_by("pk")
    assert [e.key for e in entries] == [f"click:{pk}" for pk in visit_ids[:3]]
    assert {e.points for e in entries} == {2}


def test_clicks_are_capped_per_sharer_and_day(db):
    # given a daily cap of 4 over two shares, and visits over two days
    settings_set(click_cap_per_share=50, click_cap_per_day=4)
    user = certified_user()
    today = timezone.now().replace(hour=12)
    first, second = link_for(share(user, content(1))), link_for(share(user, content(2)))
    ids = qualified_visits(first, 3, today) + qualified_visits(second, 3, today)
    ids += qualified_visits(second, 2, today - timedelta(days=1))
    # when
    written = clicks_award(ids)
    # then 4 today and 2 yesterday
    assert written == 6
    days = [timezone.localdate(at) for at in PointsEntry.objects.filter(kind="click").values_list("at", flat=True)]
    assert sorted(days).count(timezone.localdate(today)) == 4


def test_unqualified_visits_earn_nothing(db):
    # given a bot visit
    user = certified_user()
    link = link_for(share(user, content()))
    bot = Visit.objects.create(link=link, is_bot=True, qualified=False)
    # when / then
    assert clicks_award([bot.pk]) == 0


@pytest.mark.django_db(transaction=True)
def test_parallel_click_awards_never_exceed_the_caps(site, run_concurrently):
    # given caps of 5 per share and 7 per day, two shares with 8 qualified visits each
    settings_set(click_cap_per_share=5, click_cap_per_day=7)
    user = certified_user()
    links = [link_for(share(user, content(1))), link_for(share(user, content(2)))]
    now = timezone.now().replace(hour=12)
    batches = [qualified_visits(link, 8, now) for link in links]
    chunks = [batches[i % 2][i // 2 * 2 : i // 2 * 2 + 2] for i in range(8)]

    # when 8 threads award disjoint batches of the same sharer's visits at once
    outcomes = run_concurrently(8, lambda i: clicks_award(chunks[i]))

    # then no error, at most 5 per share, 7 in all, and the totals agree
    assert all(isinstance(o, int) for o in outcomes), outcomes
    per_share = [PointsEntry.objects.filter(kind="click", share=link.share).count() for link in links]
    assert sum(outcomes) == 7 and sum(per_share) == 7
    assert max(per_share) <= 5
    assert PointsTotal.objects.get(user=user, period="all").points == 7


def test_the_visits_qualified_signal_awards_clicks(db):
    # given
    user = certified_user()
    ids = qualified_visits(link_for(share(user, content())), 2)
    # when
    signals.visits_qualified.send(sender=Visit, visit_ids=ids)
    # then
    assert PointsEntry.objects.filter(user=user, kind="click").count() == 2


def test_a_hundred_qualified_clicks_earn_the_badge(db):
    # given 100 qualified visits, of which only 50 are rewarded (cap per share)
    user = certified_user()
    ids = qualified_visits(link_for(share(user, content())), 100)
    # when
    clicks_award(ids)
    # then the badge counts qualified clicks, not rewarded ones
    assert PointsEntry.objects.filter(kind="click").count() == 50
    assert BadgeAward.objects.filter(user=user, badge="hundred_clicks").count() == 1


# --- revoked: nothing more, nothing taken back ----------------------------------------------


def test_a_revoked_user_keeps_what_they_earned_and_earns_nothing_more(db, django_capture_on_commit_callbacks):
    # given a user who earned share and click points
    user, item = certified_user(), content()
    first = share(user, item)
    share_award(first.pk)
    link = link_for(first)
    clicks_award(qualified_visits(link, 2))
    # when their certificate is revoked
    certificate_revoke(certificate=user.certificates.get(), actor=None, reason="Leaked a figure.")
    share_award(share(user, item, "x").pk)
    later = qualified_visits(link, 3, timezone.now() + timedelta(minutes=5))
    clicks_award(later)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        course_completed.send(sender=None, user_id=user.pk, course_id=99)
    assert len(callbacks) >= 1
    # then the 7 points earned stay and nothing was added
    assert sorted(PointsEntry.objects.filter(user=user).values_list("kind", flat=True)) == ["click", "click", "share"]
    assert PointsTotal.objects.get(user=user, period="all").points == 7


# --- course and certification ---------------------------------------------------------------


def test_a_completed_course_earns_once(db, django_capture_on_commit_callbacks):
    # given
    user = UserFactory()
    # when the signal arrives twice (the task is enqueued on commit; Celery runs eagerly)
    with django_capture_on_commit_callbacks(execute=True):
        course_completed.send(sender=None, user_id=user.pk, course_id=12)
        course_completed.send(sender=None, user_id=user.pk, course_id=12)
    # then
    assert list(PointsEntry.objects.values_list("kind", "points", "key")) == [("course", 20, f"course:{user.pk}:12")]


def test_certification_and_on_time_renewal_earn_their_points(db, django_capture_on_commit_callbacks):
    # given a certified user
    user = certified_user()
    # when a first certificate, an on-time renewal and a revocation are signalled
    with django_capture_on_commit_callbacks(execute=True):
        send_certificate_events(user)
    # then
    assert sorted(PointsEntry.objects.values_list("kind", "points", "key")) == [
        ("certified", 50, "certified:501"),
        ("renewed", 30, "renewed:502"),
    ]
    assert list(BadgeAward.objects.filter(user=user).values_list("badge", flat=True)) == ["renewed_on_time"]


def send_certificate_events(user) -> None:
    for certificate_id, state, event in (
        (501, "valid", "issued"),
        (502, "valid", "renewed"),
        (502, "valid", "renewed"),
        (502, "revoked", "revoked"),
    ):
        certificate_status_changed.send(
            sender=None, certificate_id=certificate_id, user_id=user.pk, state=state, event=event
        )


def test_the_certificate_event_tells_a_renewal_before_expiry_from_a_late_one(db):
    # given a previous certificate expiring tomorrow
    now = timezone.now()
    previous = CertificateFactory(issued_at=now - timedelta(days=364), expires_at=now + timedelta(days=1))
    # when / then
    assert issue_event(None, now) == "issued"
    assert issue_event(previous, now) == "renewed"
    assert issue_event(previous, now + timedelta(days=2)) == "reissued"


# --- corrections and totals -----------------------------------------------------------------


def test_a_reversal_cancels_an_entry_once(db):
    # given an entry of 5 points
    user, manager = certified_user(), UserFactory()
    entry = share_award(share(user, content()).pk)
    # when it is reversed twice
    reversal = points_reverse(entry.pk, manager.pk, "Shared by mistake")
    again = points_reverse(entry.pk, manager.pk, "again")
    # then one reversal of -5 pointing at it, and the totals back to 0
    assert (reversal.points, reversal.reverses_id, reversal.key, reversal.actor_id) == (
        -5,
        entry.pk,
        f"reversal:{entry.pk}",
        manager.pk,
    )
    assert again is None
    assert points_reverse(reversal.pk, manager.pk, "") is None
    assert PointsTotal.objects.get(user=user, period="all").points == 0


def test_an_adjustment_counts_once_per_key(db):
    # given
    user, manager = UserFactory(), UserFactory()
    # when
    points_adjust(user.pk, 12, manager.pk, "Workshop host", key="workshop-1")
    points_adjust(user.pk, 12, manager.pk, "Workshop host", key="workshop-1")
    points_adjust(user.pk, -2, manager.pk, "Correction", key="fix-1")
    # then
    assert PointsTotal.objects.get(user=user, period="all").points == 10
    assert PointsEntry.objects.filter(kind="adjustment").count() == 2


def test_totals_equal_the_ledger_sums_per_period_and_recompute_rebuilds_them(db):
    # given entries over several months for two users
    user, other = certified_user(), certified_user()
    now = timezone.now()
    for days in (0, 3, 40, 100, 400):
        share_award(share(user, content(days), at=now - timedelta(days=days)).pk)
    share_award(share(other, content(1), "x").pk)
    points_adjust(other.pk, 7, None, "", key="a")
    before = sorted(PointsTotal.objects.values_list("user_id", "period", "period_start", "points", "department_id"))
    # when / then the maintained totals equal the ledger's sums
    assert totals_match_ledger()
    # when rebuilt from the ledger, identical rows
    assert points_recompute() == len(before)
    after = sorted(PointsTotal.objects.values_list("user_id", "period", "period_start", "points", "department_id"))
    assert after == before
