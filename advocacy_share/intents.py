"""The networks' share-intent addresses and how each counts a post's length: pure functions.

Nothing is ever posted for the employee: an intent URL opens the network's own composer,
pre-filled as far as the network allows, and the employee posts (or not) there.

- X: ``https://x.com/intent/tweet?text=…&url=…`` (``lms.networks.x_intent_url``, the address
  X's developer docs give for the Post web intent, shared with the certificate's "Share on X");
  280 characters, every link counted as 23 (t.co).
- LinkedIn: ``https://www.linkedin.com/sharing/share-offsite/?url=…`` takes only the URL;
  the text is copied to the clipboard first and the employee pastes it.
- Facebook: ``https://www.facebook.com/sharer/sharer.php?u=…``; its platform policy forbids
  pre-filled text, so the text goes through the clipboard too.

Every parameter is encoded once with ``urllib.parse.urlencode`` (``quote_via=quote``: a space is
``%20``, not ``+``, which some composers show literally), so that ``parse_qs`` of the query
gives back exactly the text and the tracked link (TESTPLAN 23).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from lms import networks
from policy import api as policy_api

LINKEDIN_INTENT = "https://www.linkedin.com/sharing/share-offsite/"
FACEBOOK_INTENT = "https://www.facebook.com/sharer/sharer.php"
# Without a link to share, LinkedIn and Facebook have no pre-filled composer: their home page,
# where the employee pastes the copied text.
LINKEDIN_HOME = "https://www.linkedin.com/feed/"
FACEBOOK_HOME = "https://www.facebook.com/"

# Networks whose intent takes no text: the composer copies it to the clipboard first.
CLIPBOARD_NETWORKS = frozenset({"linkedin", "facebook"})


@dataclass(frozen=True)
class LengthRule:
    """How a network counts a post: at most ``max_length`` characters, each link counted as
    ``link_length`` when set (X), else for its real length."""

    max_length: int
    link_length: int | None = None


# The networks' own limits, for a network the policy sets no length rule for (the policy's
# rule, when there is one, is what the composer counts against: ``policy.api.length_limits``).
LENGTH_RULES = {
    "x": LengthRule(280, 23),
    "linkedin": LengthRule(3000),
    "facebook": LengthRule(63206),
}
URL_RE = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


def intent_url(network: str, *, text: str, url: str = "") -> str:
    """The network's share address for ``text`` and ``url`` (the tracked link, or the link as
    typed when it may not be tracked; may be empty). Raises ``ValueError`` for a network we
    do not share to."""
    if network == "x":
        return networks.x_intent_url(text=text, url=url)
    if network == "linkedin":
        return f"{LINKEDIN_INTENT}?{urlencode([('url', url)], quote_via=quote)}" if url else LINKEDIN_HOME
    if network == "facebook":
        return f"{FACEBOOK_INTENT}?{urlencode([('u', url)], quote_via=quote)}" if url else FACEBOOK_HOME
    raise ValueError(f"no share intent for network {network!r}")


def counted_length(network: str, text: str, url: str = "") -> dict[str, int | None]:
    """The post's length as ``network`` counts it, for the composer's counter: ``count``,
    ``max`` and ``link_length``. ``url`` is the link the intent adds after the text (X adds
    it with a space; LinkedIn and Facebook show it as a card, not in the text)."""
    limits = policy_api.length_limits()
    rule = LengthRule(*limits[network]) if network in limits else LENGTH_RULES.get(network)
    if rule is None:
        return {"count": len(text), "max": None, "link_length": None}
    count = len(text)
    if rule.link_length is not None:
        for match in URL_RE.finditer(text):
            count += rule.link_length - len(match.group(0))
        if url and url not in text:
            count += rule.link_length + (1 if text else 0)
    return {"count": count, "max": rule.max_length, "link_length": rule.link_length}
