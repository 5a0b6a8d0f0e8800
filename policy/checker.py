"""The post checker: a pure function from (rules, text, link, network) to findings.

Matching is case- and accent-insensitive and works on whole phrases: the text is folded
(NFKD, combining marks dropped, casefolded) while keeping, for every folded character, the
index of the original character it came from, so findings point at the original text.
Phrases are matched word by word through an index keyed on their first word, so the cost
grows with the length of the post, not with the number of rules.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from policy import patterns
from policy.data import BLOCK, SPANS_KEPT, Finding, PhraseRule, RuleSet

WORD_RE = re.compile(r"\w+")
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"'«»]+", re.IGNORECASE)
URL_TRAILING = ".,;:!?)]}'\""
X_LINK_LENGTH = 23


class _FoldTable(dict):
    """``str.translate`` table computed lazily: char code → folded text."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)).casefold()
        if len(folded) != 1:
            _IRREGULAR.add(ch)
        if len(self) < 50_000:
            self[code] = folded
        return folded


_IRREGULAR: set[str] = set()
_FOLD_TABLE = _FoldTable()


def fold(text: str) -> tuple[str, list[int] | None]:
    """Folded text and a map folded index → original index (``None`` when it is the identity)."""
    if text.isascii():
        return text.lower(), None
    folded = text.translate(_FOLD_TABLE)
    if len(folded) == len(text) and _IRREGULAR.isdisjoint(text):
        return folded, None
    index: list[int] = []
    for original, ch in enumerate(text):
        index.extend([original] * len(_FOLD_TABLE[ord(ch)]))
    return folded, index


def fold_phrase(phrase: str) -> tuple[str, ...]:
    folded, _ = fold(phrase)
    return tuple(WORD_RE.findall(folded))


@dataclass
class _Entry:
    words: tuple[str, ...]
    rule: PhraseRule
    regex: re.Pattern[str]


def phrase_regex(words: tuple[str, ...]) -> re.Pattern[str]:
    """Whole-phrase pattern on folded text: words in order, any non-word characters between."""
    return re.compile(r"(?<!\w)" + r"\W+".join(re.escape(w) for w in words) + r"(?!\w)")


@dataclass
class CompiledRuleSet:
    rules: RuleSet
    phrase_index: dict[str, list[_Entry]] = field(default_factory=dict)
    patterns: list[tuple[Any, PhraseRule]] = field(default_factory=list)  # RE2 regexps
    skipped_patterns: list[tuple[str, str]] = field(default_factory=list)  # (rule id, pattern)
    triggers: dict[str, tuple[tuple[tuple[str, ...], re.Pattern[str]], ...]] = field(default_factory=dict)
    required: dict[str, str] = field(default_factory=dict)  # disclosure rule id → folded text


def compile_rules(rules: RuleSet) -> CompiledRuleSet:
    compiled = CompiledRuleSet(rules=rules)
    for rule in rules.phrase_rules:
        for phrase in rule.phrases:
            words = fold_phrase(phrase)
            if words:
                compiled.phrase_index.setdefault(words[0], []).append(_Entry(words, rule, phrase_regex(words)))
        for pattern in rule.patterns:
            # RE2 runs in linear time whatever the pattern. One it cannot compile is refused in
            # the admin; one stored before that check is skipped (and reported), never run.
            try:
                compiled.patterns.append((patterns.compile_pattern(pattern), rule))
            except patterns.PatternError:
                compiled.skipped_patterns.append((rule.rule_id, pattern))
    for disclosure in rules.disclosure_rules:
        phrases = [w for w in (fold_phrase(t) for t in disclosure.triggers) if w]
        compiled.triggers[disclosure.rule_id] = tuple((w, phrase_regex(w)) for w in phrases)
        compiled.required[disclosure.rule_id] = fold(disclosure.required_text)[0]
    return compiled


def _original_span(index: list[int] | None, start: int, end: int, length: int) -> tuple[int, int]:
    if index is None:
        return start, end
    if start >= len(index):
        return length, length
    if end <= start:
        return index[start], index[start]
    # Stop where the next folded character starts, so that the combining marks following the
    # last matched character (they fold to nothing) stay with it; a match ending inside a
    # character that folds to several ("ß" → "ss") covers that whole character.
    last = index[end - 1]
    following = index[end] if end < len(index) else length
    return index[start], following if following > last else last + 1


def _find_phrases(folded: str, token_set: set[str], index: dict[str, list[_Entry]]):
    """Occurrences of indexed phrases: only phrases whose words all occur are searched."""
    for first in token_set.intersection(index):
        for entry in index[first]:
            if len(entry.words) > 1 and not token_set.issuperset(entry.words):
                continue
            for match in entry.regex.finditer(folded):
                yield entry, match.start(), match.end()


@lru_cache(maxsize=4096)
def _host_allowed(host: str, domains: tuple[str, ...]) -> bool:
    host = host.lower().rstrip(".")
    for domain in domains:
        domain = domain.lower().lstrip("*").lstrip(".")
        if host == domain or host.endswith("." + domain):
            return True
    return False


def _urls(text: str) -> list[tuple[str, int, int]]:
    found = []
    for match in URL_RE.finditer(text):
        url = match.group(0).rstrip(URL_TRAILING)
        found.append((url, match.start(), match.start() + len(url)))
    return found


def _host_of(url: str) -> str:
    candidate = url if "://" in url else "https://" + url
    try:
        return urlsplit(candidate).hostname or ""
    except ValueError:
        return ""


