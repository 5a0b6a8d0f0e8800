"""Recording what an employee shares (now, or as a reminder for later): one ``Share`` per
network, each with its own tracked link when the target may be tracked. Nothing is posted for
the employee: the page that follows gives them the networks' intent links.

Rules enforced here, whatever the caller (the composer's script only helps):
- the policy check (``policy.api.check_post(..., for_advocacy=True)``): a blocking finding on
  any network records nothing;
- the programme's minimum of own characters (``own_characters``, below);
- the daily limit: at most ``AdvocacySettings.daily_share_limit`` shares (one per network) per
  employee per local day; past it, 409 ``daily_limit`` and nothing recorded;
- a scheduled reminder is in the future and outside the programme's quiet hours (refused with
  a message, not moved: the employee chose the time, they choose another).
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from advocacy_share.links import target_url_problem
from advocacy_share.models import SHARE_NETWORKS, AdvocacySettings, Share, ShareableContent, TrackedLink
from advocacy_share.signals import share_recorded
from lms.http import DomainError
from lms.people.models import User
from policy import api as policy_api

BLOCK = "block"
# A text counts as "nearly identical" to a colleague's at this difflib ratio or above.
NEAR_DUPLICATE_RATIO = 0.9
# Colleagues who shared a nearly identical text before the gentle warning shows.
NEAR_DUPLICATE_COLLEAGUES = 3
# How many of the item's latest shares the ratio is compared with (the fingerprint: all).
NEAR_DUPLICATE_WINDOW = 50
URL_RE = re.compile(r"https?://\S+", re.IGNORECASE)
SPACES_RE = re.compile(r"\s+")


class ShareError(DomainError):
    """A share refused: ``blocked`` and ``own_characters`` (400), ``daily_limit`` (409),
    ``not_in_future`` and ``quiet_hours`` (400), ``unknown_content`` (404)."""


@dataclass(frozen=True)
class Draft:
    """The text the employee chose for one network."""

    network: str
    text: str


@dataclass
class DraftCheck:
    """What the server found about one network's draft: policy findings, the own-characters
    shortfall (0 when enough), and whether anything blocks the share."""

    network: str
    findings: list[policy_api.Finding] = field(default_factory=list)
    own_characters: int = 0
    own_characters_missing: int = 0

    @property
    def blocking(self) -> bool:
        return self.own_characters_missing > 0 or any(f.severity == BLOCK for f in self.findings)


# --- measures ---------------------------------------------------------------------------------


def own_characters(suggested: str, text: str) -> int:
    """How many characters of ``text`` the employee wrote themselves: the characters of
    ``text`` outside the blocks it shares with ``suggested`` (``difflib.SequenceMatcher``
    without its junk heuristic). Added and changed characters count; a deletion alone counts
    nothing (cutting the suggested text is not a personal touch). No suggestion: every
    character is one's own."""
    if not suggested:
        return len(text)
    matcher = difflib.SequenceMatcher(None, suggested, text, autojunk=False)
    return len(text) - sum(block.size for block in matcher.get_matching_blocks())


def normalised_text(text: str) -> str:
    """The text as duplicates are compared: links removed (every tracked link differs),
    lower case, runs of spaces collapsed."""
    return SPACES_RE.sub(" ", URL_RE.sub(" ", text).lower()).strip()


def text_fingerprint(text: str) -> str:
    """sha256 of ``normalised_text``: equal for texts that differ only by links, case or spacing."""
    return hashlib.sha256(normalised_text(text).encode("utf-8")).hexdigest()


def near_duplicate_colleagues(*, content_id: int, user_id: int, text: str) -> int:
    """How many other employees already shared a nearly identical text of this item: the same
    fingerprint (any time), or a difflib ratio ≥ 0.9 with one of its latest 50 shares."""
    shares = Share.objects.filter(content_id=content_id, status=Share.Status.SHARED).exclude(user_id=user_id)
    fingerprint = text_fingerprint(text)
    users = set(shares.filter(text_fingerprint=fingerprint).values_list("user_id", flat=True).distinct())
    normalised = normalised_text(text)
    for other_user, other_text in shares.order_by("-created_at", "-pk").values_list("user_id", "text")[
        :NEAR_DUPLICATE_WINDOW
    ]:
        if other_user in users:
            continue
        matcher = difflib.SequenceMatcher(None, normalised, normalised_text(other_text), autojunk=False)
        if matcher.quick_ratio() >= NEAR_DUPLICATE_RATIO and matcher.ratio() >= NEAR_DUPLICATE_RATIO:
            users.add(other_user)
    return len(users)


