"""Frozen views of the policy layer for higher layers. Standard library only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

BLOCK = "block"
WARN = "warn"


@dataclass(frozen=True)
class Finding:
    """One problem the post checker found.

    ``start``/``end`` index the checked text (Python string offsets, end exclusive); a finding
    about the whole post (missing disclosure, say) spans the whole text, and a finding about
    the separate link argument has ``start == end == 0`` and ``about_url`` set.
    """

    rule_id: str
    kind: str
    severity: str
    message: str
    clause_url: str
    start: int
    end: int
    excerpt: str = ""
    about_url: bool = False


@dataclass(frozen=True)
class PolicyVersionData:
    id: int
    number: int
    published_at: datetime
    summary: str
    summary_en: str = ""


@dataclass(frozen=True)
class PhraseRule:
    rule_id: str
    kind: str
    severity: str
    message: str
    clause_url: str
    phrases: tuple[str, ...]
    patterns: tuple[str, ...] = ()
    not_before: datetime | None = None


@dataclass(frozen=True)
class DisclosureRuleData:
    rule_id: str
    severity: str
    message: str
    clause_url: str
    required_text: str
    triggers: tuple[str, ...]
    on_advocacy: bool


@dataclass(frozen=True)
class LinkRuleData:
    rule_id: str
    severity: str
    message: str
    clause_url: str
    domains: tuple[str, ...]


@dataclass(frozen=True)
class LengthRuleData:
    rule_id: str
    severity: str
    message: str
    clause_url: str
    network: str
    max_length: int
    link_length: int | None


@dataclass(frozen=True)
class RuleSet:
    phrase_rules: tuple[PhraseRule, ...] = ()
    disclosure_rules: tuple[DisclosureRuleData, ...] = ()
    link_rules: tuple[LinkRuleData, ...] = ()
    length_rules: tuple[LengthRuleData, ...] = ()
    extra: dict = field(default_factory=dict)
