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
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

from policy import patterns
from policy.data import (
    BLOCK,
    SPANS_KEPT,
    DisclosureRuleData,
    Finding,
    LengthRuleData,
    LinkRuleData,
    PhraseRule,
    RuleSet,
)

WORD_RE = re.compile(r"\w+")
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"'«»]+", re.IGNORECASE)
URL_TRAILING = ".,;:!?)]}'\""
X_LINK_LENGTH = 23

_Rule = PhraseRule | DisclosureRuleData | LinkRuleData | LengthRuleData


class _FoldTable(dict[int, str]):
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
    phrase_index: dict[str, list[_Entry]] = field(default_factory=dict)  # blocked phrases, confidential names
    embargo_index: dict[str, list[_Entry]] = field(default_factory=dict)  # phrases of dated rules
    patterns: list[tuple[patterns.Regexp, PhraseRule]] = field(default_factory=list)
    skipped_patterns: list[tuple[str, str]] = field(default_factory=list)  # (rule id, pattern)
    triggers: dict[str, tuple[tuple[tuple[str, ...], re.Pattern[str]], ...]] = field(default_factory=dict)
    required: dict[str, str] = field(default_factory=dict)  # disclosure rule id → folded text
    # The allowed link domains, lower case, sorted, without "*." (each allows its subdomains).
    link_domains: tuple[str, ...] = ()


def compile_rules(rules: RuleSet) -> CompiledRuleSet:
    compiled = CompiledRuleSet(rules=rules)
    for rule in rules.phrase_rules:
        index = compiled.phrase_index if rule.not_before is None else compiled.embargo_index
        for phrase in rule.phrases:
            words = fold_phrase(phrase)
            if words:
                index.setdefault(words[0], []).append(_Entry(words, rule, phrase_regex(words)))
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
    domains = {d.lower().lstrip("*").lstrip(".") for rule in rules.link_rules for d in rule.domains}
    compiled.link_domains = tuple(sorted(d for d in domains if d))
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


