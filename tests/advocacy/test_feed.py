"""The feed at /advocacy/ (issue item 3): the items on show, the reader's language first, then
featured, then newest; filters by campaign, tag, network and a search, kept across pages; what
the employee already shared of each item and its qualified clicks; due reminders; the mix
nudge; the empty states; the navigation link for users the gate lets in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from advocacy_share.models import (
    Campaign,
    Share,
    ShareableContent,
    SuggestedText,
    TrackedLink,
    Visit,
)
from advocacy_share.selectors import feed as selectors
from advocacy_share.selectors.feed import FeedFilters
from certification.models import Certificate
from certification.services import certificate_revoke
from tests.factories.certification import CertificateFactory, CertificationProgramFactory
from tests.factories.people import UserFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


# --- local builders (the advocacy factories belong to another module) ---------------------


def certify(user):
    program = CertificationProgramFactory(unlocks_advocacy=True, requires_policy_acknowledgement=False)
    CertificateFactory(program=program, user=user)
    return user


def item(title: str, *, tags=(), texts=(), **fields) -> ShareableContent:
    """A published library item; ``texts``: networks with a suggested text."""
    fields.setdefault("url", f"https://example.com/{title.lower().replace(' ', '-')}")
    fields.setdefault("language", "en")
    content = ShareableContent.objects.create(title=title, **fields)
    if tags:
        content.tags.add(*tags)
        content.save()  # a cluster's tags are written when the item is saved
    for network in texts:
        SuggestedText.objects.create(content=content, network=network, language=content.language, text=f"{title}!")
    return content


def share(user, content, network="linkedin", status=Share.Status.SHARED, **fields) -> Share:
    return Share.objects.create(user=user, content=content, network=network, text="My take", status=status, **fields)


def visits(shared: Share, *, qualified: int, unqualified: int = 0) -> None:
    link = TrackedLink.objects.create(share=shared, target_url=shared.content.url, network=shared.network)
    Visit.objects.bulk_create(
        [Visit(link=link, qualified=True) for _ in range(qualified)]
        + [Visit(link=link, is_bot=True) for _ in range(unqualified)]
    )


def titles(items) -> list[str]:
    return [content.title for content in items]


def card_titles(response) -> list[str]:
    return re.findall(r'<h2 class="card__title">\s*<a [^>]*>([^<]*)</a>', response.content.decode())


@pytest.fixture
def advocate(employee):
    return certify(employee)


# --- selection and order -------------------------------------------------------------------


def test_only_published_items_inside_their_window_are_on_show(db):
    # given items of every status and window, around a fixed now
    now = timezone.now()
    hour = timedelta(hours=1)
    item("Open")
    item("Window", publish_from=now, publish_until=now + hour)
    item("Not yet", publish_from=now + hour)
    item("Over", publish_until=now)
    item("Suggestion", status=ShareableContent.Status.SUGGESTED)
    item("Rejected", status=ShareableContent.Status.REJECTED)
    # when
    shown = selectors.feed_items(language="en", filters=FeedFilters(), now=now)
    # then the window is from ≤ now < until
    assert sorted(titles(shown)) == ["Open", "Window"]


def test_the_readers_language_comes_first_then_featured_then_newest(db):
    # given items in both languages, some featured, created on different days
    now = timezone.now()
    item("fr featured", language="fr", featured=True, created_at=now)
    item("en old", created_at=now - timedelta(days=3))
    item("en new", created_at=now - timedelta(days=1))
    item("en featured old", featured=True, created_at=now - timedelta(days=9))
    item("fr new", language="fr", created_at=now)
    # when an English reader, then a French one, asks
    english = titles(selectors.feed_items(language="en", filters=FeedFilters()))
    french = titles(selectors.feed_items(language="fr", filters=FeedFilters()))
    # then
    assert english == ["en featured old", "en new", "en old", "fr featured", "fr new"]
    assert french == ["fr featured", "fr new", "en featured old", "en new", "en old"]


def test_filters_by_campaign_tag_network_and_search_combine(db):
    # given items across two campaigns, tags and networks
    green, hiring = (
        Campaign.objects.create(name="Green", slug="green"),
        Campaign.objects.create(name="Hiring", slug="hiring"),
    )
    item("Solar roofs", campaign=green, tags=["energy"], texts=["linkedin"], summary="Panels on every plant.")
    item("Wind farms", campaign=green, tags=["energy"], texts=["x"])
    item("Recycling", campaign=green, tags=["waste"], texts=["linkedin"], url="https://news.example.org/circular")
    item("Join us", campaign=hiring, tags=["energy"], texts=["linkedin", "x"])

    def shown(**filters) -> list[str]:
        return sorted(titles(selectors.feed_items(language="en", filters=FeedFilters(**filters))))

    # when / then each filter alone, and combined
    assert shown(campaign="green") == ["Recycling", "Solar roofs", "Wind farms"]
    assert shown(tag="energy") == ["Join us", "Solar roofs", "Wind farms"]
    assert shown(network="linkedin") == ["Join us", "Recycling", "Solar roofs"]
    assert shown(q="PANELS") == ["Solar roofs"]  # summary, case-insensitive
    assert shown(q="circular") == ["Recycling"]  # address
    assert shown(q="wind") == ["Wind farms"]  # title
    assert shown(campaign="green", tag="energy", network="linkedin") == ["Solar roofs"]
    assert shown(campaign="nope") == []


def test_an_unknown_network_in_the_query_string_is_ignored():
    # when / then
    assert selectors.read_filters({"network": "myspace", "q": "  solar "}) == FeedFilters(q="solar")


# --- what the employee already shared ------------------------------------------------------


def test_each_item_says_where_the_employee_shared_it_and_its_qualified_clicks(db, employee, other_employee):
    # given shares of one item on two networks with qualified and bot visits, a scheduled and a
    # cancelled share, and a colleague's share
    solar, wind, quiet = item("Solar"), item("Wind"), item("Quiet")
    visits(share(employee, solar, "linkedin"), qualified=3, unqualified=2)
    visits(share(employee, solar, "x", status=Share.Status.REMINDED), qualified=1)
    share(employee, solar, "facebook", status=Share.Status.SCHEDULED)
    share(employee, wind, "facebook", status=Share.Status.CANCELLED)
    visits(share(other_employee, wind, "linkedin"), qualified=7)
    visits(share(employee, wind, "x"), qualified=0, unqualified=4)
    # when
    summaries = selectors.shared_summaries(user_id=employee.pk, content_ids=[solar.pk, wind.pk, quiet.pk])
    # then
    assert {pk: (s.networks, s.clicks) for pk, s in summaries.items()} == {
        solar.pk: (("linkedin", "x"), 4),
        wind.pk: (("x",), 0),
    }


def test_the_feed_page_shows_each_card_with_what_was_shared(advocate, employee_client):
    # given an item shared on LinkedIn with two qualified clicks, and an industry item
    campaign = Campaign.objects.create(name="Green week", slug="green")
    solar = item("Solar roofs", campaign=campaign, tags=["energy"], kind=ShareableContent.Kind.COMPANY)
    item("Market study", kind=ShareableContent.Kind.INDUSTRY)
    visits(share(advocate, solar, "linkedin"), qualified=2)
    # when
    response = employee_client.get("/advocacy/", **EN)
    # then
    assert response.status_code == 200
    html = " ".join(response.content.decode().split())
    assert card_titles(response) == ["Market study", "Solar roofs"]
    assert '<li class="meta__item">Green week</li>' in html
    assert '<li class="tag tag--small">energy</li>' in html
    assert 'advocacy-kind--company">Company</span>' in html
    assert 'advocacy-kind--industry">Industry</span>' in html
    assert 'You shared it on <span class="advocacy-network">LinkedIn</span> · 2 qualified clicks' in html
    assert f'href="/advocacy/compose/{solar.pk}/"' in html
    assert 'href="/advocacy/compose/"' in html
    assert 'href="/advocacy/suggest/"' in html


def test_filters_survive_pagination(advocate, employee_client):
    # given 25 items of one campaign and 3 of another
    green, other = Campaign.objects.create(name="Green", slug="green"), Campaign.objects.create(name="Other", slug="o")
    for n in range(25):
        item(f"Green {n:02d}", campaign=green, tags=["energy"])
    for n in range(3):
        item(f"Other {n}", campaign=other, tags=["energy"])
    # when the employee filters, then follows the next-page link
    first = employee_client.get("/advocacy/?campaign=green&tag=energy", **EN)
    next_link = re.search(r'<a class="pagination__link" href="([^"]+)" rel="next">', first.content.decode()).group(1)
    second = employee_client.get("/advocacy/" + next_link.replace("&amp;", "&"), **EN)
    # then both pages keep the filters: 20 then 5 items of the campaign
    assert next_link.replace("&amp;", "&") == "?campaign=green&tag=energy&page=2"
    assert len(card_titles(first)) == 20
    assert len(card_titles(second)) == 5
    assert all(title.startswith("Green") for title in card_titles(first) + card_titles(second))


# --- due reminders ------------------------------------------------------------------------


def test_due_reminders_list_pending_and_recently_sent_ones(db, employee, other_employee):
    # given scheduled shares in every state
    now = timezone.now()
    solar = item("Solar")
    pending = share(employee, solar, "x", Share.Status.SCHEDULED, scheduled_for=now + timedelta(hours=2))
    overdue = share(employee, solar, "linkedin", Share.Status.SCHEDULED, scheduled_for=now - timedelta(minutes=5))
    sent = share(
        employee, solar, "facebook", Share.Status.REMINDED,
        scheduled_for=now - timedelta(hours=3), reminded_at=now - timedelta(hours=3),
    )  # fmt: skip
    share(
        employee,
        solar,
        "x",
        Share.Status.REMINDED,
        scheduled_for=now - timedelta(days=2),
        reminded_at=now - timedelta(days=2),
    )
    share(employee, solar, "x", Share.Status.CANCELLED, scheduled_for=now + timedelta(hours=1))
    share(other_employee, solar, "x", Share.Status.SCHEDULED, scheduled_for=now + timedelta(hours=1))
    # when
    due = selectors.due_reminders(user_id=employee.pk, now=now)
    # then soonest first
    assert [s.pk for s in due] == [sent.pk, overdue.pk, pending.pk]


def test_the_feed_lists_due_reminders_with_a_link_to_the_composer(advocate, employee_client):
    # given one pending reminder
    solar = item("Solar roofs")
    share(advocate, solar, "x", Share.Status.SCHEDULED, scheduled_for=timezone.now() + timedelta(hours=1))
    # when
    html = employee_client.get("/advocacy/", **EN).content.decode()
    # then
    reminders = html[
        html.index('id="advocacy-reminders-title"') : html.index("</section>", html.index("advocacy-reminders-title"))
    ]
    assert "Due reminders" in html
    assert " X " in " ".join(reminders.split())
    assert f'href="/advocacy/compose/{solar.pk}/">Share now</a>' in reminders


# --- empty states and the gate --------------------------------------------------------------


def test_an_empty_library_gets_a_friendly_message(advocate, employee_client):
    # when
    html = employee_client.get("/advocacy/", **EN).content.decode()
    # then
    assert "No content to share yet" in html


def test_no_result_for_the_filters_offers_a_reset(advocate, employee_client):
    # given
    item("Solar roofs")
    # when
    html = employee_client.get("/advocacy/?q=nothing-like-this", **EN).content.decode()
    # then
    assert "Nothing matches these filters." in html
    assert '<a class="button" href="/advocacy/">Show all content</a>' in html


def test_an_employee_without_certificate_is_stopped_at_the_gate(employee_client):
    # when
    response = employee_client.get("/advocacy/", **EN)
    # then
    assert response.status_code == 403
    assert "Sharing is locked" in response.content.decode()


# --- the navigation -------------------------------------------------------------------------


NAV_LINK = '<li><a href="/advocacy/">Advocacy</a></li>'


def test_the_navigation_links_to_advocacy_for_users_the_gate_lets_in(advocate, employee_client, client, site):
    # given a certified employee, an uncertified one and an anonymous visitor
    locked = UserFactory()
    client.force_login(locked)
    cache.clear()
    # when each opens the catalogue
    allowed_html = employee_client.get("/courses/", **EN).content.decode()
    locked_html = client.get("/courses/", **EN).content.decode()
    client.logout()
    anonymous_html = client.get("/courses/", **EN).content.decode()
    # then only the certified employee sees the link
    assert NAV_LINK in allowed_html
    assert NAV_LINK not in locked_html
    assert NAV_LINK not in anonymous_html


def test_the_navigation_asks_the_gate_once_a_minute_per_user(advocate, employee_client):
    # given a first page that put the answer in the cache
    cache.clear()
    employee_client.get("/courses/", **EN)
    baseline = employee_client.get("/courses/", **EN)
    assert NAV_LINK in baseline.content.decode()
    # when the user's certificate is revoked, within the minute
    certificate_revoke(certificate=Certificate.objects.get(user=advocate), actor=None, reason="Leak.")
    # then the link stays until the cache expires, and the feed itself refuses at once
    assert NAV_LINK in employee_client.get("/courses/", **EN).content.decode()
    assert employee_client.get("/advocacy/", **EN).status_code == 403
    cache.clear()
    assert NAV_LINK not in employee_client.get("/courses/", **EN).content.decode()