def near_duplicate_warning(*, content_id: int | None, user_id: int, text: str) -> str:
    """The gentle warning for a text many colleagues already shared, or an empty string."""
    if content_id is None or not text.strip():
        return ""
    count = near_duplicate_colleagues(content_id=content_id, user_id=user_id, text=text)
    if count < NEAR_DUPLICATE_COLLEAGUES:
        return ""
    return ngettext(
        "%(count)d colleague already shared a nearly identical text. Identical posts reach fewer "
        "people: a sentence of your own makes the difference.",
        "%(count)d colleagues already shared a nearly identical text. Identical posts reach fewer "
        "people: a sentence of your own makes the difference.",
        count,
    ) % {"count": count}


# --- checks -----------------------------------------------------------------------------------


def suggested_text(content: ShareableContent | None, network: str, language: str) -> str:
    """The suggested text for ``network``: in ``language``, else in the other language, else
    the title. Own posts have none."""
    if content is None:
        return ""
    texts = {t.language: t.text for t in content.suggested_texts.all() if t.network == network}
    return texts.get(language) or next(iter(texts.values()), "") or content.title


def link_target(content: ShareableContent | None, own_url: str) -> str:
    """Where the post's link leads: the item's URL, or the employee's own link (may be empty)."""
    return content.url if content is not None else own_url


def drafts_check(
    *, drafts: list[Draft], content: ShareableContent | None, own_url: str, language: str
) -> dict[str, DraftCheck]:
    """Every draft checked as the share will be: the policy's findings for the network (with
    the link the post carries) and the programme's minimum of own characters. Reads only."""
    minimum = AdvocacySettings.load().min_own_characters
    url = link_target(content, own_url)
    checks = {}
    for draft in drafts:
        check = DraftCheck(network=draft.network)
        check.findings = policy_api.check_post(draft.text, url, draft.network, for_advocacy=True, language=language)
        if content is not None and minimum:
            check.own_characters = own_characters(suggested_text(content, draft.network, language), draft.text)
            check.own_characters_missing = max(0, minimum - check.own_characters)
        checks[draft.network] = check
    return checks


def own_characters_message(missing: int, minimum: int) -> str:
    return ngettext(
        "Add a personal touch: write at least %(minimum)d characters of your own (%(missing)d more character).",
        "Add a personal touch: write at least %(minimum)d characters of your own (%(missing)d more characters).",
        missing,
    ) % {"minimum": minimum, "missing": missing}


def _refuse_blocked(checks: dict[str, DraftCheck]) -> None:
    for check in checks.values():
        if check.own_characters_missing:
            minimum = check.own_characters + check.own_characters_missing
            raise ShareError("own_characters", own_characters_message(check.own_characters_missing, minimum), 400)
        if check.blocking:
            raise ShareError("blocked", _("The post breaks a rule of the policy: fix it before sharing."), 400)


def _validate_drafts(drafts: list[Draft]) -> None:
    networks = [d.network for d in drafts]
    if not 1 <= len(networks) <= len(SHARE_NETWORKS) or len(set(networks)) != len(networks):
        raise ShareError("invalid_networks", _("Choose one to three different networks."), 400)
    if any(n not in SHARE_NETWORKS for n in networks):
        raise ShareError("invalid_networks", _("Choose among LinkedIn, X and Facebook."), 400)
    if any(not d.text.strip() for d in drafts):
        raise ShareError("empty_text", _("Write the text of every post."), 400)


def _content(content_id: int | None) -> ShareableContent | None:
    if content_id is None:
        return None
    found: ShareableContent | None = (
        ShareableContent.objects.select_related("campaign")
        .filter(pk=content_id, status=ShareableContent.Status.PUBLISHED)
        .first()
    )
    if found is None:
        raise ShareError("unknown_content", _("This item is no longer offered for sharing."), 404)
    return found


# --- the daily limit and quiet hours -----------------------------------------------------------


def local_day_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def shares_today(*, user_id: int, now: datetime) -> int:
    """The employee's shares recorded since local midnight."""
    return Share.objects.filter(
        user_id=user_id, status=Share.Status.SHARED, created_at__gte=local_day_start(now)
    ).count()


def in_quiet_hours(moment: datetime, start: time | None, end: time | None) -> bool:
    """Whether ``moment`` (local time) falls in [start, end); a window may run past midnight
    (22:00–07:00). No window when either bound is missing or both are equal."""
    if start is None or end is None or start == end:
        return False
    local = timezone.localtime(moment).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end


# --- writes -----------------------------------------------------------------------------------


def _lock_user(user_id: int) -> None:
    """Serialise one employee's share recordings (the daily limit counts, then inserts)."""
    User.objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True).first()


def _create_link(share: Share, target: str, campaign_slug: str) -> TrackedLink | None:
    """The share's tracked link, when the target may be tracked (an allowed domain); else none:
    the post keeps the link as typed, untracked."""
    if not target or target_url_problem(target):
        return None
    return TrackedLink.objects.create(
        share=share, target_url=target, network=share.network, campaign_slug=campaign_slug
    )