@dataclass
class _Post:
    """The draft as every rule reads it: folded once, its words and its links found once."""

    text: str
    url: str
    folded: str
    index: list[int] | None
    tokens: set[str]
    links: list[tuple[str, int, int]]

    @classmethod
    def read(cls, text: str, url: str) -> _Post:
        folded, index = fold(text)
        return cls(text, url, folded, index, set(WORD_RE.findall(folded)), _urls(text))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that the folded span ``start:end`` came from."""
        return _original_span(self.index, start, end, len(self.text))

    def phrases(self, index: dict[str, list[_Entry]]) -> Iterator[tuple[_Entry, int, int]]:
        """Occurrences of indexed phrases: only phrases whose words all occur are searched."""
        for first in self.tokens.intersection(index):
            for entry in index[first]:
                if len(entry.words) > 1 and not self.tokens.issuperset(entry.words):
                    continue
                for match in entry.regex.finditer(self.folded):
                    yield entry, match.start(), match.end()


@dataclass
class _Hits:
    """The occurrences of one rule in one post, until they become its finding."""

    severity: str
    message: str
    clause: str
    applies_when: str = ""
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
            applies_when=self.applies_when,
        )


class _Findings:
    """The hits of every rule, one entry per rule (and per place: the separate link apart)."""

    def __init__(self) -> None:
        self.hits: dict[tuple[str, str, bool], _Hits] = {}

    def add(self, rule: _Rule, kind: str, span: tuple[int, int], *, about_url: bool = False) -> None:
        key = (rule.rule_id, kind, about_url)
        found = self.hits.get(key)
        if found is None:
            when = getattr(rule, "applies_when", "")
            found = self.hits[key] = _Hits(rule.severity, rule.message, rule.clause_url, when)
        found.spans.add(span)

    def in_text_order(self, text: str) -> list[Finding]:
        findings = [found.finding(key, text) for key, found in self.hits.items()]
        findings.sort(key=lambda f: (f.start, f.end, f.severity != BLOCK, f.rule_id))
        return findings


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
    post = _Post.read(text or "", (url or "").strip())
    found = _Findings()
    _blocked_phrases(compiled, post, found)
    _blocked_patterns(compiled, post, found, now)
    _embargoes(compiled, post, found, now)
    _disclosures(compiled, post, found, for_advocacy)
    _link_domains(compiled, post, found)
    _lengths(compiled, post, found, network)
    return found.in_text_order(post.text)


def _blocked_phrases(compiled: CompiledRuleSet, post: _Post, found: _Findings) -> None:
    """Blocked phrases and confidential names, as whole phrases."""
    for entry, start, end in post.phrases(compiled.phrase_index):
        found.add(entry.rule, entry.rule.kind, post.span(start, end))


def _blocked_patterns(compiled: CompiledRuleSet, post: _Post, found: _Findings, now: datetime) -> None:
    """The advanced patterns of blocked phrase rules, on the folded text."""
    for pattern, rule in compiled.patterns:
        if rule.not_before is not None and now >= rule.not_before:
            continue
        for match in pattern.finditer(post.folded):
            if match.end() > match.start():
                found.add(rule, rule.kind, post.span(match.start(), match.end()))


def _embargoes(compiled: CompiledRuleSet, post: _Post, found: _Findings, now: datetime) -> None:
    """Topics mentioned before their embargo lifts."""
    for entry, start, end in post.phrases(compiled.embargo_index):
        rule = entry.rule
        if rule.not_before is not None and now < rule.not_before:
            found.add(rule, rule.kind, post.span(start, end))


def _disclosures(compiled: CompiledRuleSet, post: _Post, found: _Findings, for_advocacy: bool) -> None:
    """A required disclosure missing from a post that mentions a trigger, or that earns points.

    The finding spans the first trigger mentioned in the text (the longest one there: "Acme
    Cloud" rather than the company name "Acme" it starts with), or the whole post."""
    for rule in compiled.rules.disclosure_rules:
        required = compiled.required.get(rule.rule_id, "")
        if not required.strip() or required in post.folded:
            continue
        first: tuple[int, int] | None = None
        for words, regex in compiled.triggers.get(rule.rule_id, ()):
            if not post.tokens.issuperset(words):
                continue
            hit = regex.search(post.folded)
            if hit is not None and (first is None or (hit.start(), -hit.end()) < (first[0], -first[1])):
                first = (hit.start(), hit.end())
        span = post.span(*first) if first is not None else None
        if span is None and not (rule.on_advocacy and for_advocacy):
            continue
        found.add(rule, "disclosure", span if span is not None else (0, len(post.text)))


def _link_domains(compiled: CompiledRuleSet, post: _Post, found: _Findings) -> None:
    """Links outside the allowed domains, in the text and the separate link."""
    if not compiled.rules.link_rules:
        return
    hosts = [_host_of(link) for link, _, _ in post.links]
    url_host = _host_of(post.url) if post.url else ""
    # Rules often share their domain list: judge each distinct list once per post.
    outside: dict[tuple[str, ...], tuple[list[tuple[int, int]], bool]] = {}
    for rule in compiled.rules.link_rules:
        if not rule.domains:
            continue
        verdict = outside.get(rule.domains)
        if verdict is None:
            spans = [
                (start, end)
                for (_link, start, end), host in zip(post.links, hosts, strict=True)
                if not _host_allowed(host, rule.domains)
            ]
            url_outside = bool(post.url) and not _host_allowed(url_host, rule.domains)
            verdict = outside[rule.domains] = (spans, url_outside)
        spans, url_outside = verdict
        for span in spans:
            found.add(rule, "link", span)
        if url_outside:
            found.add(rule, "link", (0, 0), about_url=True)


def _lengths(compiled: CompiledRuleSet, post: _Post, found: _Findings, network: str) -> None:
    """A post longer than its network allows (X counts every link as 23 characters)."""
    if not network:
        return
    text, url, length = post.text, post.url, len(post.text)
    for rule in compiled.rules.length_rules:
        if rule.network != network:
            continue
        counted, cut = _weighted_length(text, post.links, rule.link_length, rule.max_length)
        if url and rule.link_length and url not in text:
            counted += rule.link_length + (1 if text else 0)
        if counted > rule.max_length:
            found.add(rule, "length", (min(cut, length), length))


def _weighted_length(
    text: str, urls: list[tuple[str, int, int]], link_length: int | None, max_length: int
) -> tuple[int, int]:
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
