"""``POST /advocacy/check/``: the composer's live policy check, with the error contract."""

from __future__ import annotations

import json

import pytest

from policy.data import MAX_POST_LENGTH
from tests.advocacy.compose_fixtures import (  # noqa: F401 - autouse fixture
    _fresh_caches,
    allow_domains,
    certified,
    client_for,
    library_item,
    programme,
)
from tests.factories.people import UserFactory
from tests.factories.policy import BlockedPhraseRuleFactory, DisclosureRuleFactory

CHECK = "/advocacy/check/"


def _check(client, **body):
    return client.post(CHECK, json.dumps(body), content_type="application/json", HTTP_ACCEPT="application/json")


@pytest.fixture
def advocate(db):
    return certified(preferred_language="en")


def test_findings_carry_severity_message_clause_and_span(site, advocate):
    # given
    BlockedPhraseRuleFactory(phrases="Project Falcon", message_en="This project name is confidential.")
    # when
    response = _check(client_for(advocate), text="We ship Project Falcon today", network="linkedin", url="")
    # then
    assert response.status_code == 200
    body = response.json()
    assert [(f["severity"], f["message"], f["span"], f["kind"]) for f in body["findings"]] == [
        ("block", "This project name is confidential.", [8, 22], "blocked_phrase")
    ]
    assert body["findings"][0]["clause_url"].endswith("#confidentialite")
    assert body["blocking"] is True
    assert body["length"] == {"count": 28, "max": 3000, "link_length": None}


def test_a_clean_draft_does_not_block_and_x_counts_the_link_as_23(site, advocate):
    # when
    response = _check(client_for(advocate), text="Our plant opens", network="x", url="https://acme.com/news/launch")
    # then
    assert response.json() == {
        "findings": [],
        "blocking": False,
        "disclosure": "",
        "length": {"count": 15 + 1 + 23, "max": 280, "link_length": 23},
        # no domain is allowed: the link stays as typed (the composer's preview shows it)
        "link": "https://acme.com/news/launch",
    }


def test_the_disclosure_is_offered_until_the_text_carries_it(site, advocate):
    # given an advocacy disclosure rule
    DisclosureRuleFactory(required_text="#AcmeEmployee", on_advocacy=True, trigger_phrases="", severity="block")
    client = client_for(advocate)
    # when
    missing = _check(client, text="Our plant opens", network="linkedin", url="").json()
    present = _check(client, text="Our plant opens #acmeemployee", network="linkedin", url="").json()
    # then
    assert missing["disclosure"] == "#AcmeEmployee"
    assert [f["kind"] for f in missing["findings"]] == ["disclosure"]
    assert missing["blocking"] is True
    assert (present["disclosure"], present["findings"], present["blocking"]) == ("", [], False)


def test_with_the_item_the_own_characters_are_counted(site, advocate):
    # given
    programme(min_own_characters=10)
    content = library_item(texts={("x", "en"): "Our plant opens."})
    # when
    body = _check(client_for(advocate), text="Our plant opens. Wow", network="x", url="", content_id=content.pk).json()
    # then
    assert body["own_characters"] == {"count": 4, "minimum": 10, "missing": 6}


def test_a_text_over_the_maximum_is_400_text_too_long(site, advocate):
    # when
    response = _check(client_for(advocate), text="a" * (MAX_POST_LENGTH + 1), network="x", url="")
    # then
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "text_too_long"


@pytest.mark.parametrize(
    "body",
    [{"text": "Hi", "network": "instagram", "url": ""}, {"text": 3, "network": "x", "url": ""}, ["not", "an object"]],
)
def test_bad_input_is_400_invalid_input(site, advocate, body):
    # when
    response = client_for(advocate).post(CHECK, json.dumps(body), content_type="application/json")
    # then
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"


def test_unreadable_json_is_400(site, advocate):
    response = client_for(advocate).post(CHECK, "{not json", content_type="application/json")
    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid_input")


def test_checks_are_rate_limited_per_user_with_retry_after(site, advocate, settings):
    # given a rate of 2 checks a minute
    settings.ADVOCACY_CHECK_RATE = "2/m"
    client = client_for(advocate)
    other = client_for(certified())
    # when
    statuses = [_check(client, text="Hello", network="x", url="").status_code for _ in range(2)]
    third = _check(client, text="Hello", network="x", url="")
    # then
    assert statuses == [200, 200]
    assert third.status_code == 429
    assert third["Retry-After"] == "60"
    assert third.json()["error"]["code"] == "rate_limited"
    assert _check(other, text="Hello", network="x", url="").status_code == 200


def test_a_locked_employee_gets_403_as_json(site):
    # given an employee without a certificate
    client = client_for(UserFactory())
    # when
    response = _check(client, text="Hello", network="x", url="")
    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "no_certificate"


def test_the_check_is_csrf_protected(site, advocate):
    # given a client that enforces CSRF, without a token
    client = client_for(advocate, enforce_csrf_checks=True)
    # when
    response = _check(client, text="Hello", network="x", url="")
    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"


def test_only_post_is_allowed(site, advocate):
    assert client_for(advocate).get(CHECK).status_code == 405
