"""Demo advocacy data: the content library of ``fixtures/advocacy/*.toml`` (campaigns, content
items with their suggested texts per network and language, suggestions waiting for a manager),
the advocates' profiles, and eight weeks of history — shares with tracked links, visits with the
flags the qualification sweep sets, and points written through ``services.points.award`` — so
that the feed, the leaderboards and the reports have something true to show.

Called by ``manage.py load_demo`` (``lms.home.demo``) after the demo certificates. Never for
production. The history is drawn from a seeded ``random.Random``: the same accounts get the same
shares, visits and points on every install (tracked-link codes stay drawn from ``secrets``: they
are what makes a link unguessable). Idempotent: content is matched by URL, and the history is
written once (skipped when the advocates already have shares). The dashboard's roll-ups are
rebuilt at the end, and the programme gets illustrative CPM and CPC ranges unless it has some.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from advocacy_share.links import target_url_problem
from advocacy_share.models import (
    AdvocacySettings,
    AdvocateProfile,
    Campaign,
    PointsEntry,
    Share,
    ShareableContent,
    SuggestedText,
    TrackedLink,
    Visit,
)
from advocacy_share.services.analytics import activity_rebuild
from advocacy_share.services.points import award

SEED = 20260
WEEKS = 8
NETWORKS = ("linkedin", "x", "facebook")
NETWORK_WEIGHTS = (6, 3, 2)
PREVIEW_AGENTS = ("LinkedInBot", "Twitterbot", "facebookexternalhit", "Slackbot", "WhatsApp")
BROWSER_AGENTS = ("Chrome", "Firefox", "Safari", "Edge", "Mobile Safari", "Chrome Mobile")
PERSONAL_TOUCH = {
    "fr": (
        "À lire\u202f!",
        "Je recommande.",
        "Ça résume bien ce qu'on vit dans mon équipe.",
        "Vos avis m'intéressent.",
        "",
    ),
    "en": ("Worth a read!", "Recommended.", "This sums up what my team sees every day.", "Curious what you think.", ""),
}


@dataclass(frozen=True)
class DemoAdvocacySummary:
    campaigns: int
    contents: int
    suggestions: int
    shares: int
    visits: int
    points_entries: int
    history_written: bool


def _problem(where: str, message: str) -> ValueError:
    return ValueError(f"demo advocacy: {where}: {message}")


def library_load(data: Mapping[str, Any], *, suggesters: Sequence[Any] = (), now: datetime | None = None) -> int:
    """Create or update the campaigns, content items and suggested texts of ``data``, and the
    suggestions waiting for a manager (attributed to ``suggesters[index]``). Every URL must pass
    the policy's link rules. Returns the number of content items of ``data``."""
    now = now or timezone.now()
    campaigns = {}
    for spec in data.get("campaigns", []):
        campaigns[spec["slug"]], _created = Campaign.objects.update_or_create(
            slug=spec["slug"], defaults={"name": spec["name"], "active": True}
        )
    for index, spec in enumerate(data.get("content", [])):
        where = f"content[{index}] {spec.get('url', '')}"
        problem = target_url_problem(spec["url"])
        if problem:
            raise _problem(where, problem)
        if spec.get("campaign") and spec["campaign"] not in campaigns:
            raise _problem(where, f"unknown campaign {spec['campaign']!r}")
        defaults = {
            "title": spec["title"],
            "summary": spec.get("summary", ""),
            "language": spec["language"],
            "kind": spec["kind"],
            "campaign": campaigns.get(spec.get("campaign", "")),
            "featured": bool(spec.get("featured", False)),
            "status": ShareableContent.Status.PUBLISHED,
            "publish_from": now + timedelta(days=spec["publish_from_days"]) if "publish_from_days" in spec else None,
            "publish_until": now + timedelta(days=spec["publish_until_days"]) if "publish_until_days" in spec else None,
            # Spread over the eight weeks of history, oldest first, so "newest first" means something.
            "created_at": now - timedelta(days=WEEKS * 7 + 1) + timedelta(days=index * 3),
        }
        content = ShareableContent.objects.filter(url=spec["url"]).first()
        if content is None:
            content = ShareableContent(url=spec["url"], **defaults)
            content.save()
        else:
            # The window is relative to the first load; keep it, and the creation date, as they are.
            for field in ("title", "summary", "language", "kind", "campaign", "featured"):
                setattr(content, field, defaults[field])
            content.save()
        content.tags.set(spec.get("tags", []))
        content.save()
        for network, text in spec.get("texts", {}).items():
            SuggestedText.objects.update_or_create(
                content=content, network=network, language=spec["language"], defaults={"text": text}
            )
    for index, spec in enumerate(data.get("suggestions", [])):
        where = f"suggestions[{index}] {spec.get('url', '')}"
        problem = target_url_problem(spec["url"])
        if problem:
            raise _problem(where, problem)
        if ShareableContent.objects.filter(url=spec["url"]).exists():
            continue
        suggester = suggesters[spec["suggested_by"]] if spec["suggested_by"] < len(suggesters) else None
        ShareableContent.objects.create(
            url=spec["url"],
            title=spec["title"],
            suggestion_note=spec.get("note", ""),
            language=spec["language"],
            kind=ShareableContent.Kind.INDUSTRY,
            status=ShareableContent.Status.SUGGESTED,
            suggested_by=suggester,
            created_at=now - timedelta(days=index + 1),
        )
    return len(data.get("content", []))


