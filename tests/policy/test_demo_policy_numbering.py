"""The demo policy's clause numbers follow the page (§1, §2, §3… as read on /policy/), in both
languages, and every citation of a clause in the demo content (course feedback and
explanations, the policy's own text, the demo revocation reason) names the clause that
carries that number."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings

from policy import api

BASE = Path(settings.BASE_DIR)
DEMO_POLICY = BASE / "fixtures" / "policy" / "policy.toml"
CITING_FILES = [
    *sorted((BASE / "fixtures" / "courses").glob("*.toml")),
    DEMO_POLICY,
    BASE / "certification" / "demo.py",
]
NUMBERED = re.compile(r"^§(\d+) (.+)$")
CITATION = re.compile(r"§(\d+)(?: ([A-ZÀ-Ý][\w'’-]*))?")


def _demo() -> dict:
    with DEMO_POLICY.open("rb") as file:
        return tomllib.load(file)


def _numbered_headings(blocks: list[dict]) -> list[tuple[int, str]]:
    headings = [block.get("heading") or block.get("title") or "" for block in blocks]
    return [(int(m.group(1)), m.group(2)) for m in (NUMBERED.match(h) for h in headings) if m]


def _clauses(language_key: str) -> list[tuple[int, str]]:
    data = _demo()
    blocks = list(data[language_key])
    for change in data.get("material_changes", []):
        blocks += change.get(f"append_{language_key}", [])
    return _numbered_headings(blocks)


@pytest.mark.parametrize("language_key", ["body", "body_en"])
def test_the_demo_clauses_are_numbered_in_page_order(language_key):
    # when
    numbers = [number for number, _name in _clauses(language_key)]

    # then
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) == 9


def test_the_published_demo_policy_reads_1_to_9_on_the_page(site, client):
    # given: the demo policy as load_demo imports it (version 2 appends the last clause)
    api.import_policy(_demo(), parent=site)

    # when
    for language in ("fr", "en"):
        response = client.get("/policy/", HTTP_ACCEPT_LANGUAGE=language)

        # then
        soup = BeautifulSoup(response.content, "html.parser")
        numbers = [
            int(m.group(1))
            for m in (re.match(r"§(\d+) ", " ".join(h.get_text().split())) for h in soup.select(".policy-body h2"))
            if m
        ]
        assert numbers == [1, 2, 3, 4, 5, 6, 7, 8, 9], language


def test_every_citation_in_the_demo_content_names_the_clause_of_that_number():
    # given: the first word of each clause's name, in both languages
    first_words: dict[int, set[str]] = {}
    for language_key in ("body", "body_en"):
        for number, name in _clauses(language_key):
            first_words.setdefault(number, set()).add(name.split()[0].rstrip(":,."))

    # when
    wrong = []
    cited = 0
    for path in CITING_FILES:
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.lstrip().startswith(("heading =", "title =")):
                continue  # the clause itself, checked above
            for match in CITATION.finditer(line):
                cited += 1
                number, word = int(match.group(1)), match.group(2)
                if number not in first_words or (word and word not in first_words[number]):
                    wrong.append(f"{path.name}:{line_no}: {match.group(0)}")

    # then
    assert wrong == []
    assert cited > 400
