"""French typography in the French catalogue and the French demo content: the spaces French puts
inside « » and before ; ! ? : never break a line (an ordinary space there leaves "?" or "»"
alone at the start of a line on a phone).

The rule, one for everything: a narrow no-break space (U+202F) inside « » and before ; ! ?,
a no-break space (U+00A0) before : (the colon takes a full-width space, Imprimerie nationale).
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
FRENCH_FIXTURES = sorted(
    [*(ROOT / "fixtures" / "courses").glob("*.fr.toml"), ROOT / "fixtures" / "policy" / "policy.toml"]
    + [ROOT / "fixtures" / "advocacy" / "library.toml"]
)
NNBSP, NBSP = "\u202f", "\u00a0"
RULES = (
    (re.compile(r"«(?!\u202f)"), "« not followed by U+202F"),
    (re.compile(r"(?<!\u202f)»"), "» not preceded by U+202F"),
    (re.compile(r"[ \u00a0][;!?]"), "; ! or ? after a space other than U+202F"),
    # The space after « is the quotes' (« ::nom:: » quotes code that starts with a colon).
    (re.compile(r"(?<!«)[ \u202f]:"), ": after a space other than U+00A0"),
)


def typography_problems(text: str) -> list[tuple[str, str]]:
    """What in ``text`` breaks the rule, each with a few characters around the place."""
    found = []
    for pattern, what in RULES:
        for match in pattern.finditer(text):
            found.append((what, text[max(0, match.start() - 20) : match.end() + 20]))
    return found


def msgstrs(po_text: str) -> Iterator[tuple[str, str]]:
    """``(msgid, msgstr)`` for every translation of a .po file (each plural form on its own),
    the header left out."""
    msgid = ""
    current: list[str] | None = None
    key = ""
    for line in [*po_text.splitlines(), ""]:
        if line.startswith('"') and current is not None:
            current.append(ast.literal_eval(line))
            continue
        if current is not None and key.startswith("msgstr"):
            if msgid:
                yield msgid, "".join(current)
        if current is not None and key == "msgid":
            msgid = "".join(current)
        current = None
        match = re.match(r"^(msgid|msgstr(?:\[\d+\])?) (\".*\")$", line)
        if match:
            key = match.group(1)
            current = [ast.literal_eval(match.group(2))]


def strings_of(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_of(item)


def test_the_rule_catches_every_ordinary_space_and_accepts_the_right_ones():
    # given / when / then
    assert typography_problems(f"«{NNBSP}Bonjour{NNBSP}» Prêt{NNBSP}? Oui{NNBSP}! a{NNBSP}; b{NBSP}: c") == []
    assert typography_problems(f"«{NNBSP}::nom::{NNBSP}»") == []
    assert typography_problems("https://acme.com/?a=1 (?P=nom) &amp; 14:30") == []
    assert [what for what, _around in typography_problems("« Bonjour » Prêt ? Oui ! a ; b : c")] == [
        "« not followed by U+202F",
        "» not preceded by U+202F",
        "; ! or ? after a space other than U+202F",
        "; ! or ? after a space other than U+202F",
        "; ! or ? after a space other than U+202F",
        ": after a space other than U+00A0",
    ]
    assert len(typography_problems(f"Prêt{NBSP}? b{NNBSP}: c «{NBSP}x{NBSP}»")) == 4


def test_the_catalogue_parser_reads_every_translation():
    # given
    po = 'msgid ""\nmsgstr ""\n"Language: fr\\n"\n\nmsgid "Hi"\nmsgstr ""\n"Bon"\n"jour"\n\nmsgid "a"\nmsgid_plural "b"\n'
    po += 'msgstr[0] "x \\"y\\""\nmsgstr[1] "z"\n'

    # when / then
    assert list(msgstrs(po)) == [("Hi", "Bonjour"), ("a", 'x "y"'), ("a", "z")]


def test_every_french_translation_follows_the_rule():
    # given
    entries = list(msgstrs(CATALOGUE.read_text(encoding="utf-8")))

    # when
    problems = [(msgid, *problem) for msgid, msgstr in entries for problem in typography_problems(msgstr)]

    # then
    assert len(entries) > 1000
    assert problems == []


@pytest.mark.parametrize("path", FRENCH_FIXTURES, ids=lambda path: path.name)
def test_the_french_demo_content_follows_the_rule(path):
    # given
    data = tomllib.loads(path.read_text(encoding="utf-8"))

    # when
    problems = [problem for text in strings_of(data) for problem in typography_problems(text)]

    # then
    assert problems == []
