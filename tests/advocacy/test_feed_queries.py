"""The feed renders with a constant number of queries whatever the size of the library
(issue: "Feed with 1,000 items: constant query count"): 10 items, then 1,000, each page card
with its image, tags and campaign, the employee's shares and clicks, reminders and the nudge."""

from __future__ import annotations

from datetime import timedelta

import pytest
import wagtail_factories
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advocacy_share.models import Campaign, Share, ShareableContent
from tests.advocacy.test_feed import EN, certify, share, visits


def grow_library(user, total: int, campaign: Campaign) -> None:
    """``total`` published items; the newest 20 (the first page) each have an image, tags,
    and a share by ``user`` with clicks; a few reminders and company shares for the nudge."""
    now = timezone.now()
    existing = ShareableContent.objects.count()
    ShareableContent.objects.bulk_create(
        [
            ShareableContent(
                title=f"Item {existing + n}",
                url=f"https://example.com/{existing + n}",
                language="en",
                campaign=campaign,
                kind=ShareableContent.Kind.COMPANY if n % 2 else ShareableContent.Kind.INDUSTRY,
                created_at=now - timedelta(days=30, minutes=existing + n),
            )
            for n in range(total - existing)
        ]
    )
    for offset, content in enumerate(ShareableContent.objects.order_by("created_at")[:20]):
        content.created_at = now - timedelta(minutes=offset)
        if content.image_id is None:
            content.image = wagtail_factories.ImageFactory()
        content.tags.add("energy", f"tag-{offset % 3}")
        content.save()
        if not content.shares.exists():
            visits(share(user, content, "linkedin"), qualified=offset % 4)
            share(user, content, "x", Share.Status.SCHEDULED, scheduled_for=now + timedelta(hours=offset))


def measure(client, url: str) -> tuple[int, list[str]]:
    cache.clear()  # Wagtail keeps site data and renditions in the cache; both sizes start cold
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **EN)
    assert response.status_code == 200
    assert response.content.decode().count('<li class="card advocacy-card') == min(20, ShareableContent.objects.count())
    return len(queries), [q["sql"] for q in queries.captured_queries]


@pytest.mark.slow
@pytest.mark.parametrize("url", ["/advocacy/", "/advocacy/?campaign=green&tag=energy&network=&q=item"])
def test_the_feed_query_count_does_not_grow_from_10_to_1000_items(employee_client, employee, url):
    # given a certified employee and 10 items, then 1,000 (a first visit renders the images)
    certify(employee)
    campaign = Campaign.objects.create(name="Green", slug="green")
    grow_library(employee, 10, campaign)
    employee_client.get(url, **EN)
    small, small_sql = measure(employee_client, url)
    grow_library(employee, 1000, campaign)
    employee_client.get(url, **EN)
    # when
    large, large_sql = measure(employee_client, url)
    # then
    assert large == small, [sql for sql in large_sql if sql not in small_sql][:5]
