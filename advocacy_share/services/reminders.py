"""Scheduled shares: at the chosen time, a reminder by email with the one-click intent links.
Nothing is posted for the employee. Found by a beat sweep every minute, not by long ETAs (a
Redis visibility timeout of 2 hours would redeliver them).

The gate is asked again at send time (``sharing_state(user)``):
- may share: the reminder is sent (tracked links created now) and the shares become
  ``reminded``;
- certificate revoked: the reminders are cancelled (a revocation is not undone by waiting);
- otherwise locked (sharing paused, certificate expired, policy to re-acknowledge, outside the
  pilot): they stay ``scheduled`` and go out at the first sweep after access returns, unless
  they are by then more than ``STALE_AFTER`` late: then they are cancelled (a week-old reminder
  is noise).

Never twice: each group of rows is claimed by a conditional ``UPDATE … WHERE status =
'scheduled'``, committed before the email is sent; a second sweep running at the same time
claims nothing (PostgreSQL re-checks the condition after the first commits; SQLite runs one
writer at a time). If sending raises, the claim is given back (the rows are ``scheduled``
again) and the next sweep tries again. A worker killed between the claim's commit and the
end of the send (the sweep's message is delivered again, ``acks_late``) leaves the rows
``reminded`` without an email: the one case of a reminder lost, chosen over the opposite
order, where a worker killed after the send but before the commit (the SMTP exchange is the
slow part) had the next sweep send the email a second time.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from advocacy_share.intents import CLIPBOARD_NETWORKS, intent_url
from advocacy_share.links import short_url
from advocacy_share.models import Share
from advocacy_share.selectors.programme import sharing_state
from advocacy_share.services.shares import ensure_link
from lms.i18n import language_code
from lms.networks import network_label
from lms.people.models import User

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(days=7)
BATCH_SIZE = 200
REVOKED = "revoked"


@dataclass(frozen=True)
class SweepResult:
    sent: int = 0
    cancelled: int = 0
    waiting: int = 0


def _groups(now: datetime) -> dict[tuple[int, int | None, datetime], list[int]]:
    """Due scheduled shares, grouped by (user, content, time): one email per group."""
    rows = (
        Share.objects.filter(status=Share.Status.SCHEDULED, scheduled_for__lte=now)
        .order_by("scheduled_for", "pk")
        .values_list("pk", "user_id", "content_id", "scheduled_for")[:BATCH_SIZE]
    )
    groups: dict[tuple[int, int | None, datetime], list[int]] = defaultdict(list)
    for pk, user_id, content_id, scheduled_for in rows:
        assert scheduled_for is not None  # noqa: S101 - narrows the type: filtered on it  # nosec B101
        groups[(user_id, content_id, scheduled_for)].append(pk)
    return groups


def _claim(ids: list[int], status: str, now: datetime) -> list[int]:
    """Move the rows still scheduled to ``status``; the ids this call moved."""
    claimed = []
    for pk in ids:
        fields: dict[str, object] = {"status": status}
        if status == Share.Status.REMINDED:
            fields["reminded_at"] = now
        if Share.objects.filter(pk=pk, status=Share.Status.SCHEDULED).update(**fields):
            claimed.append(pk)
    return claimed


def reminders_send_due(*, now: datetime | None = None) -> SweepResult:
    """Send every due reminder once (see the module docstring for the gate and the claim).

    Side effects: emails, tracked links, share statuses ``reminded``/``cancelled``.
    Idempotent: a share is reminded at most once, whatever the number of sweeps.
    """
    now = now or timezone.now()
    sent = cancelled = waiting = 0
    states = {}
    for (user_id, _content_id, scheduled_for), ids in _groups(now).items():
        if user_id not in states:
            user = User.objects.filter(pk=user_id, is_active=True).first()
            states[user_id] = (user, sharing_state(user) if user is not None else None)
        user, state = states[user_id]
        if user is None or state is None or not state.may_share:
            stale = now - scheduled_for > STALE_AFTER
            if user is None or stale or (state is not None and state.reason == REVOKED):
                with transaction.atomic():
                    cancelled += len(_claim(ids, Share.Status.CANCELLED, now))
            else:
                waiting += len(ids)
            continue
        with transaction.atomic():
            claimed = _claim(ids, Share.Status.REMINDED, now)
        if not claimed:
            continue
        try:
            _send_reminder(user, claimed)
        except Exception:
            logger.exception("reminder for shares %s not sent; the next sweep tries again", claimed)
            Share.objects.filter(pk__in=claimed, status=Share.Status.REMINDED, reminded_at=now).update(
                status=Share.Status.SCHEDULED, reminded_at=None
            )
        else:
            sent += 1
    return SweepResult(sent=sent, cancelled=cancelled, waiting=waiting)


def reminder_links(share_ids: list[int]) -> list[dict[str, object]]:
    """Per network: label, text, the tracked (or typed) link and the intent URL, creating the
    tracked links that do not exist yet. Used by the reminder email."""
    shares = Share.objects.select_related("content", "content__campaign").filter(pk__in=share_ids).order_by("pk")
    links = []
    for share in shares:
        link = ensure_link(share)
        url = short_url(link.code) if link is not None else (share.own_url or "")
        links.append(
            {
                "network": share.network,
                "label": network_label(share.network),
                "text": share.text,
                "url": url,
                "intent_url": intent_url(share.network, text=share.text, url=url),
                "clipboard": share.network in CLIPBOARD_NETWORKS,
            }
        )
    return links


def _send_reminder(user: User, share_ids: list[int]) -> None:
    first = Share.objects.select_related("content").get(pk=share_ids[0])
    language = language_code(user.preferred_language or first.language)
    base = settings.PORTE_VOIX_BASE_URL.rstrip("/")
    ids = ",".join(str(pk) for pk in share_ids)
    with translation.override(language):
        compose_path = (
            reverse("advocacy:compose_content", args=[first.content_id])
            if first.content_id is not None
            else reverse("advocacy:compose")
        )
        context = {
            "user": user,
            "title": first.content.title if first.content is not None else "",
            "links": reminder_links(share_ids),
            "page_url": base + reverse("advocacy:shares_done", args=[ids]),
            "compose_url": base + compose_path,
        }
        subject = " ".join(render_to_string("advocacy/emails/reminder_subject.txt", context).split())
        body = render_to_string("advocacy/emails/reminder.txt", context)
        html = render_to_string("advocacy/emails/reminder.html", context)
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(html, "text/html")
    message.send()
