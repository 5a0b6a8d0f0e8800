"""Where tracked links may lead and the address they lead to: the target check (TESTPLAN 21),
UTM building (TESTPLAN 22) and the randomness of link codes (TESTPLAN 24)."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, parse_qsl, quote, urlencode, urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from advocacy_share.links import target_url_problem, utm_url
from advocacy_share.models import LINK_CODE_BYTES, TrackedLink, new_link_code
from advocacy_share.selectors.links import code_well_formed
from policy import api as policy_api
from policy import rules
from tests.factories.advocacy import ShareFactory, TrackedLinkFactory
from tests.factories.policy import LinkDomainRuleFactory

FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(autouse=True)
def _fresh_caches():
    rules.bump_version()
    cache.clear()
    yield
    rules.bump_version()
    cache.clear()


@pytest.fixture
def allowed(db):
    rule = LinkDomainRuleFactory(domains="acme.com\nnews.example.org")
    assert policy_api.allowed_link_domains() == ("acme.com", "news.example.org")
    return rule


# --- TESTPLAN 21: the target check --------------------------------------------------------

REJECTED = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "javascript://acme.com/%0aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "file:///etc/passwd",
    "ftp://acme.com/file",
    "//evil.example/",
    "//acme.com/",
    "/relative/path",
    "acme.com/no-scheme",
    "http:\\\\evil.example",
    "http:\\\\acme.com",
    "https:\\\\acme.com\\",
    "https://acme.com\\@evil.example/",
    "https://acme.com@evil.example/",
    "https://user:pass@acme.com/",
    "https://@acme.com/",
    "https://acme.com.evil.example/",
    "https://evilacme.com/",
    "http://169.254.169.254/latest/meta-data/",
    "http://127.0.0.1/",
    "http://[::1]/",
    "http://2130706433/",
    "http://0x7f.0.0.1/",
    "https://аcme.com/",  # Cyrillic а: a homograph
    "https://acme.cοm/",  # Greek ο
    "https://xn--cme-8cd.com/",  # the punycode of the homograph: not the allowed domain
    " https://acme.com/",
    "\thttps://acme.com/",
    "\x00https://acme.com/",
    "\x1fhttps://acme.com/",
    "https://acme.com/\r\nSet-Cookie: a=b",
    "https://acme.com/\x7f",
    "https://acme.com:8443/",
    "https://acme.com:22/",
    "https://acme.com:99999/",
    "https://acme.com:-1/",
    "https:///acme.com/",
    "https:acme.com",
    "",
    "https://acme.com/" + "a" * 1000,
]
ACCEPTED = [
    "https://acme.com/",
    "https://acme.com",
    "http://acme.com/blog",
    "https://www.acme.com/news/launch?ref=home#top",
    "https://ACME.com/Upper",
    "https://acme.com:443/",
    "http://acme.com:80/",
    "https://news.example.org/2026/story",
    "https://acme.com/caf%C3%A9",
    "https://acme.com./",  # the same host, fully qualified
]


@pytest.mark.parametrize("url", REJECTED)
def test_dangerous_or_foreign_targets_are_rejected(allowed, url):
    assert target_url_problem(url) != ""


@pytest.mark.parametrize("url", ACCEPTED)
def test_allowed_targets_are_accepted(allowed, url):
    assert target_url_problem(url) == ""


def test_nothing_is_accepted_while_no_domain_is_allowed(db):
    assert policy_api.allowed_link_domains() == ()
    assert target_url_problem("https://acme.com/") == (
        "Links may only point to the allowed domains of the policy (none yet)."
    )


def _assert_safe(url: str) -> None:
    parts = urlsplit(url)
    assert parts.scheme.lower() in {"http", "https"}
    assert parts.username is None and parts.password is None and "@" not in parts.netloc
    host = parts.hostname or ""
    assert host.isascii() and policy_api.link_host_allowed(host)
    assert parts.port in (None, 80, 443)
    assert not any(ord(ch) < 33 or ord(ch) == 127 for ch in url) and "\\" not in url


PREFIXES = ["https://", "http://", "https://acme.com", "http://www.acme.com", "//", "javascript:", "https://acme.com@"]
SUFFIXES = ["", "/", ".evil.example", "@evil.example", ":8080", "\\evil", "#x", "?a=b"]


@FUZZ
@given(url=st.text())
@example(url="https://acme.com/")
def test_fuzz_every_accepted_text_is_a_safe_url(allowed, url):
    if target_url_problem(url) == "":
        _assert_safe(url)


@FUZZ
@given(prefix=st.sampled_from(PREFIXES), middle=st.text(max_size=30), suffix=st.sampled_from(SUFFIXES))
def test_fuzz_every_accepted_url_like_text_is_a_safe_url(allowed, prefix, middle, suffix):
    url = prefix + middle + suffix
    if target_url_problem(url) == "":
        _assert_safe(url)
        # and its redirect target, with our parameters, is as safe
        _assert_safe(utm_url(url, network="linkedin", campaign="c"))


# --- TESTPLAN 22: UTM building --------------------------------------------------------------

OURS = ("utm_source", "utm_medium", "utm_campaign", "utm_content")
keys = st.one_of(st.sampled_from([*OURS, "ref", "q", "a&b", "x=y", "%26"]), st.text(max_size=8))
pairs = st.lists(st.tuples(keys, st.text(max_size=12)), max_size=6)


@settings(max_examples=300, deadline=None)
@given(
    network=st.text(max_size=20),
    campaign=st.text(max_size=40),
    existing=pairs,
    fragment=st.text(max_size=20),
)
@example(network="linked&in", campaign="a#b\r\nSet-Cookie: x=1", existing=[("utm_source", "old")], fragment="top")
@example(network="x", campaign="%26utm_source=evil", existing=[("utm_medium", "email")], fragment="")
def test_utm_round_trip(network, campaign, existing, fragment):
    target = "https://acme.com/path"
    if existing:
        target += "?" + urlencode(existing)
    if fragment:
        target += "#" + quote(fragment, safe="")

    out = utm_url(target, network=network, campaign=campaign)

    # then the query parses to the page's own parameters (minus those we set) plus ours
    ours = {"utm_source": network, "utm_medium": "social", "utm_campaign": campaign, "utm_content": "employee_advocacy"}
    ours = {key: value for key, value in ours.items() if value}
    expected: dict[str, list[str]] = {}
    for key, value in [
        *[(k, v) for k, v in parse_qsl(urlsplit(target).query, keep_blank_values=True) if k not in ours]
    ]:
        expected.setdefault(key, []).append(value)
    for key, value in ours.items():
        expected.setdefault(key, []).append(value)
    parts = urlsplit(out)
    assert parse_qs(parts.query, keep_blank_values=True) == expected
    # the address itself and the fragment are untouched, the fragment last; no CR/LF anywhere
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "acme.com", "/path")
    assert parts.fragment == urlsplit(target).fragment
    assert "\r" not in out and "\n" not in out


def test_a_campaign_with_control_characters_cannot_inject_a_header(allowed, site):
    # given a link whose campaign slug was written straight to the database with CR/LF
    link = TrackedLinkFactory(
        share=ShareFactory(), target_url="https://acme.com/a", campaign_slug="x\r\nSet-Cookie: stolen=1"
    )

    response = Client(headers={"user-agent": "Mozilla/5.0 Firefox/133.0"}).get(f"/s/{link.code}")

    assert response.status_code == 302
    assert "\r" not in response["Location"] and "\n" not in response["Location"]
    assert parse_qs(urlsplit(response["Location"]).query)["utm_campaign"] == ["x\r\nSet-Cookie: stolen=1"]
    assert "stolen" not in response.cookies


# --- TESTPLAN 24: codes ---------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10))
def test_link_codes_carry_at_least_64_random_bits(_):
    code = new_link_code()
    raw = base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))

    assert len(raw) * 8 == LINK_CODE_BYTES * 8 >= 64
    assert len(code) == 12 and code_well_formed(code)


def test_link_codes_do_not_repeat_and_use_the_whole_alphabet():
    codes = [new_link_code() for _ in range(20000)]

    assert len(set(codes)) == 20000
    # every one of the 64 URL-safe characters shows up in every position (no fixed prefix)
    for position in range(11):  # the 12th character carries only 4 random bits of the 72
        assert len({code[position] for code in codes}) == 64


def test_tracked_links_get_a_random_code_by_default(db):
    first, second = TrackedLinkFactory(), TrackedLinkFactory()

    assert first.code != second.code
    assert code_well_formed(first.code) and code_well_formed(second.code)
    assert TrackedLink._meta.get_field("code").default is new_link_code
