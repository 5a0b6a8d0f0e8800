"""The composer: the suggested texts in the reader's language, sharing (one share and one
tracked link per network, the intent links), the server-side refusals (blocking findings,
personal touch, daily limit, pause) with nothing recorded, near-duplicate warnings, own posts."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from advocacy_share.links import short_url
from advocacy_share.models import Share, TrackedLink
from advocacy_share.services.shares import (
    near_duplicate_colleagues,
    normalised_text,
    own_characters,
    text_fingerprint,
)
from advocacy_share.signals import share_recorded
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

TEXTS = {
    ("linkedin", "fr"): "Notre nouvelle usine ouvre ses portes.",
    ("linkedin", "en"): "Our new plant opens its doors.",
    ("x", "fr"): "Nouvelle usine !",
}


@pytest.fixture
def recorded():
    """``share_recorded`` as sent: (share_id, user_id) per share."""
    received = []

    def receiver(sender, **kwargs):
        received.append((kwargs["share_id"], kwargs["user_id"]))

    share_recorded.connect(receiver, weak=False)
    yield received
    share_recorded.disconnect(receiver)


def _post(client, path, networks, texts, **extra):
    data = {"networks": networks, "when": "now", **{f"text_{n}": t for n, t in texts.items()}, **extra}
    return client.post(path, data)


def _intent_hrefs(response) -> dict[str, str]:
    """The intent links of the "post it now" page, as a browser reads the attribute."""
    page = response.content.decode()
    hrefs = re.findall(r'<a class="button" href="([^"]+)" target="_blank" rel="noopener"', page)
    return {urlsplit(html.unescape(h)).netloc: html.unescape(h) for h in hrefs}


# --- the composer page ---------------------------------------------------------------------------


def test_the_composer_offers_the_suggested_texts_in_the_readers_language(site):
    # given an English reader and an item with an English LinkedIn text, a French-only X text
    user = certified(preferred_language="en")
    content = library_item(texts=TEXTS)
    # when
    response = client_for(user).get(f"/advocacy/compose/{content.pk}/")
    # then English first, the other language next, the title last; the networks offered
    assert response.status_code == 200
    form = response.context["form"]
    assert form["text_linkedin"].value() == "Our new plant opens its doors."
    assert form["text_x"].value() == "Nouvelle usine !"
    assert form["text_facebook"].value() == "Our new plant"
    assert [n["code"] for n in response.context["networks"]] == ["linkedin", "x", "facebook"]
    assert [n["code"] for n in response.context["networks"] if n["chosen"]] == ["linkedin", "x"]
    page = response.content.decode()
    assert '<script src="/static/js/composer.js" defer></script>' in page
    assert "onclick" not in page and "<script>" not in page


def test_an_item_not_published_is_not_found(site):
    # given
    user = certified()
    content = library_item(status="suggested")
    # when / then
    assert client_for(user).get(f"/advocacy/compose/{content.pk}/").status_code == 404


def test_a_locked_employee_meets_the_gate(site):
    # given an employee without a certificate
    user = UserFactory()
    # when
    response = client_for(user).get("/advocacy/compose/")
    # then
    assert response.status_code == 403
    assert b"Sharing is locked" in response.content


# --- sharing a library item -------------------------------------------------------------------


def test_sharing_records_one_share_and_one_tracked_link_per_network(site, recorded):
    # given
    allow_domains()
    user = certified(preferred_language="en")
    content = library_item(texts=TEXTS)
    client = client_for(user)
    texts = {"linkedin": "Proud of our team: our new plant opens.", "x": "Our plant opens! R&D #proud 100%"}
    # when
    response = _post(client, f"/advocacy/compose/{content.pk}/", ["linkedin", "x"], texts)
    # then
    shares = list(Share.objects.order_by("pk"))
    assert [(s.network, s.text, s.status, s.content_id, s.language) for s in shares] == [
        ("linkedin", texts["linkedin"], "shared", content.pk, "en"),
        ("x", texts["x"], "shared", content.pk, "en"),
    ]
    links = {link.network: link for link in TrackedLink.objects.all()}
    assert {n: (lk.share_id, lk.target_url, lk.campaign_slug) for n, lk in links.items()} == {
        "linkedin": (shares[0].pk, "https://acme.com/news/launch", "launch"),
        "x": (shares[1].pk, "https://acme.com/news/launch", "launch"),
    }
    assert shares[1].text_fingerprint == text_fingerprint(texts["x"])
    assert recorded == [(shares[0].pk, user.pk), (shares[1].pk, user.pk)]
    assert response.status_code == 302
    assert response["Location"] == f"/advocacy/shares/{shares[0].pk},{shares[1].pk}/"
    # and the page that follows gives each network's intent link carrying its own tracked link
    page = client.get(response["Location"])
    hrefs = _intent_hrefs(page)
    x_query = parse_qs(urlsplit(hrefs["x.com"]).query)
    assert x_query == {"text": [texts["x"]], "url": [short_url(links["x"].code)]}
    linkedin_query = parse_qs(urlsplit(hrefs["www.linkedin.com"]).query)
    assert linkedin_query == {"url": [short_url(links["linkedin"].code)]}
    assert "your text is copied when you press the button" in page.content.decode()


def test_a_blocking_finding_records_nothing_and_shows_the_findings(site, recorded):
    # given
    BlockedPhraseRuleFactory(phrases="Project Falcon", message_en="This project name is confidential.")
    user = certified(preferred_language="en")
    content = library_item(texts=TEXTS)
    # when
    response = _post(
        client_for(user), f"/advocacy/compose/{content.pk}/", ["linkedin"], {"linkedin": "Project Falcon ships!"}
    )
    # then
    assert response.status_code == 400
    assert "This project name is confidential." in response.content.decode()
    assert (Share.objects.count(), TrackedLink.objects.count(), recorded) == (0, 0, [])


def test_the_daily_limit_refuses_with_409_and_records_nothing(site, recorded):
    # given a limit of 3 and 2 shares already today
    programme(daily_share_limit=3)
    user = certified(preferred_language="en")
    content = library_item(texts=TEXTS)
    for network in ("linkedin", "x"):
        Share.objects.create(user=user, content=content, network=network, text="t", created_at=timezone.now())
    yesterday = timezone.localtime().replace(hour=12) - timedelta(days=1)
    Share.objects.create(user=user, content=content, network="facebook", text="old", created_at=yesterday)
    # when two more are asked for
    response = _post(
        client_for(user), f"/advocacy/compose/{content.pk}/", ["linkedin", "x"], {"linkedin": "A", "x": "B"}
    )
    # then
    assert response.status_code == 409
    assert "You may share 3 posts a day and have 1 left today." in response.content.decode()
    assert (Share.objects.count(), TrackedLink.objects.count(), recorded) == (3, 0, [])


def test_the_daily_limit_answers_the_error_contract_to_json_clients(site):
    # given
    programme(daily_share_limit=1)
    user = certified(preferred_language="en")
    content = library_item(texts=TEXTS)
    # when
    response = client_for(user).post(
        f"/advocacy/compose/{content.pk}/",
        {"networks": ["linkedin", "x"], "when": "now", "text_linkedin": "A", "text_x": "B"},
        HTTP_ACCEPT="application/json",
    )
    # then
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "daily_limit"
    assert Share.objects.count() == 0


def test_while_sharing_is_paused_nothing_is_recorded(site, recorded):
    # given
    programme(paused=True, pause_message="Crisis.")
    user = certified()
    content = library_item(texts=TEXTS)
    client = client_for(user)
    # when
    page = client.get(f"/advocacy/compose/{content.pk}/")
    response = _post(client, f"/advocacy/compose/{content.pk}/", ["linkedin"], {"linkedin": "Hello"})
    # then the page stays readable, the share is refused
    assert page.status_code == 200
    assert response.status_code == 403
    assert (Share.objects.count(), recorded) == (0, [])


def test_the_personal_touch_is_required_when_the_programme_asks(site):
    # given a minimum of 20 own characters
    programme(min_own_characters=20)
    user = certified(preferred_language="en")
    content = library_item(texts=TEXTS)
    client = client_for(user)
    suggested = "Our new plant opens its doors."
    # when the suggested text is sent unchanged, then with a sentence of one's own
    refused = _post(client, f"/advocacy/compose/{content.pk}/", ["linkedin"], {"linkedin": suggested})
    accepted = _post(
        client,
        f"/advocacy/compose/{content.pk}/",
        ["linkedin"],
        {"linkedin": suggested + " I worked on it for a year!"},
    )
    # then
    assert refused.status_code == 400
    assert "write at least 20 characters of your own (20 more characters)" in refused.content.decode()
    assert accepted.status_code == 302
    assert Share.objects.get().text == suggested + " I worked on it for a year!"


def test_own_characters_counts_added_and_changed_characters_only():
    suggested = "Our new plant opens."
    assert own_characters(suggested, suggested) == 0
    assert own_characters(suggested, suggested + " Great!") == 7
    assert own_characters(suggested, "Our plant opens.") == 0  # cutting is not a personal touch
    # "factory" for "plant": 7 letters typed, of which "a" and "t" line up with the suggestion's
    assert own_characters(suggested, "Our new factory opens.") == 5
    assert own_characters("", "Anything") == 8


def test_the_fingerprint_ignores_links_case_and_spacing():
    assert normalised_text("Read  THIS\n https://x.example/s/abc now") == "read this now"
    assert text_fingerprint("Read this https://a.example/1") == text_fingerprint("read   this http://b.example/2")
    assert text_fingerprint("Read this") != text_fingerprint("Read that")


def test_a_text_many_colleagues_shared_gets_a_gentle_warning_not_a_refusal(site):
    # given three colleagues who shared nearly the suggested text (one exactly, two close)
    user = certified(preferred_language="en")
    content = library_item(texts=TEXTS)
    suggested = "Our new plant opens its doors."
    for text in (suggested, suggested + "!", "our new plant opens its doors"):
        Share.objects.create(
            user=UserFactory(), content=content, network="linkedin", text=text, text_fingerprint=text_fingerprint(text)
        )
    client = client_for(user)
    # when the employee opens the composer and shares it as it is
    page = client.get(f"/advocacy/compose/{content.pk}/")
    response = _post(client, f"/advocacy/compose/{content.pk}/", ["linkedin"], {"linkedin": suggested})
    # then they are warned on the way, and the share is recorded
    warning = "3 colleagues already shared a nearly identical text."
    assert warning in page.content.decode()
    assert response.status_code == 302
    assert warning in client.get(response["Location"]).content.decode()
    assert Share.objects.filter(user=user).count() == 1


def test_two_colleagues_are_not_yet_many(db):
    # given
    content = library_item(texts=TEXTS)
    for _ in range(2):
        Share.objects.create(user=UserFactory(), content=content, network="x", text="Same text")
    # when / then
    assert near_duplicate_colleagues(content_id=content.pk, user_id=0, text="Same text") == 2


# --- own posts ----------------------------------------------------------------------------------


def test_an_own_post_linking_to_an_allowed_domain_gets_a_tracked_link(site, recorded):
    # given
    allow_domains()
    user = certified(preferred_language="en")
    client = client_for(user)
    # when
    response = _post(
        client,
        "/advocacy/compose/",
        ["x", "facebook"],
        {"x": "Our team at the fair", "facebook": "Come and see us"},
        own_url="https://www.acme.com/fair?day=2",
    )
    # then
    shares = list(Share.objects.order_by("pk"))
    assert [(s.network, s.content_id, s.own_url) for s in shares] == [
        ("x", None, "https://www.acme.com/fair?day=2"),
        ("facebook", None, "https://www.acme.com/fair?day=2"),
    ]
    links = list(TrackedLink.objects.order_by("share_id").values_list("target_url", "campaign_slug"))
    assert links == [("https://www.acme.com/fair?day=2", ""), ("https://www.acme.com/fair?day=2", "")]
    assert len(recorded) == 2
    hrefs = _intent_hrefs(client.get(response["Location"]))
    facebook = parse_qs(urlsplit(hrefs["www.facebook.com"]).query)
    assert facebook == {"u": [short_url(shares[1].link.code)]}


def test_an_own_post_linking_elsewhere_keeps_the_link_untracked_with_the_checkers_finding(site):
    # given links outside acme.com are a warning of the policy
    allow_domains(severity="warn", message_en="Links must stay on acme.com.")
    user = certified(preferred_language="en")
    client = client_for(user)
    # when
    response = _post(
        client, "/advocacy/compose/", ["x"], {"x": "A good read"}, own_url="https://elsewhere.example/article"
    )
    # then recorded, the link kept as typed and not tracked
    share = Share.objects.get()
    assert (share.own_url, TrackedLink.objects.count()) == ("https://elsewhere.example/article", 0)
    x_query = parse_qs(urlsplit(_intent_hrefs(client.get(response["Location"]))["x.com"]).query)
    assert x_query == {"text": ["A good read"], "url": ["https://elsewhere.example/article"]}


def test_an_own_post_linking_elsewhere_is_refused_when_the_policy_blocks_it(site):
    # given links outside acme.com are blocking
    allow_domains(severity="block", message_en="Links must stay on acme.com.")
    user = certified(preferred_language="en")
    # when
    response = _post(
        client_for(user), "/advocacy/compose/", ["x"], {"x": "A good read"}, own_url="https://elsewhere.example/a"
    )
    # then
    assert response.status_code == 400
    assert "Links must stay on acme.com." in response.content.decode()
    assert Share.objects.count() == 0


def test_an_own_post_needs_a_text_for_every_chosen_network(site):
    # given
    user = certified(preferred_language="en")
    # when
    response = _post(client_for(user), "/advocacy/compose/", ["x", "linkedin"], {"x": "Hello", "linkedin": " "})
    # then
    assert response.status_code == 400
    assert "Write the text of this post." in response.content.decode()
    assert Share.objects.count() == 0


def test_the_disclosure_is_offered_to_the_script(site):
    # given a disclosure rule for advocacy posts
    DisclosureRuleFactory(required_text="#AcmeEmployee", on_advocacy=True)
    user = certified(preferred_language="en")
    # when
    response = client_for(user).get("/advocacy/compose/")
    # then
    assert 'data-disclosure="#AcmeEmployee"' in response.content.decode()


def test_someone_elses_shares_are_not_shown(site):
    # given
    user, other = certified(), certified()
    share = Share.objects.create(user=other, network="x", text="Mine")
    # when / then
    assert client_for(user).get(f"/advocacy/shares/{share.pk}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_concurrent_shares_never_pass_the_daily_limit(site, run_concurrently):
    # given a limit of one share a day
    from advocacy_share.services.shares import Draft, ShareError, shares_record

    programme(daily_share_limit=1)
    user = certified(preferred_language="en")
    content = library_item(texts=TEXTS)

    def share(i):
        return shares_record(user=user, drafts=[Draft("x", f"Text {i}")], content_id=content.pk, language="en")

    # when four requests share at the same moment
    outcomes = run_concurrently(4, share)
    # then exactly one is recorded, the others refused with daily_limit
    refused = [o for o in outcomes if isinstance(o, ShareError)]
    assert len(refused) == 3, outcomes
    assert {e.code for e in refused} == {"daily_limit"}
    assert Share.objects.filter(user=user).count() == 1
