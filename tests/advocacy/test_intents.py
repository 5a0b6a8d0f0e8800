"""The networks' intent URLs: every parameter encoded exactly once (TESTPLAN 23), the rules of
each network, and the length as the network counts it."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from advocacy_share.intents import counted_length, intent_url
from tests.factories.policy import LengthRuleFactory

TRACKED = "http://testserver/s/Ab-_9xYz0123"
texts = st.text(min_size=1, max_size=400).filter(lambda t: t.strip() != "")
# Tracked links as short_url builds them: a base and a URL-safe code, possibly odd.
codes = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=16)


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True, strict_parsing=True)


@given(text=texts, code=codes)
def test_the_x_intent_decodes_to_exactly_the_text_and_the_tracked_link(text, code):
    # given
    tracked = f"http://testserver/s/{code}?a=1&b=%26"
    # when
    url = intent_url("x", text=text, url=tracked)
    # then
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "x.com", "/intent/tweet")
    assert _query(url) == {"text": [text], "url": [tracked]}


@given(code=codes, network=st.sampled_from(["linkedin", "facebook"]))
def test_linkedin_and_facebook_take_only_the_link(code, network):
    # given
    tracked = f"http://testserver/s/{code}"
    # when
    url = intent_url(network, text="ignored & not sent", url=tracked)
    # then only the link travels, decoded to exactly ours
    expected = {
        "linkedin": ("www.linkedin.com", "/sharing/share-offsite/", "url"),
        "facebook": ("www.facebook.com", "/sharer/sharer.php", "u"),
    }[network]
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", *expected[:2])
    assert _query(url) == {expected[2]: [tracked]}


def test_special_characters_are_encoded_once():
    # given a text with the characters that split or double-encode parameters
    text = "R&D #launch 100% + café\nline two ?x=1"
    # when
    url = intent_url("x", text=text, url=TRACKED)
    # then
    assert url == (
        "https://x.com/intent/tweet?text=R%26D%20%23launch%20100%25%20%2B%20caf%C3%A9%0Aline%20two%20%3Fx%3D1"
        "&url=http%3A%2F%2Ftestserver%2Fs%2FAb-_9xYz0123"
    )


def test_without_a_link_each_network_opens_its_composer_or_home():
    # when / then
    assert intent_url("x", text="Hello world") == "https://x.com/intent/tweet?text=Hello%20world"
    assert intent_url("linkedin", text="Hello") == "https://www.linkedin.com/feed/"
    assert intent_url("facebook", text="Hello") == "https://www.facebook.com/"


def test_an_unknown_network_has_no_intent():
    with pytest.raises(ValueError, match="instagram"):
        intent_url("instagram", text="Hello", url=TRACKED)


class _Hrefs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs)["href"])


@given(text=texts)
def test_in_an_href_the_intent_is_html_escaped_once_and_reads_back_exactly(text):
    # given the intent as a template puts it in a link (autoescaped, like shares_done.html)
    url = intent_url("x", text=text, url=TRACKED)
    html = Template('<a href="{{ url }}" target="_blank" rel="noopener">X</a>').render(Context({"url": url}))
    # when a browser reads the attribute
    parser = _Hrefs()
    parser.feed(html)
    # then "&" is written "&amp;" in the HTML, and the attribute is exactly the intent URL
    assert "&amp;url=" in html
    assert parser.hrefs == [url]


def test_x_counts_every_link_as_23_characters(db):
    # given a text with a long link, and the tracked link X adds after the text
    text = "Read this https://acme.com/a/very/long/path/that/goes/on/and/on/and/on"
    # when
    in_text = counted_length("x", text)
    with_added = counted_length("x", "Read this", TRACKED)
    # then
    assert in_text == {"count": len("Read this ") + 23, "max": 280, "link_length": 23}
    assert with_added == {"count": len("Read this") + 1 + 23, "max": 280, "link_length": 23}


def test_linkedin_counts_characters_as_they_are(db):
    assert counted_length("linkedin", "Hello https://acme.com/x", TRACKED) == {
        "count": 24,
        "max": 3000,
        "link_length": None,
    }


def test_the_policys_length_rule_is_what_the_counter_counts_against(db):
    # given HR's rules: X at 200 with links as 25, LinkedIn at 1,300 with links as they are
    LengthRuleFactory(network="x", max_length=200, link_length=25)
    LengthRuleFactory(network="linkedin", max_length=1300, link_length=None)
    # when
    x = counted_length("x", "Read this", TRACKED)
    linkedin = counted_length("linkedin", "Hello https://acme.com/x", TRACKED)
    facebook = counted_length("facebook", "Hello")
    # then the policy's limits apply; a network without a rule keeps its own
    assert x == {"count": len("Read this") + 1 + 25, "max": 200, "link_length": 25}
    assert linkedin == {"count": 24, "max": 1300, "link_length": None}
    assert facebook == {"count": 5, "max": 63206, "link_length": None}
