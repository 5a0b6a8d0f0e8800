"""What the composer renders around each draft before any script runs: the character counter as
the network counts it, the disclosure fix's real label, the preview of the post with its link
and the shared page's card. The live update is the browser test's
(``tests/browser/test_composer_live.py``)."""

from __future__ import annotations

import re

from advocacy_share.drafts import counter_message, draft_view, preview_link
from advocacy_share.intents import counted_length
from tests.advocacy.compose_fixtures import (  # noqa: F401 - autouse fixture
    _fresh_caches,
    allow_domains,
    certified,
    client_for,
    library_item,
    programme,
)
from tests.factories.policy import DisclosureRuleFactory

URL = "https://acme.com/news/launch"


def _section(page: str, network: str) -> str:
    """The HTML of one network's draft section."""
    match = re.search(rf'<section class="composer__draft" data-draft="{network}".*?</section>', page, re.S)
    assert match is not None
    return match.group(0)


def _counter(section: str) -> str:
    match = re.search(r"<span [^>]*data-counter=[^>]*>([^<]*)</span>", section)
    assert match is not None
    return match.group(1)


def test_the_counters_are_rendered_by_the_server_as_each_network_counts(site):
    # given an English reader, an item with a 15-character X text and a LinkedIn text
    programme(min_own_characters=0)
    allow_domains()
    user = certified(preferred_language="en")
    content = library_item(texts={("x", "en"): "Our plant opens", ("linkedin", "en"): "Our plant opens its doors"})
    # when
    page = client_for(user).get(f"/advocacy/compose/{content.pk}/").content.decode()
    # then X counts the link it adds as 23 after a space (15 + 1 + 23); LinkedIn shows the link
    # as a card and counts the text only
    assert _counter(_section(page, "x")) == "39 / 280 characters"
    assert _counter(_section(page, "linkedin")) == "25 / 3000 characters"
    assert _counter(_section(page, "facebook")) == "13 / 63206 characters"  # no text: the title
    # and the script is given the same rule
    assert 'data-max="280" data-link-length="23"' in _section(page, "x")
    assert 'data-max="3000" data-link-length=""' in _section(page, "linkedin")


def test_the_counter_shows_the_personal_touch_still_missing(site):
    # given a minimum of 20 own characters and the suggested text untouched
    programme(min_own_characters=20)
    user = certified(preferred_language="en")
    content = library_item(texts={("x", "en"): "Our plant opens"})
    # when
    page = client_for(user).get(f"/advocacy/compose/{content.pk}/").content.decode()
    # then
    assert _counter(_section(page, "x")) == "39 / 280 characters · 20 more characters of your own"


def test_a_text_over_the_limit_is_marked_before_any_script(site):
    # given an own post of 300 characters for X, sent back by the server (no network chosen)
    user = certified(preferred_language="en")
    # when
    response = client_for(user).post("/advocacy/compose/", {"when": "now", "text_x": "a" * 300})
    # then
    assert response.status_code == 400
    section = _section(response.content.decode(), "x")
    assert _counter(section) == "300 / 280 characters"
    assert "composer__counter composer__counter--over" not in section  # class order: muted small first
    assert "composer__counter muted small composer__counter--over" in section


def test_the_counters_are_in_french_for_a_french_reader(site):
    # given
    programme(min_own_characters=3)
    user = certified(preferred_language="fr")
    content = library_item(texts={("x", "fr"): "Notre usine"})
    # when
    page = client_for(user).get(f"/advocacy/compose/{content.pk}/").content.decode()
    # then
    assert _counter(_section(page, "x")) == "35 / 280 caractères · encore 3 caractères de votre main"


def test_the_disclosure_fix_has_its_real_label_before_any_script(site):
    # given a disclosure rule and an item whose X text lacks it, its LinkedIn text carries it
    DisclosureRuleFactory(required_text="#AcmeEmployee", on_advocacy=True, trigger_phrases="")
    user = certified(preferred_language="en")
    content = library_item(texts={("x", "en"): "Our plant opens", ("linkedin", "en"): "Our plant opens #AcmeEmployee"})
    # when
    page = client_for(user).get(f"/advocacy/compose/{content.pk}/").content.decode()
    # then the X fix is shown with its label; the LinkedIn one keeps its label, hidden
    x, linkedin = _section(page, "x"), _section(page, "linkedin")
    assert '<p class="composer__fix" data-fix="x">' in x
    assert 'data-disclosure-text="#AcmeEmployee">Add “#AcmeEmployee”</button>' in x
    assert '<p class="composer__fix" data-fix="linkedin" hidden>' in linkedin
    assert 'data-disclosure-text="#AcmeEmployee">Add “#AcmeEmployee”</button>' in linkedin
    assert "Add “”" not in page


