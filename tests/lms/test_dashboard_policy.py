"""/me/ and the banner ask everyone who has not accepted the current policy version to read it,
not only certified advocates: an employee without any certificate is asked too."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from certification.models import Certificate
from policy import api as policy_api
from policy.models import PolicyPage
from tests.factories.policy import PolicyPageFactory, blocks_of, publish_change, section

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def policy_page(site) -> PolicyPage:
    page = PolicyPageFactory(parent=site)
    return PolicyPage.objects.get(pk=page.pk)


def _publish_version_2(page: PolicyPage) -> None:
    publish_change(
        page,
        material=True,
        summary="Nouvelle clause.",
        summary_en="New clause.",
        body=[*blocks_of(page.body), section("ia", "IA", "<p>Pas d’IA.</p>")],
        body_en=[*blocks_of(page.body_en), section("ia", "AI", "<p>No AI.</p>")],
    )


def _text(node) -> str:
    return " ".join(node.get_text().split()) if node is not None else ""


def _me(client) -> BeautifulSoup:
    response = client.get("/me/", **EN)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_an_employee_without_a_certificate_who_never_accepted_gets_the_card_and_the_banner(
    policy_page, employee, employee_client
):
    # given: no certificate, no acceptance
    assert not Certificate.objects.filter(user=employee).exists()

    # when
    soup = _me(employee_client)

    # then
    card = soup.select_one(".policy-card")
    assert _text(card) == "Read the social media policy (version 1) and accept it. Read the policy"
    assert card.find("a")["href"] == "/policy/"
    banner = soup.select_one(".policy-banner")
    assert _text(banner) == "You have not accepted the social media policy yet (version 1). Read and accept it"
    assert banner.find("a")["href"] == "/policy/"


def test_an_employee_without_a_certificate_is_asked_again_after_a_material_change(
    policy_page, employee, employee_client
):
    # given: version 1 accepted, then version 2 published
    policy_api.acknowledge_current(employee, language="en")
    _publish_version_2(policy_page)

    # when
    soup = _me(employee_client)

    # then
    card = soup.select_one(".policy-card")
    assert _text(card) == (
        "The policy changed since you accepted version 1: read version 2 and accept it. See what changed"
    )
    assert card.find("a")["href"] == "/policy/changes/"
    banner = soup.select_one(".policy-banner")
    assert _text(banner) == "The social media policy changed (version 2). See what changed and acknowledge it"


def test_the_banner_is_on_every_page_not_only_me(policy_page, employee_client):
    # when
    response = employee_client.get("/courses/", **EN)

    # then: the catalogue page carries the banner too (it lives in the base template)
    soup = BeautifulSoup(response.content, "html.parser")
    assert _text(soup.select_one(".policy-banner")).startswith("You have not accepted the social media policy yet")


def test_once_the_current_version_is_accepted_neither_card_nor_banner_shows(policy_page, employee, employee_client):
    # given
    policy_api.acknowledge_current(employee, language="en")

    # when
    soup = _me(employee_client)

    # then
    assert soup.select_one(".policy-card") is None
    assert soup.select_one(".policy-banner") is None


def test_before_any_policy_version_nobody_is_asked(site, employee_client):
    # when
    soup = _me(employee_client)

    # then
    assert soup.select_one(".policy-card") is None
    assert soup.select_one(".policy-banner") is None


def test_the_policy_page_itself_shows_its_own_form_not_the_banner(policy_page, employee_client):
    # when
    response = employee_client.get("/policy/", **EN)

    # then
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("p.policy-banner") is None
    assert soup.select_one(".policy-ack form") is not None
