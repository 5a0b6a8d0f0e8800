"""``/s/<code>``: the redirect, its headers, the re-check of the target, unknown codes and
their rate limit, the visit recorded per request and its flags (TESTPLAN 21, 24, 25, 30)."""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import DatabaseError
from django.test import Client

from advocacy_share.models import Visit
from advocacy_share.services import links as link_services
from policy import rules
from tests.factories.advocacy import CampaignFactory, ShareableContentFactory, ShareFactory, TrackedLinkFactory
from tests.factories.people import UserFactory
from tests.factories.policy import LinkDomainRuleFactory

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Compiled policy rules and rate-limit counters are cached: start and end every test clean."""
    rules.bump_version()
    cache.clear()
    yield
    rules.bump_version()
    cache.clear()


@pytest.fixture
def allowed(db):
    return LinkDomainRuleFactory(domains="acme.com")


@pytest.fixture
def sharer(db):
    return UserFactory(email="sharer@example.com", first_name="Sacha", last_name="Partage")


@pytest.fixture
def link(allowed, sharer):
    content = ShareableContentFactory(
        url="https://www.acme.com/news/launch?ref=home#section-2", campaign=CampaignFactory(slug="spring-launch")
    )
    return TrackedLinkFactory(share=ShareFactory(user=sharer, content=content, network="linkedin"))


def browser() -> Client:
    return Client(headers={"user-agent": CHROME})


def strip_csrf(body: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)


# --- the redirect ---------------------------------------------------------------------------


def test_known_code_redirects_to_the_content_with_utm_and_keeps_query_and_fragment(link, site):
    # when a browser follows the tracked link
    response = browser().get(f"/s/{link.code}")

    # then it is sent to the content, its own query and fragment kept, our UTM appended
    assert response.status_code == 302
    location = response["Location"]
    parts = urlsplit(location)
    assert (parts.scheme, parts.netloc, parts.path, parts.fragment) == (
        "https",
        "www.acme.com",
        "/news/launch",
        "section-2",
    )
    assert parse_qs(parts.query) == {
        "ref": ["home"],
        "utm_source": ["linkedin"],
        "utm_medium": ["social"],
        "utm_campaign": ["spring-launch"],
        "utm_content": ["employee_advocacy"],
    }


def test_redirect_is_never_cached_sends_no_referrer_and_names_no_employee(link, sharer, site):
    # when the link is followed
    response = browser().get(f"/s/{link.code}")

    # then nothing may store it, no Referer leaves, and nothing in it identifies the sharer
    assert response.status_code == 302
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    location = response["Location"]
    for identity in (str(sharer.pk), sharer.email, "Sacha", "Partage", link.code, str(link.share_id)):
        assert identity not in urlsplit(location).query
    assert not response.cookies


def test_head_gets_the_same_redirect(link, site):
    response = browser().head(f"/s/{link.code}")

    assert response.status_code == 302
    assert response["Location"] == browser().get(f"/s/{link.code}")["Location"]


def test_post_is_not_allowed(link, site):
    response = browser().post(f"/s/{link.code}")

    assert response.status_code == 405
    assert Visit.objects.count() == 0


def test_target_saved_before_a_rule_changed_is_refused_at_redirect_time(link, allowed, site, caplog):
    # given the domain is no longer allowed (the rule was narrowed after the link was made)
    allowed.domains = "acme.org"
    allowed.save()

    # when the link is followed
    with caplog.at_level(logging.WARNING, logger="advocacy_share.views.links"):
        response = browser().get(f"/s/{link.code}")

    # then the visitor gets the "link unavailable" 404 page, no redirect, and the log says why
    assert response.status_code == 404
    assert "Location" not in response
    assert b"link_unavailable" in response.content
    assert response["Cache-Control"] == "no-store, private"
    assert [r.getMessage() for r in caplog.records if r.name == "advocacy_share.views.links"] == [
        f"tracked link {link.id} not followed: its target is no longer allowed "
        "(Links may only point to the allowed domains of the policy (acme.org).)"
    ]
    assert Visit.objects.count() == 0


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "https://acme.com@evil.example/",
        "https://acme.com.evil.example/",
        "http://169.254.169.254/latest/meta-data/",
        "https://acme.com:8443/",
        " https://acme.com/",
    ],
)
def test_rows_with_a_forbidden_target_are_never_followed(allowed, sharer, site, target):
    # given a row written straight to the database (no validation), as an old row would be
    link = TrackedLinkFactory(share=ShareFactory(user=sharer), target_url=target)

    response = browser().get(f"/s/{link.code}")

    assert response.status_code == 404
    assert "Location" not in response
    assert b"link_unavailable" in response.content


def test_link_unavailable_answers_json_clients_with_the_error_contract(link, allowed, site):
    allowed.domains = "acme.org"
    allowed.save()

    response = Client(headers={"accept": "application/json"}).get(f"/s/{link.code}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "link_unavailable"


# --- unknown codes --------------------------------------------------------------------------


def test_unknown_codes_get_the_same_404_page(site, allowed):
    # when two different unknown codes (one well-formed, one not) are tried
    first = browser().get("/s/AAAAAAAAAAAA")
    second = browser().get("/s/zzzzzzzzzzzz")
    malformed = browser().get("/s/not*a*code")

    # then the pages are the same, apart from the address the visitor typed (echoed in the
    # sign-in link), and never stored
    assert first.status_code == second.status_code == malformed.status_code == 404
    body = strip_csrf(first.content.decode()).replace("AAAAAAAAAAAA", "CODE")
    assert strip_csrf(second.content.decode()).replace("zzzzzzzzzzzz", "CODE") == body
    assert (
        strip_csrf(malformed.content.decode()).replace("not%2Aa%2Acode", "CODE").replace("not*a*code", "CODE") == body
    )
    assert first["Cache-Control"] == "no-store, private"
    assert Visit.objects.count() == 0


def test_unknown_codes_are_rate_limited_per_address_and_known_codes_never(link, site):
    walker = Client(REMOTE_ADDR="203.0.113.7", headers={"user-agent": CHROME})
    other = Client(REMOTE_ADDR="203.0.113.8", headers={"user-agent": CHROME})

    # when one address walks 30 unknown codes, then a 31st
    statuses = [walker.get(f"/s/unknown{n:05d}").status_code for n in range(30)]
    limited = walker.get("/s/unknown99999")

    # then the first 30 are 404 and the next is 429 with Retry-After
    assert statuses == [404] * 30
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    # another address is not affected, and the limited address still follows a real link
    assert other.get("/s/unknown00000").status_code == 404
    assert [walker.get(f"/s/{link.code}").status_code for _ in range(40)] == [302] * 40


def test_rate_limit_answers_json_clients_with_the_error_contract(site):
    client = Client(REMOTE_ADDR="203.0.113.9", headers={"accept": "application/json"})
    for n in range(30):
        client.get(f"/s/unknown{n:05d}")

    response = client.get("/s/unknown99999")

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert response["Retry-After"] == "60"


def test_the_limit_counts_the_address_given_by_the_trusted_proxy_only(site, settings):
    # given one trusted proxy appending to X-Forwarded-For
    settings.PORTE_VOIX_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.PORTE_VOIX_TRUSTED_PROXY_COUNT = 1
    # when a client behind it forges different left-hand entries on every request
    client = Client(REMOTE_ADDR="10.0.0.1")
    for n in range(30):
        client.get(f"/s/unknown{n:05d}", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.50")

    # then it is still limited: the proxy's entry is the one counted
    response = client.get("/s/unknown99999", HTTP_X_FORWARDED_FOR="198.51.100.200, 203.0.113.50")
    assert response.status_code == 429


# --- recording ------------------------------------------------------------------------------

BOTS = [
    ("LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)", "linkedinbot"),
    ("Twitterbot/1.0", "twitterbot"),
    ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "facebookexternalhit"),
    ("Facebot", "facebot"),
    ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "slackbot"),
    ("Slackbot 1.0 (+https://api.slack.com/robots)", "slackbot"),
    ("WhatsApp/2.23.20.0 A", "whatsapp"),
    ("TelegramBot (like TwitterBot)", "telegrambot"),
    ("Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", "discordbot"),
    ("http.rb/5.1.1 (Mastodon/4.2.1; +https://mastodon.social/)", "mastodon"),
    ("Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5", "skypeuripreview"),
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "googlebot"),
    ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "bingbot"),
    ("Mozilla/5.0 (compatible; SomeNewBot/0.1)", "generic-bot"),
    ("Mozilla/5.0 (compatible; ExampleCrawler 3.0)", "generic-bot"),
    ("magpie-spider/1.0", "generic-bot"),
    ("curl/8.5.0", "curl"),
    ("Wget/1.21.4", "wget"),
    ("python-requests/2.32.3", "python"),
    ("Go-http-client/1.1", "http-library"),
    (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36",
        "headless",
    ),
    ("", "no-agent"),
]
BROWSERS = [
    (CHROME, "chrome"),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "firefox"),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.5 Mobile/15E148 Safari/604.1",
        "safari",
    ),
    (CHROME + " Edg/131.0.0.0", "edge"),
    (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
        "Mobile Safari/537.36 [LinkedInApp]/9.30",
        "chrome",
    ),
]
FLAGS = ("is_bot", "is_prefetch", "is_head", "is_self", "is_repeat", "qualified")


def flags_of(visit: Visit) -> dict[str, bool]:
    return {name: getattr(visit, name) for name in FLAGS}


def no_flags(**on: bool) -> dict[str, bool]:
    return {name: on.get(name, False) for name in FLAGS}


@pytest.mark.parametrize(("user_agent", "family"), BOTS)
def test_bots_and_previews_get_the_redirect_and_are_flagged(link, site, user_agent, family):
    response = Client(headers={"user-agent": user_agent}).get(f"/s/{link.code}")

    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.link_id, visit.agent_family) == (link.id, family)
    assert flags_of(visit) == no_flags(is_bot=True)
    assert visit.processed_at is None


@pytest.mark.parametrize(("user_agent", "family"), BROWSERS)
def test_browsers_are_not_flagged(link, site, user_agent, family):
    response = Client(headers={"user-agent": user_agent}).get(f"/s/{link.code}")

    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.agent_family == family
    assert flags_of(visit) == no_flags()


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"HTTP_SEC_PURPOSE": "prefetch"}, True),
        ({"HTTP_SEC_PURPOSE": "prefetch;prerender"}, True),
        ({"HTTP_PURPOSE": "prefetch"}, True),
        ({"HTTP_X_PURPOSE": "preview"}, True),
        ({"HTTP_X_MOZ": "prefetch"}, True),
        ({"HTTP_SEC_FETCH_MODE": "navigate"}, False),
    ],
)
def test_prefetches_get_the_redirect_and_are_flagged(link, site, headers, expected):
    response = browser().get(f"/s/{link.code}", **headers)

    assert response.status_code == 302
    assert flags_of(Visit.objects.get()) == no_flags(is_prefetch=expected)


def test_head_is_recorded_and_flagged(link, site):
    response = browser().head(f"/s/{link.code}")

    assert response.status_code == 302
    assert flags_of(Visit.objects.get()) == no_flags(is_head=True)


def test_the_signed_in_sharer_clicking_their_own_link_is_flagged_self(link, sharer, site):
    client = browser()
    client.force_login(sharer)

    response = client.get(f"/s/{link.code}")

    assert response.status_code == 302
    assert flags_of(Visit.objects.get()) == no_flags(is_self=True)


def test_another_signed_in_employee_is_not_self(link, site):
    client = browser()
    client.force_login(UserFactory())

    assert client.get(f"/s/{link.code}").status_code == 302
    assert flags_of(Visit.objects.get()) == no_flags()


def test_visitor_is_a_daily_hash_of_address_and_agent_never_the_address(link, site):
    # when the same browser at one address clicks twice, and another address once
    same = Client(REMOTE_ADDR="203.0.113.7", headers={"user-agent": CHROME})
    same.get(f"/s/{link.code}")
    same.get(f"/s/{link.code}")
    Client(REMOTE_ADDR="203.0.113.8", headers={"user-agent": CHROME}).get(f"/s/{link.code}")

    # then the first two share a visitor hash, the third differs, and no address is stored
    first, second, third = Visit.objects.order_by("id")
    assert first.visitor == second.visitor != third.visitor
    assert re.fullmatch(r"[0-9a-f]{64}", first.visitor)
    for visit in (first, second, third):
        assert "203.0.113" not in str(Visit.objects.filter(pk=visit.pk).values().get())


def test_the_anonymous_redirect_is_one_read_and_one_insert(link, site, django_assert_num_queries):
    client = browser()
    client.get(f"/s/{link.code}")  # warms the compiled policy rules, as any live process is

    with django_assert_num_queries(2) as captured:
        response = client.get(f"/s/{link.code}")

    assert response.status_code == 302
    statements = [query["sql"].split()[0].upper() for query in captured.captured_queries]
    assert statements == ["SELECT", "INSERT"]


def test_n_requests_leave_exactly_n_visits(link, site):
    clients = [
        browser(),
        Client(headers={"user-agent": "Twitterbot/1.0"}),
        Client(headers={"user-agent": CHROME, "sec-purpose": "prefetch"}),
    ]

    statuses = [clients[n % 3].get(f"/s/{link.code}").status_code for n in range(60)]
    statuses += [browser().head(f"/s/{link.code}").status_code for _ in range(15)]

    assert statuses == [302] * 75
    assert Visit.objects.filter(link=link).count() == 75


# --- recording failures (TESTPLAN 30) -------------------------------------------------------


@pytest.mark.parametrize("failure", [RuntimeError("database is locked"), ValueError("bad value")])
def test_recording_failure_still_redirects_and_is_logged(link, site, monkeypatch, caplog, failure):
    # given the recorder fails
    def broken(**kwargs):
        raise failure

    monkeypatch.setattr(link_services, "visit_record", broken)

    # when the link is followed
    with caplog.at_level(logging.ERROR, logger="advocacy_share.views.links"):
        response = browser().get(f"/s/{link.code}")

    # then the visitor is redirected all the same, and the failure is in the log
    assert response.status_code == 302
    assert urlsplit(response["Location"]).netloc == "www.acme.com"
    records = [r for r in caplog.records if r.name == "advocacy_share.views.links"]
    assert [r.getMessage() for r in records] == [
        f"tracked link {link.id}: the visit could not be recorded; redirected anyway"
    ]
    assert records[0].exc_info[1] is failure
    assert Visit.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_database_error_while_recording_still_redirects(link, site, monkeypatch, caplog):
    # given the database refuses the insert (here: the statement names a table that is gone)
    missing_table = "INSERT INTO advocacy_share_no_such_table VALUES (" + ", ".join(["%s"] * 10) + ")"
    monkeypatch.setattr(link_services, "_insert_sql", lambda vendor: missing_table)

    # when the link is followed
    with caplog.at_level(logging.ERROR, logger="advocacy_share.views.links"):
        response = browser().get(f"/s/{link.code}")

    # then the redirect answers, the database error is in the log, and nothing was stored
    assert response.status_code == 302
    records = [r for r in caplog.records if r.name == "advocacy_share.views.links"]
    assert [r.getMessage() for r in records] == [
        f"tracked link {link.id}: the visit could not be recorded; redirected anyway"
    ]
    assert isinstance(records[0].exc_info[1], DatabaseError)
    assert Visit.objects.count() == 0