def _visitor(rng: random.Random) -> str:
    """A visitor key shaped like the real one (a hex SHA-256), from the seeded generator."""
    return hashlib.sha256(rng.randbytes(16)).hexdigest()


def profiles_ensure(advocates: Sequence[Any], *, opted_in: set[int], rng: random.Random) -> None:
    """One profile per advocate; ``opted_in`` users show on the leaderboard, a few declare the
    size of their audience. Existing profiles are left as their owners set them."""
    existing = set(AdvocateProfile.objects.filter(user__in=advocates).values_list("user_id", flat=True))
    profiles = []
    for user in advocates:
        audience = {}
        if rng.random() < 0.6:
            audience = {"linkedin": rng.randrange(150, 2500, 10)}
            if rng.random() < 0.4:
                audience["x"] = rng.randrange(50, 900, 10)
        if user.pk not in existing:
            profiles.append(AdvocateProfile(user=user, leaderboard_opt_in=user.pk in opted_in, audience=audience))
    AdvocateProfile.objects.bulk_create(profiles)


def _weighted_network(rng: random.Random) -> str:
    return rng.choices(NETWORKS, weights=NETWORK_WEIGHTS)[0]


def history_write(
    advocates: Sequence[Any],
    *,
    activity: Mapping[int, float],
    rng: random.Random,
    now: datetime,
) -> tuple[int, int, int]:
    """Eight weeks of shares, tracked links, visits and points for ``advocates`` (``activity``:
    mean shares per week of each). Visits carry the flags the sweep sets (bot or preview,
    prefetch, HEAD, the sharer's own click, a repeat within 24 h), ``qualified`` when none, and
    ``processed_at``. Points go through ``award``: one ``share`` entry per item and network, one
    ``click`` entry per qualified visit within the programme's caps. Returns the numbers of
    shares, visits and points entries written."""
    settings = AdvocacySettings.load()
    contents = list(
        ShareableContent.objects.filter(status=ShareableContent.Status.PUBLISHED)
        .select_related("campaign")
        .prefetch_related("suggested_texts")
        .order_by("url")
    )
    by_language: dict[str, list[ShareableContent]] = defaultdict(list)
    for content in contents:
        by_language[content.language].append(content)
    start = now - timedelta(weeks=WEEKS)

    shares: list[Share] = []
    for user in advocates:
        language = user.preferred_language if user.preferred_language in by_language else "fr"
        used: set[tuple[int, str]] = set()
        for week in range(WEEKS):
            for _n in range(max(0, round(rng.gauss(activity[user.pk], 0.8)))):
                pool = by_language[language] if rng.random() < 0.85 else contents
                content = rng.choice(pool)
                network = _weighted_network(rng)
                if (content.pk, network) in used:
                    continue
                used.add((content.pk, network))
                day = start + timedelta(days=week * 7 + rng.randrange(5), hours=rng.randrange(8, 19))
                created_at = min(day + timedelta(minutes=rng.randrange(60)), now - timedelta(hours=2))
                text = next(
                    (t.text for t in content.suggested_texts.all() if t.network == network),
                    content.title,
                )
                touch = rng.choice(PERSONAL_TOUCH.get(content.language, PERSONAL_TOUCH["en"]))
                shares.append(
                    Share(
                        user=user,
                        content=content,
                        network=network,
                        text=f"{touch} {text}".strip() if network != "x" else text,
                        language=content.language,
                        created_at=created_at,
                        text_fingerprint=hashlib.sha256(text.encode()).hexdigest(),
                    )
                )
    shares.sort(key=lambda share: share.created_at)
    Share.objects.bulk_create(shares, batch_size=500)
    if shares and shares[0].pk is None:  # a backend that does not return ids
        created = {(s.user_id, s.content_id, s.network): s for s in Share.objects.filter(user__in=advocates)}
        shares = [created[(s.user_id, s.content_id, s.network)] for s in shares]

    links = []
    for share in shares:
        shared = share.content
        assert shared is not None  # noqa: S101 - narrows the type: library shares only  # nosec B101
        links.append(
            TrackedLink(
                share=share,
                target_url=shared.url,
                network=share.network,
                campaign_slug=shared.campaign.slug if shared.campaign else "",
                created_at=share.created_at,
            )
        )
    TrackedLink.objects.bulk_create(links, batch_size=500)
    links = list(TrackedLink.objects.filter(share__in=shares).select_related("share"))
    links.sort(key=lambda link: (link.share.created_at, link.share_id))

    visits: list[Visit] = []
    reach = {"linkedin": 9, "x": 5, "facebook": 4}
    for link in links:
        share = link.share
        self_key = _visitor(rng)
        seen: list[tuple[str, datetime]] = []
        for _n in range(rng.randrange(reach[share.network] + 1) + rng.randrange(3)):
            at = share.created_at + timedelta(minutes=rng.expovariate(1 / 600))
            if at >= now:
                continue
            draw = rng.random()
            visit = Visit(link=link, at=at, processed_at=at + timedelta(minutes=5))
            if draw < 0.14:
                visit.is_bot, visit.agent_family = True, rng.choice(PREVIEW_AGENTS)
                visit.visitor = _visitor(rng)
            elif draw < 0.18:
                visit.is_prefetch, visit.agent_family, visit.visitor = True, "Chrome", _visitor(rng)
            elif draw < 0.20:
                visit.is_head, visit.agent_family, visit.visitor = True, "curl", _visitor(rng)
            elif draw < 0.25:
                visit.is_self, visit.agent_family, visit.visitor = True, rng.choice(BROWSER_AGENTS), self_key
            elif draw < 0.35 and seen:
                visitor, first_at = rng.choice(seen)
                visit.agent_family, visit.visitor = rng.choice(BROWSER_AGENTS), visitor
                visit.is_repeat = at - first_at < timedelta(hours=24)
                visit.qualified = not visit.is_repeat
            else:
                visit.agent_family, visit.visitor, visit.qualified = rng.choice(BROWSER_AGENTS), _visitor(rng), True
                seen.append((visit.visitor, at))
            visits.append(visit)
    visits.sort(key=lambda visit: visit.at)
    Visit.objects.bulk_create(visits, batch_size=1000)

    entries = 0
    for share in shares:
        points = settings.share_points(share.network)
        key = f"share:{share.user_id}:{share.content_id}:{share.network}"
        if award(
            user_id=share.user_id,
            kind=PointsEntry.Kind.SHARE,
            points=points,
            key=key,
            share_id=share.pk,
            at=share.created_at,
        ):
            entries += 1
    per_share: Counter[int] = Counter()
    per_day: Counter[tuple[int, Any]] = Counter()
    for visit in (
        Visit.objects.filter(link__in=links, qualified=True).select_related("link__share").order_by("at", "pk")
    ):
        share = visit.link.share
        user_day = (share.user_id, timezone.localdate(visit.at))
        if per_share[share.pk] >= settings.click_cap_per_share or per_day[user_day] >= settings.click_cap_per_day:
            continue
        if award(
            user_id=share.user_id,
            kind=PointsEntry.Kind.CLICK,
            points=settings.points_click,
            key=f"click:{visit.pk}",
            share_id=share.pk,
            at=visit.at,
        ):
            entries += 1
            per_share[share.pk] += 1
            per_day[user_day] += 1
    return len(shares), len(visits), entries


