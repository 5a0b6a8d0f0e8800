"""Concurrent clicks and concurrent sweeps (TESTPLAN 28): no visit lost, none processed twice.
Run on the SQLite file database and on PostgreSQL (``DATABASE_URL``)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from advocacy_share.models import Visit
from advocacy_share.services import links as link_services
from advocacy_share.signals import visits_qualified
from policy import rules
from tests.factories.advocacy import ShareableContentFactory, ShareFactory, TrackedLinkFactory, VisitFactory
from tests.factories.policy import LinkDomainRuleFactory

THREADS = 8
REQUESTS_PER_THREAD = 50
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"


@pytest.fixture
def link(site):
    rules.bump_version()
    cache.clear()
    LinkDomainRuleFactory(domains="acme.com")
    link = TrackedLinkFactory(share=ShareFactory(content=ShareableContentFactory(url="https://acme.com/a")))
    yield link
    rules.bump_version()
    cache.clear()


@pytest.mark.django_db(transaction=True)
def test_eight_threads_of_clicks_lose_no_visit(link, run_concurrently):
    # when 8 threads follow the link 50 times each, all released at once
    def clicks(i: int) -> list[int]:
        client = Client(REMOTE_ADDR=f"203.0.113.{i}", headers={"user-agent": CHROME})
        return [client.get(f"/s/{link.code}").status_code for _ in range(REQUESTS_PER_THREAD)]

    outcomes = run_concurrently(THREADS, clicks)

    # then every request was redirected and every one left exactly one visit
    assert outcomes == [[302] * REQUESTS_PER_THREAD] * THREADS
    assert Visit.objects.filter(link=link).count() == THREADS * REQUESTS_PER_THREAD
    per_visitor = sorted(Visit.objects.values_list("visitor", flat=True).distinct())
    assert len(per_visitor) == THREADS


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_process_every_visit_exactly_once(link, run_concurrently):
    # given 300 visits: 100 visitors, three visits each
    for n in range(300):
        VisitFactory(link=link, visitor=f"{n % 100:064x}")
    announced: list[int] = []

    def receiver(sender, **kwargs):
        announced.extend(kwargs["visit_ids"])

    visits_qualified.connect(receiver, weak=False)
    try:
        # when two sweeps run at the same moment, in batches of 50
        def sweep(i: int) -> list[int]:
            found: list[int] = []
            while Visit.objects.filter(processed_at__isnull=True).exists():
                found.extend(link_services.visits_qualify(limit=50))
            return found

        outcomes = run_concurrently(2, sweep)
    finally:
        visits_qualified.disconnect(receiver)

    # then each of the 100 first visits qualified once, announced once, and nothing is left
    assert not any(isinstance(outcome, BaseException) for outcome in outcomes), outcomes
    first_visits = sorted(Visit.objects.order_by("id").values_list("id", flat=True)[:100])
    assert sorted(outcomes[0] + outcomes[1]) == first_visits
    assert sorted(announced) == first_visits
    assert Visit.objects.filter(processed_at__isnull=True).count() == 0
    assert Visit.objects.filter(qualified=True).count() == 100
    assert Visit.objects.filter(is_repeat=True).count() == 200
