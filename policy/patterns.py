"""Guardrail patterns written by editors, matched by RE2.

RE2 runs in time linear in the text whatever the pattern, so no pattern can stall a check the
way ``(a+)+$`` or ``\\w*\\w*\\w*x`` stall a backtracking engine such as Python's ``re``. The
price is syntax RE2 has not: backreferences, lookarounds, conditionals, atomic groups and
possessive repeats. The admin refuses those patterns naming what is missing, and the checker
skips any such pattern stored before (see ``rules.compiled_rules``, which logs it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Python's own regex parser, to name what RE2 lacks; typeshed stubs no private module of re.
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any, Protocol

import re2
from django.utils.translation import gettext as _

PatternError = re2.error


class Match(Protocol):
    def start(self) -> int: ...
    def end(self) -> int: ...


class Regexp(Protocol):
    """What the checker uses of a compiled RE2 regexp (google-re2 ships no types)."""

    def search(self, text: str) -> Match | None: ...
    def finditer(self, text: str) -> Iterator[Match]: ...


def _options() -> re2.Options:
    options = re2.Options()
    options.case_sensitive = False  # the rules match whatever the capitalisation
    options.log_errors = False  # a refused pattern is reported to the editor, not to stderr
    options.never_capture = True  # only whole matches are used
    return options


OPTIONS = _options()


def compile_pattern(pattern: str) -> Regexp:
    """The RE2 regexp for ``pattern``, case-insensitive. Raises ``PatternError``."""
    return re2.compile(pattern, OPTIONS)


def compiles(pattern: str) -> bool:
    try:
        compile_pattern(pattern)
    except PatternError:
        return False
    return True


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be a guardrail pattern, in the active language; ``None`` if it can."""
    try:
        regexp = compile_pattern(pattern)
    except PatternError as exc:
        return _refusal(pattern, exc)
    if regexp.search("") is not None:
        return _("“%(pattern)s” matches an empty text, so it would flag every post.") % {"pattern": pattern}
    return None


def _refusal(pattern: str, exc: Exception) -> str:
    try:
        tree = _parser.parse(pattern)
    except re.error as error:
        # Python's parser says where a malformed pattern goes wrong, RE2 only what.
        return _("“%(pattern)s” is not a valid pattern: %(error)s.") % {"pattern": pattern, "error": error}
    feature = _unsupported_feature(tree)
    if feature is not None:
        return _(
            "“%(pattern)s” uses %(feature)s, which guardrail patterns do not support "
            "(they are matched by RE2, which keeps every check fast)."
        ) % {"pattern": pattern, "feature": feature}
    reason = exc.args[0] if exc.args else ""
    if isinstance(reason, bytes):
        reason = reason.decode("utf-8", "replace")
    return _("“%(pattern)s” is not a valid pattern: %(error)s.") % {"pattern": pattern, "error": reason}


def _unsupported_feature(items: Any) -> str | None:
    """The first construct of a parsed pattern that RE2 lacks, named for the editor."""
    for op, av in items:
        if op == c.GROUPREF:
            return _("a backreference such as \\1 or (?P=name)")
        if op in (c.ASSERT, c.ASSERT_NOT):
            if av[0] == 1:
                return _("a lookahead such as (?=…) or (?!…)")
            return _("a lookbehind such as (?<=…) or (?<!…)")
        if op == c.GROUPREF_EXISTS:
            return _("a conditional group such as (?(1)…|…)")
        if op == c.ATOMIC_GROUP:
            return _("an atomic group (?>…)")
        if op == c.POSSESSIVE_REPEAT:
            return _("a possessive repeat such as a++")
        if op == c.AT and av == c.AT_END_STRING:
            return _("\\Z (write \\z for the end of the text)")
        for sub in _children(op, av):
            feature = _unsupported_feature(sub)
            if feature is not None:
                return feature
    return None


def _children(op: Any, av: Any) -> list[Any]:
    if op == c.SUBPATTERN:
        return [av[-1]]
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        return [av[2]]
    if op == c.BRANCH:
        return list(av[1])
    return []
