"""Personal data held by the advocacy layer (see ``lms.people.privacy``).

Visits belong to the sharer through link → share → user; their export gives the clicks on the
employee's own links, never the visitors' hashes (those are other people's data)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from lms.people import privacy


def export_profile(user) -> list[dict[str, Any]]:
    from advocacy_share.models import AdvocateProfile

    return [
        {
            "leaderboard_opt_in": p.leaderboard_opt_in,
            "declared_audience": p.audience,
            "updated_at": p.updated_at.isoformat(),
        }
        for p in AdvocateProfile.objects.filter(user=user)
    ]


def export_shares(user) -> list[dict[str, Any]]:
    from advocacy_share.models import Share

    rows = (
        Share.objects.filter(user=user)
        .select_related("content", "link")
        .annotate(
            visits=Count("link__visits"),
            qualified_clicks=Count("link__visits", filter=Q(link__visits__qualified=True)),
        )
        .order_by("created_at", "pk")
    )
    return [
        {
            "network": s.network,
            "content": s.content.title if s.content is not None else None,
            "own_url": s.own_url,
            "text": s.text,
            "status": s.status,
            "created_at": s.created_at.isoformat(),
            "scheduled_for": s.scheduled_for.isoformat() if s.scheduled_for else None,
            "tracked_link": f"/s/{s.link.code}" if hasattr(s, "link") else None,
            "visits": s.visits,
            "qualified_clicks": s.qualified_clicks,
        }
        for s in rows
    ]


def export_visits(user) -> list[dict[str, Any]]:
    """The visits to the user's links, per link and flag: counts only (no visitor hashes)."""
    from advocacy_share.models import Visit

    rows = (
        Visit.objects.filter(link__share__user=user)
        .values("link__code")
        .annotate(
            total=Count("pk"),
            qualified=Count("pk", filter=Q(qualified=True)),
            bots=Count("pk", filter=Q(is_bot=True)),
            own=Count("pk", filter=Q(is_self=True)),
        )
        .order_by("link__code")
    )
    return [
        {
            "link": f"/s/{r['link__code']}",
            "visits": r["total"],
            "qualified": r["qualified"],
            "bots": r["bots"],
            "own": r["own"],
        }
        for r in rows
    ]


def export_points(user) -> list[dict[str, Any]]:
    from advocacy_share.models import PointsEntry

    return [
        {"kind": e.kind, "points": e.points, "note": e.note, "at": e.at.isoformat()}
        for e in PointsEntry.objects.filter(user=user).order_by("at", "pk")
    ]


def export_totals(user) -> list[dict[str, Any]]:
    from advocacy_share.models import PointsTotal

    return [
        {"period": t.period, "period_start": t.period_start.isoformat(), "points": t.points}
        for t in PointsTotal.objects.filter(user=user).order_by("period", "period_start")
    ]


def export_activity(user) -> list[dict[str, Any]]:
    """The advocacy dashboard's count of the person's posts per week."""
    from advocacy_share.models import ActivityWeek

    return [
        {"week": row.week.isoformat(), "posts": row.posts, "library_shares": row.shares}
        for row in ActivityWeek.objects.filter(user=user).order_by("week")
    ]


def export_latest_activity(user) -> list[dict[str, Any]]:
    """The advocacy dashboard's latest week with a post of the person (the Monday)."""
    from advocacy_share.models import ActivityPerson

    return [{"last_week": row.last_week.isoformat()} for row in ActivityPerson.objects.filter(user=user)]


def export_badges(user) -> list[dict[str, Any]]:
    from advocacy_share.models import BadgeAward

    return [
        {"badge": b.badge, "awarded_at": b.awarded_at.isoformat()}
        for b in BadgeAward.objects.filter(user=user).order_by("awarded_at")
    ]


def export_suggestions(user) -> list[dict[str, Any]]:
    from advocacy_share.models import ShareableContent

    return [
        {
            "url": c.url,
            "title": c.title,
            "note": c.suggestion_note,
            "status": c.status,
            "created_at": c.created_at.isoformat(),
        }
        for c in ShareableContent.objects.filter(suggested_by=user).order_by("created_at")
    ]


def erase_profile(user) -> int:
    """The leaderboard choice and the declared audiences: deleted."""
    from advocacy_share.models import AdvocateProfile

    return AdvocateProfile.objects.filter(user=user).delete()[0]


def erase_shares(user) -> int:
    """The texts the person wrote and their own links are blanked; reminders not yet sent are
    cancelled. The rows stay (the dashboard's counts), and so do the tracked links already
    posted, which lead to company content and carry no identity."""
    from advocacy_share.models import Share

    shares = Share.objects.filter(user=user)
    changed = shares.filter(status=Share.Status.SCHEDULED).update(status=Share.Status.CANCELLED)
    changed += shares.exclude(text="", own_url="", text_fingerprint="").update(text="", own_url="", text_fingerprint="")
    return changed


def erase_visits(user) -> int:
    """The visitor hashes of the visits to the person's links are blanked (the flags and
    counts stay)."""
    from advocacy_share.models import Visit

    return Visit.objects.filter(link__share__user=user).exclude(visitor="").update(visitor="")


def erase_totals(user) -> int:
    """Points stay as anonymous aggregates, never shown on a leaderboard."""
    from advocacy_share.models import PointsTotal

    return PointsTotal.objects.filter(user=user, visible=True).update(visible=False)


def erase_suggestions(user) -> int:
    """Suggested articles stay in the library (they are public pages); who suggested them and
    why is forgotten."""
    from advocacy_share.models import ShareableContent

    return ShareableContent.objects.filter(suggested_by=user).update(suggested_by=None, suggestion_note="")


def register() -> None:
    privacy.register("advocacy_share.AdvocateProfile", export_profile, erase_profile)
    privacy.register("advocacy_share.Share", export_shares, erase_shares)
    privacy.register("advocacy_share.Visit", export_visits, erase_visits)
    privacy.register("advocacy_share.PointsEntry", export_points, privacy.kept_anonymous)
    privacy.register("advocacy_share.PointsTotal", export_totals, erase_totals)
    privacy.register("advocacy_share.BadgeAward", export_badges, privacy.kept_anonymous)
    privacy.register("advocacy_share.ShareableContent", export_suggestions, erase_suggestions)
    # The share export gives each share's tracked link (its address) and its visit counts.
    privacy.register_exported_with("advocacy_share.TrackedLink", "advocacy_share.Share")
    # The dashboard's roll-ups: counts, kept so that its figures do not change.
    privacy.register("advocacy_share.ActivityWeek", export_activity, privacy.kept_anonymous)
    privacy.register("advocacy_share.ActivityPerson", export_latest_activity, privacy.kept_anonymous)
    privacy.register_not_personal(
        "advocacy_share.SuggestedText",
        "texts managers write for library content; a suggester's own words are in the content's export",
    )
    privacy.register_not_personal("advocacy_share.ShareableContentTag", "tags of library content, set by managers")
    privacy.register_not_personal(
        "advocacy_share.PauseLog", "actor names the manager who paused or resumed sharing: an audit field"
    )
    privacy.register_not_personal(
        "advocacy_share.AdvocacySettings", "the pilot members list is programme configuration, exported nowhere else"
    )