# Illustrative paid-media rates for the demo's earned media value (CPM, then CPC; low, high).
DEMO_MEDIA_RATES = {
    "linkedin": ("6", "12", "1.50", "4"),
    "x": ("3", "7", "0.40", "1.20"),
    "facebook": ("5", "10", "0.50", "1.50"),
}


def media_rates_ensure() -> None:
    """Give the programme the demo's CPM and CPC ranges, unless a manager already set some."""
    settings = AdvocacySettings.load()
    names = [
        f"{what}_{end}_{network}" for network in DEMO_MEDIA_RATES for what in ("cpm", "cpc") for end in ("low", "high")
    ]
    if any(getattr(settings, name) for name in names):
        return
    for network, (cpm_low, cpm_high, cpc_low, cpc_high) in DEMO_MEDIA_RATES.items():
        for what, end, value in (
            ("cpm", "low", cpm_low),
            ("cpm", "high", cpm_high),
            ("cpc", "low", cpc_low),
            ("cpc", "high", cpc_high),
        ):
            setattr(settings, f"{what}_{end}_{network}", Decimal(value))
    settings.save(update_fields=names)


@transaction.atomic
def demo_advocacy(
    *,
    data: Mapping[str, Any],
    advocates: Sequence[Any],
    lead_advocate: Any,
    now: datetime | None = None,
) -> DemoAdvocacySummary:
    """The demo library, profiles and history (see the module docstring). ``advocates`` are the
    certified demo employees (sorted by email for a stable draw); ``lead_advocate`` (the demo
    advocate account) shares every week and shows on the leaderboard. Idempotent."""
    now = now or timezone.now()
    advocates = sorted(advocates, key=lambda user: user.email)
    rng = random.Random(SEED)  # noqa: S311 - a seeded, repeatable demo, not a secret  # nosec B311
    contents = library_load(data, suggesters=advocates, now=now)
    opted_in = {user.pk for user in advocates if rng.random() < 0.6} | {lead_advocate.pk}
    activity = {user.pk: rng.choice((0.5, 1.0, 1.5, 2.0, 3.0)) for user in advocates}
    activity[lead_advocate.pk] = 3.0
    profiles_ensure(advocates, opted_in=opted_in, rng=rng)
    written = not Share.objects.filter(user__in=advocates).exists()
    shares = visits = entries = 0
    if written:
        shares, visits, entries = history_write(advocates, activity=activity, rng=rng, now=now)
    media_rates_ensure()
    # The history is written in bulk, past the incremental roll-ups: rebuild them (idempotent).
    activity_rebuild()
    return DemoAdvocacySummary(
        campaigns=len(data.get("campaigns", [])),
        contents=contents,
        suggestions=len(data.get("suggestions", [])),
        shares=shares,
        visits=visits,
        points_entries=entries,
        history_written=written,
    )
