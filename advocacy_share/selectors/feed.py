"""The feed at ``/advocacy/``: the library items on show now, what the employee already shared
of them, their due reminders and their content mix.

Query budget: the page reads a constant number of queries whatever the size of the library
(the items of one page, their tags and image renditions prefetched, and one grouped query for
what the employee shared of them), asserted in ``tests/advocacy/test_feed_queries.py``.

The network filter keeps the items that have a suggested text for that network (any language):
every item may be shared anywhere, so "all items" would filter nothing; a suggested text says
the item was prepared for that network.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from taggit.models import Tag
from wagtail.images import get_image_model

from advocacy_share.data import MixNudge, MixSuggestion, SharedSummary
from advocacy_share.models import (
    SHARE_NETWORKS,
    AdvocacySettings,
    Campaign,
    Share,
    ShareableContent,
    ShareableContentTag,
    SuggestedText,
)

PAGE_SIZE = 20
CARD_RENDITION = "fill-640x336"
MIX_DAYS = 30
MIX_SUGGESTIONS = 3
REMINDER_WINDOW = timedelta(hours=24)
COUNTED = (Share.Status.SHARED, Share.Status.REMINDED)


@dataclass(frozen=True)
class FeedFilters:
    """The filters of the feed, as read from the query string (unknown values are ignored
    by the queryset, not an error)."""

    campaign: str = ""
    tag: str = ""
    network: str = ""
    q: str = ""

    @property
    def active(self) -> bool:
        return bool(self.campaign or self.tag or self.network or self.q)

    def query(self) -> dict[str, str]:
        """The non-empty filters, for links that keep them (pagination)."""
        return {name: value for name, value in self.__dict__.items() if value}


def read_filters(params: dict[str, str]) -> FeedFilters:
    """Filters from a query string; a network the programme does not share on is dropped."""

    def clean(name: str, limit: int) -> str:
        return str(params.get(name, "") or "").strip()[:limit]

    network = clean("network", 16)
    return FeedFilters(
        campaign=clean("campaign", 80),
        tag=clean("tag", 100),
        network=network if network in SHARE_NETWORKS else "",
        q=clean("q", 200),
    )


def on_show(now: datetime | None = None) -> QuerySet[ShareableContent]:
    """Published items inside their publish window (each bound optional): from ≤ now < until."""
    now = now or timezone.now()
    return ShareableContent.objects.filter(status=ShareableContent.Status.PUBLISHED).filter(
        Q(publish_from__isnull=True) | Q(publish_from__lte=now),
        Q(publish_until__isnull=True) | Q(publish_until__gt=now),
    )


def in_language_first(items: QuerySet[ShareableContent], language: str) -> QuerySet[ShareableContent]:
    """The reader's language first, then featured, then newest."""
    rank = Case(When(language=language, then=Value(0)), default=Value(1), output_field=IntegerField())
    return items.annotate(language_rank=rank).order_by("language_rank", "-featured", "-created_at", "-pk")


def feed_items(*, language: str, filters: FeedFilters, now: datetime | None = None) -> QuerySet[ShareableContent]:
    """The feed's items, filtered and ordered, with what a card shows prefetched."""
    items = on_show(now)
    if filters.campaign:
        items = items.filter(campaign__slug=filters.campaign)
    if filters.tag:
        items = items.filter(
            Exists(ShareableContentTag.objects.filter(content_object=OuterRef("pk"), tag__slug=filters.tag))
        )
    if filters.network:
        items = items.filter(Exists(SuggestedText.objects.filter(content=OuterRef("pk"), network=filters.network)))
    if filters.q:
        items = items.filter(
            Q(title__icontains=filters.q) | Q(summary__icontains=filters.q) | Q(url__icontains=filters.q)
        )
    images = get_image_model().objects.prefetch_renditions(CARD_RENDITION)
    return (
        in_language_first(items, language)
        .select_related("campaign")
        .prefetch_related("tags", Prefetch("image", queryset=images))
    )


