"""The language switch in the header (issue 13: anonymous visitors switch too): the choice
is kept in the language cookie for everyone and in the profile of a signed-in person."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db

SWITCH = "/me/language/"


def test_an_anonymous_visitor_switches_to_english_and_the_next_pages_follow(client, site):
    # given: a browser that prefers French
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    assert client.get("/")["Content-Language"] == "fr"

    # when
    response = client.post(SWITCH, {"language": "en", "next": "/?tab=1"})

    # then: back to the page, the cookie holds the choice for a year, the pages are English
    assert (response.status_code, response["Location"]) == (302, "/?tab=1")
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert (cookie.value, cookie["max-age"], cookie["samesite"]) == ("en", 365 * 24 * 3600, "Lax")
    page = client.get("/")
    assert page["Content-Language"] == "en"
    assert '<html lang="en"' in page.content.decode()


def test_the_header_offers_the_switch_to_anonymous_visitors(client, site):
    # when
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    # then: one form, posting to the switch, with both languages and the current one pressed
    assert html.count('class="lang-switch"') == 1
    assert f'action="{SWITCH}"' in html
    assert 'value="fr" lang="fr" aria-pressed="true"' in html
    assert 'value="en" lang="en" aria-pressed="false"' in html


def test_a_signed_in_person_switches_their_profile_and_their_cookie(client, site):
    # given
    person = UserFactory(preferred_language="fr")
    client.force_login(person)

    # when
    response = client.post(SWITCH, {"language": "en"})

    # then: back to their space by default
    assert (response.status_code, response["Location"]) == (302, "/me/")
    person.refresh_from_db()
    assert person.preferred_language == "en"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_an_unknown_language_changes_nothing_and_says_so(client, site):
    # given
    person = UserFactory(preferred_language="en")
    client.force_login(person)

    # when
    response = client.post(SWITCH, {"language": "de", "next": "/courses/"})

    # then
    assert response.status_code == 400
    assert "This language is not offered. Choose French or English." in response.content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    person.refresh_from_db()
    assert person.preferred_language == "en"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_a_next_address_off_the_site_sends_the_visitor_home(client, site, target):
    # when
    response = client.post(SWITCH, {"language": "en", "next": target})

    # then
    assert (response.status_code, response["Location"]) == (302, "/")


def test_the_switch_answers_only_post(client, site):
    assert client.get(SWITCH).status_code == 405