def test_without_a_disclosure_rule_no_fix_is_offered(site):
    # given no disclosure rule
    user = certified(preferred_language="en")
    # when
    page = client_for(user).get("/advocacy/compose/").content.decode()
    # then
    assert page.count('data-disclosure-text=""></button>') == 3
    assert ">Add “" not in page


def test_the_preview_shows_the_text_with_the_tracked_link_and_the_items_card(site):
    # given an allowed domain and an item with a summary
    allow_domains()
    user = certified(preferred_language="en")
    content = library_item(
        texts={("x", "en"): "Our plant opens", ("linkedin", "en"): "Our plant opens its doors"},
        summary="A new plant in Lyon.",
    )
    # when
    page = client_for(user).get(f"/advocacy/compose/{content.pk}/").content.decode()
    # then X shows the tracked link after the text (its code is made when shared)
    x = _section(page, "x")
    assert '<figcaption class="muted small">Preview on X</figcaption>' in x
    assert "<span data-preview-text>Our plant opens</span><span data-preview-inline> " in x
    assert '<span class="composer__preview-link" data-preview-link>http://testserver/s/…</span>' in x
    # and LinkedIn the text, then the card of the page: host, title, summary
    linkedin = _section(page, "linkedin")
    assert "<span data-preview-text>Our plant opens its doors</span></p>" in linkedin
    assert '<span class="muted small" data-preview-host>acme.com</span>' in linkedin
    assert '<strong class="composer__preview-title" lang="fr">Our new plant</strong>' in linkedin
    assert '<span class="muted small" lang="fr">A new plant in Lyon.</span>' in linkedin


def test_an_own_post_without_a_link_has_no_card(site):
    # given
    user = certified(preferred_language="en")
    # when
    page = client_for(user).get("/advocacy/compose/").content.decode()
    # then
    assert page.count("data-preview-card hidden>") == 3
    assert "<span data-preview-inline hidden> " in _section(page, "x")


def test_an_own_link_outside_the_allowed_domains_is_previewed_as_typed(site):
    # given an allowed domain and a post linking elsewhere, sent back for a missing network
    allow_domains()
    user = certified(preferred_language="en")
    data = {"when": "now", "text_x": "Look", "own_url": "https://example.org/a"}
    # when
    page = client_for(user).post("/advocacy/compose/", data).content.decode()
    # then
    x = _section(page, "x")
    assert "data-preview-link>https://example.org/a</span>" in x
    assert '<span class="muted small" data-preview-host>example.org</span>' in x


def test_the_live_check_gives_the_link_the_preview_shows(site):
    # given
    allow_domains()
    client = client_for(certified(preferred_language="en"))
    # when
    tracked = client.post("/advocacy/check/", {"text": "Hi", "network": "x", "url": URL}).json()
    untracked = client.post("/advocacy/check/", {"text": "Hi", "network": "x", "url": "https://example.org"}).json()
    nothing = client.post("/advocacy/check/", {"text": "Hi", "network": "x", "url": ""}).json()
    # then
    assert tracked["link"] == "http://testserver/s/…"
    assert untracked["link"] == "https://example.org"
    assert nothing["link"] == ""


def test_draft_view_counts_links_in_the_text_as_x_does(db):
    # given a text that carries the link itself and another link
    text = f"Read {URL} and https://acme.com/b"
    # when
    view = draft_view(network="x", text=text, url=URL, disclosure="")
    # then each link counts 23 and the link is not added again
    assert view.count == len("Read ") + 23 + len(" and ") + 23 == counted_length("x", text, URL)["count"]
    assert view.link_inline is False


def test_counter_message_without_a_limit_and_in_the_plural(db):
    assert counter_message(1, None) == "1 character"
    assert counter_message(2, None, own_missing=1) == "2 characters · 1 more character of your own"
    assert preview_link("  ") == ""
