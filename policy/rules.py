"""Loading guardrail rules from the database into a compiled, cached rule set.

The compiled set is cached per process and per language, keyed by a version number kept
in the shared cache; any rule saved or deleted bumps it (on commit), so every process
rebuilds on its next check.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.utils import translation

from lms.i18n import language_code, localised
from policy import checker
from policy.data import DisclosureRuleData, LengthRuleData, LinkRuleData, PhraseRule, RuleSet

logger = logging.getLogger(__name__)
VERSION_KEY = "policy:rules:version"
# Other processes notice a rule change within this many seconds; this one at once.
LOCAL_RECHECK_SECONDS = 2.0
_local: dict[tuple[str, str], checker.CompiledRuleSet] = {}
_lock = threading.Lock()


@dataclass
class _Seen:
    """The shared version this process last read, and when (``time.monotonic``)."""

    version: str = ""
    checked_at: float = 0.0


_seen = _Seen()


def bump_version() -> None:
    cache.set(VERSION_KEY, str(time.time_ns()), timeout=None)
    _seen.checked_at = 0.0
    _local.clear()


def current_version_key() -> str:
    now = time.monotonic()
    if _seen.version and now - _seen.checked_at < LOCAL_RECHECK_SECONDS:
        return _seen.version
    _seen.version, _seen.checked_at = _shared_version(), now
    return _seen.version


def _shared_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = str(time.time_ns())
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return str(version)


def _lines(value: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in (value or "").splitlines() if line.strip())


def load_rules(language: str, clause_base_url: str) -> RuleSet:
    """The active rules of every kind, with their message in ``language`` and their clause's
    address on the policy page."""
    from policy.models import (
        BlockedPhraseRule,
        DisclosureRule,
        EmbargoRule,
        GuardrailRule,
        LengthRule,
        LinkDomainRule,
    )

    def common(prefix: str, rule: GuardrailRule) -> dict[str, Any]:
        """What every kind of rule carries: its id, severity, message and clause."""
        return {
            "rule_id": f"{prefix}:{rule.pk}",
            "severity": rule.severity,
            "message": str(localised(rule, "message", language)),
            "clause_url": f"{clause_base_url}#{rule.clause}" if rule.clause else clause_base_url,
        }

    blocked = [
        PhraseRule(**common("blocked", r), kind=r.category, phrases=_lines(r.phrases), patterns=_lines(r.patterns))
        for r in BlockedPhraseRule.objects.filter(active=True)
    ]
    embargoes = [
        PhraseRule(**common("embargo", r), kind="embargo", phrases=_lines(r.phrases), not_before=r.not_before)
        for r in EmbargoRule.objects.filter(active=True)
    ]
    with translation.override(language):
        disclosures = [
            DisclosureRuleData(
                **common("disclosure", r),
                required_text=r.required_text,
                triggers=tuple(r.trigger_list()),
                on_advocacy=r.on_advocacy,
                applies_when=r.applies_when(),
            )
            for r in DisclosureRule.objects.filter(active=True)
        ]
    links = [
        LinkRuleData(**common("links", r), domains=_lines(r.domains))
        for r in LinkDomainRule.objects.filter(active=True)
    ]
    lengths = [
        LengthRuleData(**common("length", r), network=r.network, max_length=r.max_length, link_length=r.link_length)
        for r in LengthRule.objects.filter(active=True)
    ]
    return RuleSet(
        phrase_rules=(*blocked, *embargoes),
        disclosure_rules=tuple(disclosures),
        link_rules=tuple(links),
        length_rules=tuple(lengths),
    )


def compiled_rules(language: str) -> checker.CompiledRuleSet:
    from policy import selectors

    language = language_code(language)
    version = current_version_key()
    key = (version, language)
    compiled = _local.get(key)
    if compiled is None:
        with _lock:
            compiled = _local.get(key)
            if compiled is None:
                compiled = checker.compile_rules(load_rules(language, selectors.policy_url()))
                for rule_id, pattern in compiled.skipped_patterns:
                    logger.warning("Guardrail rule %s: pattern %r skipped, RE2 cannot compile it", rule_id, pattern)
                for old in [k for k in _local if k[0] != version]:
                    _local.pop(old, None)
                _local[key] = compiled
    return compiled