def shared_summaries(*, user_id: int, content_ids: list[int]) -> dict[int, SharedSummary]:
    """For each item, the networks ``user_id`` shared it on and the qualified clicks on those
    shares: one grouped query for the whole page."""
    rows = (
        Share.objects.filter(user_id=user_id, content_id__in=content_ids, status__in=COUNTED)
        .values("content_id", "network")
        .annotate(clicks=Count("link__visits", filter=Q(link__visits__qualified=True)))
        .order_by("content_id", "network")
    )
    networks: dict[int, list[str]] = {}
    clicks: dict[int, int] = {}
    for row in rows:
        content_id = int(row["content_id"])
        if row["network"] not in networks.setdefault(content_id, []):
            networks[content_id].append(str(row["network"]))
        clicks[content_id] = clicks.get(content_id, 0) + int(row["clicks"])
    order = {code: index for index, code in enumerate(SHARE_NETWORKS)}
    return {
        content_id: SharedSummary(tuple(sorted(codes, key=lambda code: order.get(code, 99))), clicks[content_id])
        for content_id, codes in networks.items()
    }


def due_reminders(*, user_id: int, now: datetime | None = None, limit: int = 10) -> list[Share]:
    """The user's scheduled shares still pending, and the reminders sent in the last 24 hours,
    soonest first."""
    now = now or timezone.now()
    return list(
        Share.objects.filter(user_id=user_id)
        .filter(
            Q(status=Share.Status.SCHEDULED)
            | Q(status=Share.Status.REMINDED, reminded_at__gte=now - REMINDER_WINDOW)
            | Q(status=Share.Status.REMINDED, reminded_at__isnull=True, scheduled_for__gte=now - REMINDER_WINDOW)
        )
        .select_related("content")
        .order_by("scheduled_for", "pk")[:limit]
    )


def filter_choices() -> tuple[list[Campaign], list[Tag]]:
    """The active campaigns and the tags used by published items, for the filter form."""
    campaigns = list(Campaign.objects.filter(active=True).order_by("name"))
    used = ShareableContentTag.objects.filter(
        tag=OuterRef("pk"), content_object__status=ShareableContent.Status.PUBLISHED
    )
    tags = list(Tag.objects.filter(Exists(used)).order_by("name"))
    return campaigns, tags


def mix_nudge(*, user_id: int, language: str, now: datetime | None = None) -> MixNudge:
    """The employee's company-content share over the last 30 days against the target.

    Counted: shares of library items with status shared or reminded, one per network; own posts
    are left out (they are not library content, company or industry). Above target, up to
    three industry items on show that they have not shared, their language first."""
    now = now or timezone.now()
    target = int(AdvocacySettings.load().mix_target_percent)
    counts = Share.objects.filter(
        user_id=user_id, status__in=COUNTED, content__isnull=False, created_at__gte=now - timedelta(days=MIX_DAYS)
    ).aggregate(total=Count("pk"), company=Count("pk", filter=Q(content__kind=ShareableContent.Kind.COMPANY)))
    total, company = int(counts["total"] or 0), int(counts["company"] or 0)
    if total == 0:
        return MixNudge(days=MIX_DAYS, total=0, company=0, target_percent=target)
    percent = round(company * 100 / total)
    above = company * 100 > target * total
    suggestions: tuple[MixSuggestion, ...] = ()
    if above:
        shared = Share.objects.filter(user_id=user_id, content=OuterRef("pk"), status__in=COUNTED)
        items = in_language_first(
            on_show(now).filter(kind=ShareableContent.Kind.INDUSTRY).exclude(Exists(shared)), language
        )[:MIX_SUGGESTIONS]
        suggestions = tuple(MixSuggestion(item.pk, item.title, item.summary, item.url) for item in items)
    return MixNudge(
        days=MIX_DAYS,
        total=total,
        company=company,
        target_percent=target,
        percent=percent,
        above_target=above,
        suggestions=suggestions,
    )
