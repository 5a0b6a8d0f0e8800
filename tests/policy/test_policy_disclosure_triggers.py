"""Disclosure rules name the company by default: "Acme vient de publier son nouveau livre
blanc…" without #AcmeEmployee is flagged. The rule list and the checker say, in words, when a
disclosure rule applies."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from policy import api
from policy.models import DisclosureRule
from tests.factories.policy import DisclosureRuleFactory

DEMO = Path(settings.BASE_DIR) / "fixtures" / "policy" / "policy.toml"
WHITE_PAPER = "Acme vient de publier son nouveau livre blanc sur la cybersécurité, à lire absolument !"


def _disclosures(text: str, **kwargs) -> list[tuple[str, str]]:
    return [
        (finding.excerpt, finding.applies_when)
        for finding in api.check_post(text, language="en", **kwargs)
        if finding.kind == "disclosure"
    ]


def test_the_demo_rule_flags_a_post_naming_the_company_without_the_hashtag(site):
    # given: the demo policy and its rules, as load_demo imports them
    with DEMO.open("rb") as file:
        api.import_policy(tomllib.load(file), parent=site)

    # when
    findings = _disclosures(WHITE_PAPER)

    # then
    assert findings == [
        (
            "Acme",
            "When the post mentions “Acme”, “Acme Cloud”, “Acme Pay”, “Acme Analytics”, “nos produits”, "
            "“our products”, and on every post that earns points.",
        )
    ]
    assert _disclosures(WHITE_PAPER + " #AcmeEmployee") == []


def test_a_new_disclosure_rule_names_the_company_by_default(db):
    # given: a rule whose phrases list products only
    DisclosureRuleFactory(trigger_phrases="Acme Cloud", on_advocacy=False)

    # when / then
    assert DisclosureRule.objects.get().on_company_name is True
    assert _disclosures(WHITE_PAPER) == [("Acme", "When the post mentions “Acme”, “Acme Cloud”.")]


def test_the_company_name_comes_from_the_settings(db, settings):
    # given
    settings.PORTE_VOIX_ORGANISATION_NAME = "Globex"
    DisclosureRuleFactory(trigger_phrases="", on_advocacy=False)

    # when / then
    assert _disclosures("Globex recrute !") == [("Globex", "When the post mentions “Globex”.")]
    assert _disclosures(WHITE_PAPER) == []


def test_unticking_the_company_name_leaves_the_phrases_only(db):
    # given
    DisclosureRuleFactory(trigger_phrases="Acme Cloud", on_company_name=False, on_advocacy=False)

    # when / then
    assert _disclosures(WHITE_PAPER) == []
    assert _disclosures("Acme Cloud arrive en Belgique") == [("Acme Cloud", "When the post mentions “Acme Cloud”.")]


def test_a_rule_that_would_never_apply_is_refused(db):
    # given
    rule = DisclosureRule(
        name="Jamais",
        message="Ajoutez #AcmeEmployee",
        required_text="#AcmeEmployee",
        on_company_name=False,
        trigger_phrases="",
        on_advocacy=False,
    )

    # when
    with pytest.raises(ValidationError) as raised:
        rule.full_clean()

    # then
    assert raised.value.messages == [
        "This rule would never apply: name the company, give a phrase, or require it on posts that earn points."
    ]


def test_the_rule_list_says_when_each_disclosure_rule_applies(policy_hr_client):
    # given
    DisclosureRuleFactory(name="Transparence", trigger_phrases="Acme Cloud", on_advocacy=True)

    # when
    response = policy_hr_client.get(reverse("wagtailsnippets_policy_disclosurerule:list"), HTTP_ACCEPT_LANGUAGE="en")

    # then
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    headers = [" ".join(th.get_text().split()) for th in soup.select("table thead th")]
    cells = [" ".join(td.get_text().split()) for td in soup.select("table tbody tr td")]
    assert "Applies when" in headers
    assert cells[headers.index("Applies when")] == (
        "When the post mentions “Acme”, “Acme Cloud”, and on every post that earns points."
    )


def test_the_checker_lists_when_each_disclosure_applies_and_explains_its_finding(policy_page, employee_client):
    # given
    DisclosureRuleFactory(trigger_phrases="Acme Cloud", on_advocacy=True)

    # when
    response = employee_client.post(
        "/policy/check/", {"text": WHITE_PAPER, "url": "", "network": "linkedin"}, HTTP_ACCEPT_LANGUAGE="fr"
    )

    # then
    soup = BeautifulSoup(response.content, "html.parser")
    rules = [" ".join(li.get_text().split()) for li in soup.select(".disclosure-rules li")]
    assert rules == [
        "#AcmeEmployee · Quand la publication mentionne « Acme », « Acme Cloud », et sur toute publication "
        "qui rapporte des points."
    ]
    when = soup.select_one(".finding .finding__when")
    assert " ".join(when.get_text().split()) == (
        "Quand la publication mentionne « Acme », « Acme Cloud », et sur toute publication qui rapporte des points."
    )