@transaction.atomic(durable=True)
def shares_record(
    *,
    user: User,
    drafts: list[Draft],
    content_id: int | None = None,
    own_url: str = "",
    language: str = "fr",
    now: datetime | None = None,
) -> list[int]:
    """Record one ``Share(status=shared)`` per draft, each with its tracked link when its target
    may be tracked, and send ``share_recorded`` for each inside the transaction (the points
    handler awards share points in it). Returns the share ids, in the drafts' order.

    Raises ``ShareError`` (nothing recorded): invalid networks or empty text (400), a blocking
    policy finding or too few own characters (400), the daily limit reached (409), an item no
    longer published (404). Not idempotent: each call is a new share (points are, by key).
    """
    now = now or timezone.now()
    _validate_drafts(drafts)
    content = _content(content_id)
    own_url = "" if content is not None else own_url.strip()
    _refuse_blocked(drafts_check(drafts=drafts, content=content, own_url=own_url, language=language))
    _lock_user(user.pk)
    limit = AdvocacySettings.load().daily_share_limit
    done = shares_today(user_id=user.pk, now=now)
    if done + len(drafts) > limit:
        left = max(0, limit - done)
        message = ngettext(
            "You may share %(limit)d post a day and have %(left)d left today. Come back tomorrow, "
            "or choose fewer networks.",
            "You may share %(limit)d posts a day and have %(left)d left today. Come back tomorrow, "
            "or choose fewer networks.",
            limit,
        ) % {"limit": limit, "left": left}
        raise ShareError("daily_limit", message, 409)
    target = link_target(content, own_url)
    campaign_slug = content.campaign.slug if content is not None and content.campaign is not None else ""
    ids = []
    for draft in drafts:
        share = _share_create(user, content, draft, own_url, language, Share.Status.SHARED, now)
        _create_link(share, target, campaign_slug)
        share_recorded.send(sender=Share, share_id=share.pk, user_id=user.pk)
        ids.append(share.pk)
    return ids


def _share_create(
    user: User,
    content: ShareableContent | None,
    draft: Draft,
    own_url: str,
    language: str,
    status: str,
    now: datetime,
    scheduled_for: datetime | None = None,
) -> Share:
    return Share.objects.create(
        user=user,
        content=content,
        network=draft.network,
        text=draft.text,
        own_url=own_url,
        language=language,
        status=status,
        created_at=now,
        scheduled_for=scheduled_for,
        text_fingerprint=text_fingerprint(draft.text),
    )


def schedule_problem(moment: datetime, *, now: datetime) -> tuple[str, str]:
    """Why a reminder may not be set at ``moment``: (code, message), or ("", "")."""
    if moment <= now:
        return "not_in_future", _("Choose a time in the future.")
    settings = AdvocacySettings.load()
    if in_quiet_hours(moment, settings.quiet_hours_start, settings.quiet_hours_end):
        message = _("No reminders during the programme's quiet hours (%(start)s–%(end)s): choose another time.") % {
            "start": settings.quiet_hours_start.strftime("%H:%M") if settings.quiet_hours_start else "",
            "end": settings.quiet_hours_end.strftime("%H:%M") if settings.quiet_hours_end else "",
        }
        return "quiet_hours", message
    return "", ""


@transaction.atomic(durable=True)
def shares_schedule(
    *,
    user: User,
    drafts: list[Draft],
    scheduled_for: datetime,
    content_id: int | None = None,
    own_url: str = "",
    language: str = "fr",
    now: datetime | None = None,
) -> list[int]:
    """Record one ``Share(status=scheduled)`` per draft for a reminder at ``scheduled_for``: no
    tracked link, no points and no ``share_recorded`` yet (``reminders_send_due`` emails the
    links when it is due). The same checks as ``shares_record`` except the daily limit, which
    applies when the employee shares from the reminder.

    Raises ``ShareError``: a time not in the future or in the quiet hours (400; refused, not
    moved), and the refusals of ``shares_record``. Not idempotent.
    """
    now = now or timezone.now()
    _validate_drafts(drafts)
    code, message = schedule_problem(scheduled_for, now=now)
    if code:
        raise ShareError(code, message, 400)
    content = _content(content_id)
    own_url = "" if content is not None else own_url.strip()
    _refuse_blocked(drafts_check(drafts=drafts, content=content, own_url=own_url, language=language))
    ids = []
    for draft in drafts:
        share = _share_create(user, content, draft, own_url, language, Share.Status.SCHEDULED, now, scheduled_for)
        ids.append(share.pk)
    return ids


def ensure_link(share: Share) -> TrackedLink | None:
    """The share's tracked link, created now if it has none and its target may be tracked
    (reminders create theirs at send time). Idempotent: the link is one-to-one."""
    existing = TrackedLink.objects.filter(share=share).first()
    if existing is not None:
        return existing
    content = share.content
    campaign_slug = content.campaign.slug if content is not None and content.campaign is not None else ""
    return _create_link(share, link_target(content, share.own_url), campaign_slug)