def check(
    compiled: CompiledRuleSet,
    text: str,
    url: str = "",
    network: str = "",
    *,
    now: datetime,
    for_advocacy: bool = False,
) -> list[Finding]:
    """Every finding for ``text`` (and the separate ``url``) on ``network``, in text order.

    One finding per rule (and per place: the separate link apart), whatever the number of hits,
    so the answer stays small however the text repeats a phrase.
    """
    text = text or ""
    url = (url or "").strip()
    hits: dict[tuple[str, str, bool], _Hits] = {}
    length = len(text)
    folded, index = fold(text)
    token_set = set(WORD_RE.findall(folded))

    def add(rule_id, kind, severity, message, clause, start, end, about_url=False):
        key = (rule_id, kind, about_url)
        found = hits.get(key)
        if found is None:
            found = hits[key] = _Hits(severity, message, clause)
        found.spans.add((start, end))

    # Blocked phrases, confidential names and embargoed topics.
    for entry, fstart, fend in _find_phrases(folded, token_set, compiled.phrase_index):
        rule = entry.rule
        if rule.not_before is not None and now >= rule.not_before:
            continue
        start, end = _original_span(index, fstart, fend, length)
        add(rule.rule_id, rule.kind, rule.severity, rule.message, rule.clause_url, start, end)
    for pattern, rule in compiled.patterns:
        if rule.not_before is not None and now >= rule.not_before:
            continue
        for match in pattern.finditer(folded):
            if match.end() > match.start():
                start, end = _original_span(index, match.start(), match.end(), length)
                add(rule.rule_id, rule.kind, rule.severity, rule.message, rule.clause_url, start, end)

    # Required disclosure.
    for rule in compiled.rules.disclosure_rules:
        required = compiled.required.get(rule.rule_id, "")
        if not required.strip() or required in folded:
            continue
        span: tuple[int, int] | None = None
        for words, regex in compiled.triggers.get(rule.rule_id, ()):
            if not token_set.issuperset(words):
                continue
            hit = regex.search(folded)
            if hit is not None:
                span = _original_span(index, hit.start(), hit.end(), length)
                break
        if span is None and not (rule.on_advocacy and for_advocacy):
            continue
        start, end = span if span is not None else (0, length)
        add(rule.rule_id, "disclosure", rule.severity, rule.message, rule.clause_url, start, end)

    # Links outside the allowed domains, in the text and the separate link.
    urls = _urls(text)
    hosts = [_host_of(found) for found, _, _ in urls] if compiled.rules.link_rules else []
    url_host = _host_of(url) if url and compiled.rules.link_rules else ""
    # Rules often share their domain list: judge each distinct list once per post.
    outside: dict[tuple[str, ...], tuple[list[tuple[int, int]], bool]] = {}
    for rule in compiled.rules.link_rules:
        if not rule.domains:
            continue
        verdict = outside.get(rule.domains)
        if verdict is None:
            spans = [
                (start, end)
                for (_u, start, end), host in zip(urls, hosts, strict=True)
                if not _host_allowed(host, rule.domains)
            ]
            verdict = outside[rule.domains] = (spans, bool(url) and not _host_allowed(url_host, rule.domains))
        spans, url_outside = verdict
        for start, end in spans:
            add(rule.rule_id, "link", rule.severity, rule.message, rule.clause_url, start, end)
        if url_outside:
            add(rule.rule_id, "link", rule.severity, rule.message, rule.clause_url, 0, 0, about_url=True)

    # Length per network (X counts every link as 23 characters).
    for rule in compiled.rules.length_rules:
        if not network or rule.network != network:
            continue
        counted, cut = _weighted_length(text, urls, rule.link_length, rule.max_length)
        if url and rule.link_length and url not in text:
            counted += rule.link_length + (1 if text else 0)
        if counted > rule.max_length:
            add(rule.rule_id, "length", rule.severity, rule.message, rule.clause_url, min(cut, length), length)

    findings = [found.finding(key, text) for key, found in hits.items()]
    findings.sort(key=lambda f: (f.start, f.end, f.severity != BLOCK, f.rule_id))
    return findings


@dataclass
class _Hits:
    """The occurrences of one rule in one post, until they become its finding."""

    severity: str
    message: str
    clause: str
    spans: set[tuple[int, int]] = field(default_factory=set)

    def finding(self, key: tuple[str, str, bool], text: str) -> Finding:
        rule_id, kind, about_url = key
        first = heapq.nsmallest(SPANS_KEPT, self.spans)
        start, end = first[0]
        return Finding(
            rule_id=rule_id,
            kind=kind,
            severity=self.severity,
            message=self.message,
            clause_url=self.clause,
            start=start,
            end=end,
            excerpt=text[start:end][:200],
            about_url=about_url,
            count=len(self.spans),
            spans=tuple(first),
        )


def _weighted_length(text: str, urls, link_length: int | None, max_length: int) -> tuple[int, int]:
    """Length as the network counts it, and the text index where the limit is crossed."""
    if not link_length or not urls:
        return len(text), max_length
    counted = 0
    cut = None
    position = 0
    for _url, start, end in urls:
        counted += start - position
        if cut is None and counted > max_length:
            cut = start - (counted - max_length)
        counted += link_length
        if cut is None and counted > max_length:
            cut = start
        position = end
    counted += len(text) - position
    if cut is None and counted > max_length:
        cut = len(text) - (counted - max_length)
    return counted, cut if cut is not None else max_length
