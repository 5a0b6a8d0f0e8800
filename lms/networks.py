"""The social networks the product knows, in one place: the example posts of lessons and of the
policy, the checker's per-network rules and, later, sharing read them from here. Brand names:
not translated. Every app may import this module."""

from __future__ import annotations

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
