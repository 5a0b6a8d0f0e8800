"""Badges for milestones: first share, three networks (LinkedIn, X and Facebook), 100
qualified clicks, renewed on time. Awarded after the award that may reach them, once each
(the ``(user, badge)`` unique constraint decides under races)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from advocacy_share.models import SHARE_NETWORKS, BadgeAward, PointsEntry, Visit

FIRST_SHARE = BadgeAward.Badge.FIRST_SHARE
THREE_NETWORKS = BadgeAward.Badge.THREE_NETWORKS
HUNDRED_CLICKS = BadgeAward.Badge.HUNDRED_CLICKS
RENEWED_ON_TIME = BadgeAward.Badge.RENEWED_ON_TIME
CLICKS_FOR_BADGE = 100


def badge_award(user_id: int, badge: str) -> bool:
    """Give ``badge`` once; whether this call gave it."""
    if BadgeAward.objects.filter(user_id=user_id, badge=badge).exists():
        return False
    try:
        with transaction.atomic():
            BadgeAward.objects.create(user_id=user_id, badge=badge)
    except IntegrityError:
        return False
    return True


def badges_after_share(user_id: int) -> None:
    """First share and three networks, from the share entries of the ledger (a share that
    earned nothing — the user not allowed — does not count)."""
    networks = set(
        PointsEntry.objects.filter(
            user_id=user_id, kind__in=(PointsEntry.Kind.SHARE, PointsEntry.Kind.POST), share__isnull=False
        ).values_list("share__network", flat=True)
    )
    if networks:
        badge_award(user_id, FIRST_SHARE)
    if networks >= set(SHARE_NETWORKS):
        badge_award(user_id, THREE_NETWORKS)


def badges_after_clicks(user_id: int) -> None:
    """100 qualified clicks on the user's tracked links (caps on points do not apply)."""
    if Visit.objects.filter(link__share__user_id=user_id, qualified=True).count() >= CLICKS_FOR_BADGE:
        badge_award(user_id, HUNDRED_CLICKS)
