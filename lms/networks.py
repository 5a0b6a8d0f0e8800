"""The social networks the product knows, in one place: the example posts of lessons and of the
policy, the checker's per-network rules and sharing read them from here, and the certificate
and the composer take their X intent from here. Brand names: not translated. Every app may
import this module."""

from __future__ import annotations

from urllib.parse import quote, urlencode

NETWORKS: tuple[tuple[str, str], ...] = (
    ("linkedin", "LinkedIn"),
    ("x", "X"),
    ("facebook", "Facebook"),
    ("instagram", "Instagram"),
)
NETWORK_CHOICES: list[tuple[str, str]] = list(NETWORKS)
NETWORK_LABELS: dict[str, str] = dict(NETWORKS)


def network_label(code: str) -> str:
    """The network's name for ``code``; an unknown code as it is."""
    return NETWORK_LABELS.get(code, code or "")


# X's Post web intent, as its developer documentation gives it (docs.x.com, "Web intent"): the
# composer opens pre-filled and the person posts, or not. Both the certificate's "Share on X"
# and the advocacy composer build their link here, so they cannot drift apart again.
X_INTENT = "https://x.com/intent/tweet"


def x_intent_url(*, text: str, url: str = "") -> str:
    """X's composer pre-filled with ``text`` and, when given, ``url`` (which X appends after the
    text). Each parameter encoded once, a space as ``%20`` (``+`` shows literally in some
    composers): ``parse_qs`` of the query gives back exactly ``text`` and ``url``."""
    params = [("text", text)] + ([("url", url)] if url else [])
    return f"{X_INTENT}?{urlencode(params, quote_via=quote)}"
