"""The qualification sweep: which visits are real clicks (TESTPLAN 25), once each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from advocacy_share.models import Visit
from advocacy_share.services.links import visits_qualify
from advocacy_share.signals import visits_qualified
from advocacy_share.tasks import visits_qualify_task
from tests.factories.advocacy import TrackedLinkFactory, VisitFactory

ALICE = "a" * 64
BOB = "b" * 64


@pytest.fixture
def received():
    """``visits_qualified`` as sent: the ``visit_ids`` of each signal, in order."""
    got: list[list[int]] = []

    def receiver(sender, **kwargs):
        got.append(list(kwargs["visit_ids"]))

    visits_qualified.connect(receiver, weak=False)
    yield got
    visits_qualified.disconnect(receiver)


@pytest.fixture
def link(db):
    return TrackedLinkFactory()


def state(visit: Visit) -> tuple[bool, bool, bool]:
    visit.refresh_from_db()
    return visit.is_repeat, visit.qualified, visit.processed_at is not None


def test_a_plain_click_qualifies_and_is_announced_on_commit(link, received, django_capture_on_commit_callbacks):
    visit = VisitFactory(link=link, visitor=ALICE)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        qualified = visits_qualify()

    assert qualified == [visit.id]
    assert len(callbacks) == 1
    assert received == [[visit.id]]
    assert state(visit) == (False, True, True)


def test_the_same_visitor_within_24_hours_is_a_repeat_and_after_24_hours_is_not(link, received):
    start = timezone.now() - timedelta(days=3)
    first = VisitFactory(link=link, visitor=ALICE, at=start)
    within = VisitFactory(link=link, visitor=ALICE, at=start + timedelta(hours=23, minutes=59))
    after = VisitFactory(link=link, visitor=ALICE, at=start + timedelta(hours=48))
    exactly = VisitFactory(link=link, visitor=ALICE, at=start + timedelta(hours=72))

    qualified = visits_qualify()

    # the visit 24 h after the previous one is new again; 23:59 later is a repeat
    assert qualified == [first.id, after.id]
    assert state(first) == (False, True, True)
    assert state(within) == (True, False, True)
    assert state(after) == (False, True, True)
    assert state(exactly) == (True, False, True)  # exactly 24 h after "after": still inside the window


def test_fifty_clicks_of_one_visitor_make_one_qualified_click(link):
    now = timezone.now()
    visits = [VisitFactory(link=link, visitor=ALICE, at=now - timedelta(minutes=50 - n)) for n in range(50)]

    assert visits_qualify() == [visits[0].id]
    assert Visit.objects.filter(is_repeat=True).count() == 49


def test_other_visitors_and_other_links_are_not_repeats(link):
    other_link = TrackedLinkFactory()
    now = timezone.now()
    mine = VisitFactory(link=link, visitor=ALICE, at=now - timedelta(minutes=3))
    other_visitor = VisitFactory(link=link, visitor=BOB, at=now - timedelta(minutes=2))
    other_link_visit = VisitFactory(link=other_link, visitor=ALICE, at=now - timedelta(minutes=1))

    assert visits_qualify() == [mine.id, other_visitor.id, other_link_visit.id]


@pytest.mark.parametrize("flag", ["is_bot", "is_prefetch", "is_head", "is_self"])
def test_bots_prefetches_heads_and_self_clicks_never_qualify(link, flag):
    visit = VisitFactory(link=link, visitor=ALICE, **{flag: True})

    assert visits_qualify() == []
    assert state(visit) == (False, False, True)


def test_an_earlier_visit_of_any_kind_makes_a_repeat(link):
    # given the same browser prefetched the link a minute before clicking it
    now = timezone.now()
    VisitFactory(link=link, visitor=ALICE, at=now - timedelta(minutes=1), is_prefetch=True)
    click = VisitFactory(link=link, visitor=ALICE, at=now)

    # then the click does not earn a second time through the side door
    assert visits_qualify() == []
    assert state(click) == (True, False, True)


def test_a_rerun_changes_nothing_and_announces_nothing(link, received, django_capture_on_commit_callbacks):
    VisitFactory(link=link, visitor=ALICE)
    VisitFactory(link=link, visitor=BOB, is_bot=True)
    with django_capture_on_commit_callbacks(execute=True):
        first = visits_qualify()
    before = list(Visit.objects.order_by("id").values())

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = visits_qualify()

    assert len(first) == 1
    assert again == []
    assert callbacks == []
    assert received == [first]
    assert list(Visit.objects.order_by("id").values()) == before


def test_batches_follow_id_order_and_see_visits_of_earlier_batches(link):
    now = timezone.now()
    first = VisitFactory(link=link, visitor=ALICE, at=now - timedelta(minutes=5))
    bob = VisitFactory(link=link, visitor=BOB, at=now - timedelta(minutes=4))
    repeat = VisitFactory(link=link, visitor=ALICE, at=now - timedelta(minutes=3))

    assert visits_qualify(limit=2) == [first.id, bob.id]
    assert state(repeat) == (False, False, False)  # not looked at yet
    assert visits_qualify(limit=2) == []
    assert state(repeat) == (True, False, True)


def test_visits_not_yet_processed_count_as_earlier_visits(link):
    # given an earlier visit already processed and a later one arriving afterwards
    now = timezone.now()
    VisitFactory(link=link, visitor=ALICE, at=now - timedelta(hours=2))
    visits_qualify()
    later = VisitFactory(link=link, visitor=ALICE, at=now)

    assert visits_qualify() == []
    assert state(later) == (True, False, True)


def test_the_task_runs_the_sweep(link):
    VisitFactory(link=link, visitor=ALICE)
    VisitFactory(link=link, visitor=BOB)
    VisitFactory(link=link, visitor=BOB)

    assert visits_qualify_task.delay().get() == 2
    assert Visit.objects.filter(processed_at__isnull=True).count() == 0


def test_beat_runs_the_sweep_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["advocacy-visits-qualify"]

    assert entry["task"] == "advocacy_share.tasks.visits_qualify_task"
    assert entry["schedule"] == 60.0
