"""What the composer shows around each draft before any script runs: the character counter as
the network counts it, the one-click disclosure fix's label, and the preview of the post (the
text with the link as the network shows it, and the card of the shared page). Pure functions of
the draft; ``static/js/composer.js`` updates the same elements as the employee types, from the
message templates rendered here and the lengths ``intents.counted_length`` gives the live check.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from advocacy_share.intents import CLIPBOARD_NETWORKS, counted_length
from advocacy_share.links import short_url, target_url_problem

# Stands for the code of a tracked link not created yet (it is created when the post is shared).
PENDING_CODE = "…"


@dataclass(frozen=True)
class DraftView:
    """One network's draft as the composer renders it."""

    count: int
    max_length: int | None
    link_length: int | None
    over: bool
    counter: str
    disclosure: str
    disclosure_needed: bool
    fix_label: str
    preview_text: str
    preview_link: str
    link_inline: bool


def counter_message(count: int, max_length: int | None, own_missing: int = 0) -> str:
    """``"42 / 280 characters"`` (or ``"42 characters"`` without a limit), and the personal
    touch still missing, in the reader's language: the text ``composer.js`` writes too."""
    if max_length:
        text = _("%(count)s / %(max)s characters") % {"count": count, "max": max_length}
    else:
        text = ngettext("%(count)s character", "%(count)s characters", count) % {"count": count}
    if own_missing > 0:
        text += " · " + own_missing_message(own_missing)
    return text


def own_missing_message(missing: int) -> str:
    return ngettext("%(count)s more character of your own", "%(count)s more characters of your own", missing) % {
        "count": missing
    }


def fix_label(disclosure: str) -> str:
    """The label of the button that adds the disclosure to the text."""
    return _("Add “%(text)s”") % {"text": disclosure}


def preview_link(url: str) -> str:
    """The link the post will carry, as shown in the preview: a tracked link (its code is made
    when the post is shared) for an address the policy allows, else the address as typed."""
    url = url.strip()
    if not url:
        return ""
    return short_url(PENDING_CODE) if not target_url_problem(url) else url


def draft_view(*, network: str, text: str, url: str, disclosure: str, own_missing: int = 0) -> DraftView:
    """``text`` for ``network`` with the link ``url`` (the library item's, or the employee's
    own; may be empty) and the policy's ``disclosure`` (empty when none is required)."""
    length = counted_length(network, text, url.strip())
    count = int(length["count"] or 0)
    max_length = length["max"]
    needed = bool(disclosure) and disclosure.casefold() not in text.casefold()
    link = preview_link(url)
    # X puts the link in the post after the text; LinkedIn and Facebook show it as a card.
    link_inline = network not in CLIPBOARD_NETWORKS and bool(link) and url.strip() not in text
    return DraftView(
        count=count,
        max_length=max_length,
        link_length=length["link_length"],
        over=bool(max_length and count > max_length),
        counter=counter_message(count, max_length, own_missing),
        disclosure=disclosure,
        disclosure_needed=needed,
        fix_label=fix_label(disclosure) if disclosure else "",
        preview_text=text,
        preview_link=link,
        link_inline=link_inline,
    )


def hostname(url: str) -> str:
    try:
        host = urlsplit(url or "").hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")
