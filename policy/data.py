"""Frozen views of the policy layer for higher layers. Standard library only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

BLOCK = "block"
WARN = "warn"
# The longest draft the post checker page takes: above what employees post (X 280 characters,
# Instagram 2,200, LinkedIn 3,000; a long Facebook post); past it a check only costs time.
MAX_POST_LENGTH = 10_000
# Occurrences of one rule kept with their spans in its finding (the count says how many in all).
SPANS_KEPT = 20


@dataclass(frozen=True)
class Finding:
    """One problem the post checker found: one per rule, however often the rule is hit.

    ``start``/``end`` index the checked text (Python string offsets, end exclusive) at the
    rule's first occurrence; ``count`` says how many occurrences there are and ``spans`` holds
    the first ones (at most ``SPANS_KEPT``), in text order. A finding about the whole post
    (missing disclosure, say) spans the whole text, and a finding about the separate link
    argument has ``start == end == 0`` and ``about_url`` set. ``applies_when`` says in words
    when the rule applies, for the rules whose reach is not obvious (disclosures).
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
    count: int = 1
    spans: tuple[tuple[int, int], ...] = ()
    applies_when: str = ""


@dataclass(frozen=True)
class PolicyVersionData:
    id: int
    number: int
    published_at: datetime
    summary: str
    summary_en: str = ""


@dataclass(frozen=True)
class ReadingState:
    """Where a reader stands with the policy, and the addresses the pages link to.

    ``last_acknowledged`` is the number of the latest version the reader acknowledged;
    ``needs_reacknowledgement`` says they acknowledged an older version than the current one;
    ``needs_acceptance`` that a signed-in reader has not accepted the current version, whether
    they accepted an older one or none (everyone is asked, not only advocates).
    Anonymous readers, and everyone before the first version, acknowledged nothing.
    """

    current_version: PolicyVersionData | None
    acknowledged: bool
    needs_reacknowledgement: bool
    needs_acceptance: bool
    last_acknowledged: int | None
    policy_url: str
    changes_url: str


@dataclass(frozen=True)
class PolicyChange:
    """A version as "what changed" lists it: its summary in the reader's language only (never
    the other language's: a reader may not read it), empty when there is none; ``first`` for
    the first version; ``text_changed``: whether it changed the text in the reader's language
    (a change that says the other language's readers are unaffected leaves it as it was)."""

    number: int
    published_at: datetime
    summary: str
    first: bool = False
    text_changed: bool = True


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
    applies_when: str = ""


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
