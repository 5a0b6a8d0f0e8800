"""What changed in the policy, in the reader's language only: a summary written in French alone
is never shown to an English reader, who gets a line in English instead."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from policy import selectors
from policy.models import PolicyPage
from tests.factories.policy import blocks_of, publish_change, section

FRENCH_SUMMARY = "Nouvelle clause sur l’IA générative."
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}


def _publish_without_english_summary(page: PolicyPage, *, english_changed: bool) -> None:
    """Version 2: the French text gains a clause, summed up in French only; the English text
    gains it too when ``english_changed``, else is left as it was (its readers unaffected)."""
    body_en = blocks_of(page.body_en)
    if english_changed:
        body_en = [*body_en, section("ia", "Generative AI", "<p>Paste nothing internal.</p>")]
    publish_change(
        page,
        material=True,
        summary=FRENCH_SUMMARY,
        summary_en="",
        body=[*blocks_of(page.body), section("ia", "IA générative", "<p>Ne copiez rien d’interne.</p>")],
        body_en=body_en,
    )


def _versions(response) -> list[tuple[str, str]]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [
        (panel.h2.get_text(" ", strip=True), panel.p.get_text(" ", strip=True))
        for panel in soup.select("main section.panel")
    ]


@pytest.mark.parametrize(
    ("english_changed", "line"),
    [
        (True, "This change has no summary in your language: the policy shows its current text."),
        (False, "This version did not change the text you read."),
    ],
)
def test_an_english_reader_never_gets_the_french_summary(english_changed, line, client, policy_page, version_1):
    # given
    _publish_without_english_summary(policy_page, english_changed=english_changed)

    # when
    response = client.get("/policy/changes/", **EN)

    # then
    assert response.status_code == 200
    assert FRENCH_SUMMARY not in response.content.decode()
    assert [(heading.split(" — ")[0], text) for heading, text in _versions(response)] == [
        ("Version 1", "First version of the policy."),
        ("Version 2", line),
    ]


def test_a_french_reader_gets_the_french_summary(client, policy_page, version_1):
    # given
    _publish_without_english_summary(policy_page, english_changed=True)

    # when
    response = client.get("/policy/changes/", **FR)

    # then
    assert [text for _heading, text in _versions(response)] == ["Première version de la charte.", FRENCH_SUMMARY]


def test_the_changes_cost_one_query_in_either_language(policy_page, version_1, django_assert_num_queries):
    # given
    _publish_without_english_summary(policy_page, english_changed=False)

    # when
    with django_assert_num_queries(1):
        english = selectors.changes_since(number=1, language="en")
    with django_assert_num_queries(1):
        french = selectors.changes_since(number=1, language="fr")

    # then
    assert [(c.number, c.summary, c.first, c.text_changed) for c in english] == [(2, "", False, False)]
    assert [(c.number, c.summary, c.first, c.text_changed) for c in french] == [(2, FRENCH_SUMMARY, False, True)]
