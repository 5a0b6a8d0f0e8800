"""The advocacy dashboard's roll-ups: counted once as events arrive, and a nightly rebuild
that gives the same numbers as the incremental path. Run on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from advocacy_share.models import (
    ActivityPerson,
    ActivityTotal,
    ActivityWeek,
    AdvocateProfile,
    DepartmentWeek,
    Share,
    ShareableContent,
    Visit,
)
from advocacy_share.services import analytics
from advocacy_share.services import links as link_services
from advocacy_share.services.shares import Draft, shares_record
from lms.people.models import Department
from tests.advocacy.compose_fixtures import _fresh_caches, allow_domains, certified, library_item  # noqa: F401
from tests.factories.advocacy import (
    CampaignFactory,
    ShareableContentFactory,
    ShareFactory,
    TrackedLinkFactory,
    VisitFactory,
)
from tests.factories.people import UserFactory

TOTAL_FIELDS = ("week", "network", "content_id", "campaign_id", "kind")
SUMS = ("shares", "own_posts", "qualified_clicks", "reach")


def total_rows() -> list[tuple]:
    return sorted(ActivityTotal.objects.values_list(*TOTAL_FIELDS, *SUMS))


def week_rows() -> list[tuple]:
    return sorted(ActivityWeek.objects.values_list("week", "user_id", "department_id", "posts", "shares"))


def department_rows() -> list[tuple]:
    return sorted(
        DepartmentWeek.objects.exclude(active_advocates=0, posts=0, shares=0, qualified_clicks=0).values_list(
            "week", "department_id", "active_advocates", "posts", "shares", "qualified_clicks"
        )
    )


def person_rows() -> list[tuple]:
    return sorted(ActivityPerson.objects.values_list("user_id", "last_week", "department_id"))


def rollups() -> tuple[list[tuple], ...]:
    return (total_rows(), week_rows(), department_rows(), person_rows())


def at(day: int, hour: int = 10) -> datetime:
    """A moment in local time, ``day`` days after Monday 2 March 2026."""
    return timezone.make_aware(datetime(2026, 3, 2, hour) + timedelta(days=day))


@pytest.mark.django_db
def test_a_share_is_counted_once_with_its_dimensions_and_reach():
    # given a sharer of the sales department who declared 800 LinkedIn followers
    sales = Department.objects.create(name="Sales")
    user = UserFactory(department=sales)
    AdvocateProfile.objects.create(user=user, audience={"linkedin": 800, "x": 120})
    content = ShareableContentFactory(kind=ShareableContent.Kind.INDUSTRY)
    share = ShareFactory(user=user, content=content, network="linkedin", created_at=at(2))

    # when it is counted twice
    first = analytics.activity_share_count(share_id=share.pk)
    second = analytics.activity_share_count(share_id=share.pk)

    # then one post, in one day row and one week row
    assert (first, second) == (True, False)
    assert total_rows() == [(at(0).date(), "linkedin", content.pk, content.campaign_id, "industry", 1, 0, 0, 800)]
    assert week_rows() == [(at(0).date(), user.pk, sales.pk, 1, 1)]
    assert department_rows() == [(at(0).date(), sales.pk, 1, 1, 1, 0)]
    assert person_rows() == [(user.pk, at(0).date(), sales.pk)]
    assert Share.objects.get(pk=share.pk).counted is True


@pytest.mark.django_db
def test_an_own_post_and_a_scheduled_share():
    # given an own post (no content, no department) and a scheduled reminder
    user = UserFactory(department=None)
    own = ShareFactory(user=user, content=None, network="x", created_at=at(3))
    scheduled = ShareFactory(user=user, status=Share.Status.SCHEDULED, created_at=at(3))

    # when both are offered to the roll-ups
    counted = [analytics.activity_share_count(share_id=s.pk) for s in (own, scheduled)]

    # then the own post counts (kind "own", no content or campaign), the reminder does not
    assert counted == [True, False]
    assert total_rows() == [(at(0).date(), "x", 0, 0, "own", 0, 1, 0, 0)]
    assert week_rows() == [(at(0).date(), user.pk, 0, 1, 0)]
    assert department_rows() == [(at(0).date(), 0, 1, 1, 0, 0)]


@pytest.mark.django_db
def test_recording_a_share_counts_it_in_the_same_transaction(site):
    # given a certified employee and a library item
    allow_domains()
    user = certified()
    content = library_item(texts={("linkedin", "en"): "Our plant opens"})

    # when they share it on two networks
    shares_record(
        user=user,
        drafts=[Draft("linkedin", "Our plant opens today"), Draft("x", "Our plant opens")],
        content_id=content.pk,
        language="en",
    )

    # then both posts are in the roll-ups and counted
    assert sorted(ActivityTotal.objects.values_list("network", "shares")) == [("linkedin", 1), ("x", 1)]
    assert week_rows() == [(analytics.week_start(timezone.localdate()), user.pk, 0, 2, 2)]
    assert Share.objects.filter(counted=False).count() == 0


@pytest.mark.django_db
def test_a_move_between_departments_moves_the_persons_week():
    # given a person of Sales who posted twice this week (a library share and an own post), and
    # a colleague of Sales who posted once
    sales, tech = Department.objects.create(name="Sales"), Department.objects.create(name="Tech")
    mover, colleague = UserFactory(department=sales), UserFactory(department=sales)
    for made in (
        ShareFactory(user=mover, network="x", created_at=at(0)),
        ShareFactory(user=mover, content=None, network="x", created_at=at(1)),
        ShareFactory(user=colleague, network="x", created_at=at(1)),
    ):
        analytics.activity_share_count(share_id=made.pk)

    # when the person moves to Tech and posts again the same week
    mover.department = tech
    mover.save()
    analytics.activity_share_count(share_id=ShareFactory(user=mover, network="x", created_at=at(2)).pk)

    # then their whole week is Tech's: Sales keeps the colleague only
    week = at(0).date()
    assert department_rows() == sorted([(week, sales.pk, 1, 1, 1, 0), (week, tech.pk, 1, 3, 2, 0)])
    assert week_rows() == sorted([(week, mover.pk, tech.pk, 3, 2), (week, colleague.pk, sales.pk, 1, 1)])
    assert person_rows() == sorted([(mover.pk, week, tech.pk), (colleague.pk, week, sales.pk)])
    # and the nightly rebuild agrees
    incremental = rollups()
    analytics.activity_rebuild()
    assert rollups() == incremental


@pytest.mark.django_db
def test_the_sweep_counts_qualified_clicks_only_once():
    # given a share with three visits: two visitors, one of whom comes back, and a bot
    share = ShareFactory(network="facebook", created_at=at(0))
    link = TrackedLinkFactory(share=share)
    VisitFactory(link=link, visitor="a" * 64, at=at(1, 9))
    VisitFactory(link=link, visitor="a" * 64, at=at(1, 10))
    VisitFactory(link=link, visitor="b" * 64, at=at(8, 9))
    VisitFactory(link=link, visitor="c" * 64, at=at(8, 9), is_bot=True)

    # when the sweep runs twice
    first = link_services.visits_qualify()
    second = link_services.visits_qualify()

    # then the two qualified clicks are in their visit's week, once
    assert (len(first), second) == (2, [])
    content = share.content
    key = ("facebook", content.pk, content.campaign_id, "company")
    assert total_rows() == [
        (at(0).date(), *key, 0, 0, 1, 0),
        (at(7).date(), *key, 0, 0, 1, 0),
    ]
    # and in the sharer's department's weeks
    department = share.user.department_id or 0
    assert department_rows() == [(at(0).date(), department, 0, 0, 0, 1), (at(7).date(), department, 0, 0, 0, 1)]


@pytest.mark.django_db
def test_rebuild_twice_writes_the_same_rows():
    # given a share and a qualified click, counted incrementally
    share = ShareFactory(created_at=at(0))
    VisitFactory(link=TrackedLinkFactory(share=share), at=at(1))
    analytics.activity_share_count(share_id=share.pk)
    link_services.visits_qualify()
    incremental = rollups()

    # when the roll-ups are rebuilt twice
    written = [analytics.activity_rebuild(), analytics.activity_rebuild()]

    # then the same rows each time (a total, a person's week, their latest week, a department's
    # week), and the same as the incremental path
    assert written == [4, 4]
    assert rollups() == incremental


def _random_history(rng: random.Random) -> None:
    """Shares (library, own, scheduled), audiences, and visits of every kind, counted as the
    live system does: each share when recorded, visits by sweeps in between."""
    departments = [Department.objects.create(name=f"Department {n}") for n in range(3)] + [None]
    users = [UserFactory(department=rng.choice(departments)) for _ in range(6)]
    for user in users[:4]:
        AdvocateProfile.objects.create(
            user=user, audience={"linkedin": rng.randint(0, 900), "x": rng.randint(0, 90), "facebook": "many"}
        )
    campaigns = [CampaignFactory(), CampaignFactory(), None]
    contents = [
        ShareableContentFactory(campaign=rng.choice(campaigns), kind=rng.choice(["company", "industry"]))
        for _ in range(5)
    ]
    links = []
    for _ in range(60):
        status = rng.choice([Share.Status.SHARED] * 4 + [Share.Status.SCHEDULED, Share.Status.REMINDED])
        share = ShareFactory(
            user=rng.choice(users),
            content=rng.choice([*contents, None]),
            network=rng.choice(["linkedin", "x", "facebook"]),
            status=status,
            created_at=at(rng.randint(-20, 20), rng.randint(0, 23)),
        )
        analytics.activity_share_count(share_id=share.pk)
        if status != Share.Status.SCHEDULED:
            links.append(TrackedLinkFactory(share=share))
        for _ in range(rng.randint(0, 6)):
            VisitFactory(
                link=rng.choice(links),
                visitor=rng.choice("abcdef") * 64,
                at=share.created_at + timedelta(hours=rng.randint(0, 200)),
                is_bot=rng.random() < 0.2,
                is_prefetch=rng.random() < 0.1,
            )
        if rng.random() < 0.3:
            link_services.visits_qualify(limit=rng.randint(1, 20))
    while Visit.objects.filter(processed_at__isnull=True).exists():
        link_services.visits_qualify()


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_rebuild_gives_the_incremental_numbers_after_a_random_history(seed):
    # given a random mix of shares and visits counted as they came
    _random_history(random.Random(seed))
    incremental = rollups()
    assert incremental[0], "the history produced activity"
    assert sum(row[-2] for row in incremental[0]) == Visit.objects.filter(qualified=True).count()

    # when the roll-ups are rebuilt from the raw rows
    analytics.activity_rebuild()

    # then every row is the same
    assert rollups() == incremental
    shared = Share.objects.filter(status=Share.Status.SHARED)
    assert sum(row[-4] + row[-3] for row in incremental[0]) == shared.count()
    assert sum(row[3] for row in incremental[1]) == shared.count()
    assert sum(row[3] for row in incremental[2]) == shared.count()
    assert sum(row[2] for row in incremental[2]) == len(incremental[1])
    assert [row[1] for row in incremental[3]] == [
        max(week for week, user_id, *_rest in incremental[1] if user_id == row[0]) for row in incremental[3]
    ]


@pytest.mark.django_db(transaction=True)
def test_concurrent_counts_and_sweeps_lose_nothing_and_count_nothing_twice(run_concurrently):
    # given 40 shares on one day by four people, each link visited by two visitors
    users = [UserFactory(department=None) for _ in range(4)]
    content = ShareableContentFactory()
    shares = [ShareFactory(user=users[n % 4], content=content, network="linkedin", created_at=at(0)) for n in range(40)]
    for share in shares:
        link = TrackedLinkFactory(share=share)
        VisitFactory(link=link, visitor="a" * 64, at=at(0, 12))
        VisitFactory(link=link, visitor="b" * 64, at=at(0, 12))

    # when four threads each count every share and sweep the visits in small batches
    def work(i: int) -> int:
        counted = 0
        for share in shares[i::1] if i % 2 else reversed(shares):
            counted += analytics.activity_share_count(share_id=share.pk)
            link_services.visits_qualify(limit=3)
        return counted

    outcomes = run_concurrently(4, work)
    while Visit.objects.filter(processed_at__isnull=True).exists():
        link_services.visits_qualify()

    # then each share was counted by exactly one thread, every click once
    assert not any(isinstance(o, BaseException) for o in outcomes), outcomes
    assert sum(outcomes) == 40
    assert ActivityTotal.objects.count() == 1
    row = ActivityTotal.objects.get()
    assert (row.shares, row.own_posts, row.qualified_clicks) == (40, 0, 80)
    assert sorted(ActivityWeek.objects.values_list("user_id", "posts")) == sorted((u.pk, 10) for u in users)
    assert department_rows() == [(at(0).date(), 0, 4, 40, 40, 80)]
    assert person_rows() == sorted((u.pk, at(0).date(), 0) for u in users)
    incremental = rollups()
    analytics.activity_rebuild()
    assert rollups() == incremental


@pytest.mark.django_db
def test_a_persons_latest_week_moves_forward_only():
    # given a person who posted in the week of 9 March, in Sales
    sales, tech = Department.objects.create(name="Sales"), Department.objects.create(name="Tech")
    user = UserFactory(department=sales)
    analytics.activity_share_count(share_id=ShareFactory(user=user, created_at=at(7)).pk)

    # when a post of an earlier week is counted later, from Tech
    user.department = tech
    user.save()
    analytics.activity_share_count(share_id=ShareFactory(user=user, created_at=at(0)).pk)

    # then their latest week stays 9 March, in Sales; a later post moves it (and the department)
    assert person_rows() == [(user.pk, at(7).date(), sales.pk)]
    analytics.activity_share_count(share_id=ShareFactory(user=user, created_at=at(14)).pk)
    assert person_rows() == [(user.pk, at(14).date(), tech.pk)]
