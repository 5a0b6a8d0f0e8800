"""The content library in the Wagtail admin: URL and window validation on save, the URL audit,
list filters and search, the moderation queue, the crisis-switch audit (TESTPLAN 21, save side)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from advocacy_share.models import Campaign, PauseLog, ShareableContent, SuggestedText
from tests.advocacy.library_helpers import allow_domains, content_form, manager
from tests.factories.people import UserFactory

ADD_URL = "wagtailsnippets_advocacy_share_shareablecontent:add"
EDIT_URL = "wagtailsnippets_advocacy_share_shareablecontent:edit"
LIST_URL = "wagtailsnippets_advocacy_share_shareablecontent:list"
QUEUE_URL = "wagtailsnippets_advocacy_share_shareablecontent:moderation"
MODERATE_URL = "wagtailsnippets_advocacy_share_shareablecontent:moderate"


@pytest.fixture
def manager_client(client, site):
    allow_domains()
    client.force_login(manager())
    return client


def content(**fields) -> ShareableContent:
    values = {"url": "https://acme.com/blog/a", "title": "An article"}
    values.update(fields)
    return ShareableContent.objects.create(**values)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "//evil.example/x",
        "http:\\\\evil.example",
        "https://acme.com@evil.example/",
        "https://acme.com.evil.example/",
        "http://169.254.169.254/latest/meta-data/",
        "https://аcme.com/",  # Cyrillic "а"
        "\x01https://acme.com/blog",
        "https://acme.com/a b",
        "ftp://acme.com/file",
    ],
)
def test_a_content_url_outside_the_rules_is_a_field_error_and_nothing_is_saved(manager_client, url):
    # when the manager saves content pointing there
    response = manager_client.post(reverse(ADD_URL), content_form(url=url))

    # then the form comes back with an error on the URL, and no row exists
    assert response.status_code == 200
    assert "url" in response.context["form"].errors
    assert ShareableContent.objects.count() == 0


def test_a_content_on_an_allowed_domain_is_saved_with_its_texts_and_tags(manager_client):
    # given
    campaign = Campaign.objects.create(name="Cloud", slug="cloud")

    # when
    response = manager_client.post(
        reverse(ADD_URL),
        content_form(
            url="https://news.acme.com/cloud?lang=fr#top",
            campaign=campaign.pk,
            tags="cloud, launch",
            texts=[
                ("linkedin", "fr", "Fière de l'équipe #AcmeEmployee"),
                ("x", "en", "Proud of the team #AcmeEmployee"),
            ],
        ),
    )

    # then
    assert response.status_code == 302
    saved = ShareableContent.objects.get()
    assert (saved.url, saved.campaign, saved.status) == (
        "https://news.acme.com/cloud?lang=fr#top",
        campaign,
        "published",
    )
    assert sorted(saved.tags.names()) == ["cloud", "launch"]
    assert sorted(SuggestedText.objects.values_list("network", "language")) == [("linkedin", "fr"), ("x", "en")]


def test_a_publish_window_that_ends_before_it_starts_is_refused(manager_client):
    # when
    response = manager_client.post(
        reverse(ADD_URL), content_form(publish_from="2026-03-10 09:00", publish_until="2026-03-01 09:00")
    )

    # then
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["publish_until"]
    assert ShareableContent.objects.count() == 0


def test_two_texts_for_the_same_network_and_language_are_refused(manager_client):
    # when
    response = manager_client.post(reverse(ADD_URL), content_form(texts=[("x", "fr", "Un"), ("x", "fr", "Deux")]))

    # then: a form error, not a 500 from the unique constraint
    assert response.status_code == 200
    assert ShareableContent.objects.count() == 0


def test_a_url_change_is_audited_with_before_and_after(manager_client):
    # given
    item = content(url="https://acme.com/blog/old")

    # when the URL changes, then only the title
    manager_client.post(reverse(EDIT_URL, args=[item.pk]), content_form(url="https://acme.com/blog/new"))
    manager_client.post(
        reverse(EDIT_URL, args=[item.pk]), content_form(url="https://acme.com/blog/new", title="Renamed")
    )

    # then one URL-change entry, with both addresses, by the manager; every save is also logged
    changes = ModelLogEntry.objects.filter(action="advocacy_share.url_change", object_id=str(item.pk))
    assert [(entry.data, entry.user.email) for entry in changes] == [
        ({"before": "https://acme.com/blog/old", "after": "https://acme.com/blog/new"}, "manager@example.com")
    ]
    assert changes.get().message == "URL changed from https://acme.com/blog/old to https://acme.com/blog/new"
    assert ModelLogEntry.objects.filter(action="wagtail.edit", object_id=str(item.pk)).count() == 2
    item.refresh_from_db()
    assert (item.url, item.title) == ("https://acme.com/blog/new", "Renamed")


def test_the_list_filters_by_status_and_searches_title_and_url(manager_client):
    # given
    content(title="Cloud launch", url="https://acme.com/cloud")
    content(title="Hiring engineers", url="https://acme.com/jobs", status="suggested")
    content(title="Market report", url="https://lnkd.in/report", status="suggested")

    # when
    suggested = manager_client.get(reverse(LIST_URL), {"status": "suggested"})
    searched = manager_client.get(reverse(LIST_URL), {"q": "lnkd.in"})

    # then
    assert sorted(c.title for c in suggested.context["object_list"]) == ["Hiring engineers", "Market report"]
    assert [c.title for c in searched.context["object_list"]] == ["Market report"]


def test_the_list_shows_status_and_publish_window(manager_client):
    # given
    start = timezone.now() + timedelta(days=1)
    content(title="Upcoming", publish_from=start)

    # when
    response = manager_client.get(reverse(LIST_URL))

    # then
    assert response.status_code == 200
    assert "Published · from " in response.content.decode()


def test_the_moderation_queue_lists_suggestions_newest_first_and_the_menu_counts_them(manager_client):
    # given
    now = timezone.now()
    content(title="Older", status="suggested", created_at=now - timedelta(days=2))
    content(title="Newer", status="suggested", created_at=now - timedelta(hours=1))
    content(title="Already published")

    # when
    queue = manager_client.get(reverse(QUEUE_URL))
    home = manager_client.get(reverse("wagtailadmin_home"))

    # then
    assert [c.title for c in queue.context["suggestions"]] == ["Newer", "Older"]
    assert "Suggestions to review (2)" in home.content.decode()


def test_publishing_a_suggestion_sets_the_state_and_who_decided_once(manager_client):
    # given
    item = content(status="suggested", suggested_by=UserFactory())

    # when published, then published again (a double click)
    first = manager_client.post(reverse(MODERATE_URL, args=[item.pk]), {"decision": "publish"})
    item.refresh_from_db()
    decided_at = item.moderated_at
    second = manager_client.post(reverse(MODERATE_URL, args=[item.pk]), {"decision": "reject"}, follow=True)

    # then the first decision stands
    assert first.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.moderated_by.email, item.moderated_at) == ("published", "manager@example.com", decided_at)
    assert "This suggestion has already been reviewed." in second.content.decode()
    assert ModelLogEntry.objects.filter(action="advocacy_share.suggestion_published").count() == 1


def test_rejecting_a_suggestion(manager_client):
    # given
    item = content(status="suggested")

    # when
    manager_client.post(reverse(MODERATE_URL, args=[item.pk]), {"decision": "reject"})

    # then
    item.refresh_from_db()
    assert item.status == "rejected"
    assert item.moderated_at is not None


def test_an_unknown_decision_is_a_404_and_changes_nothing(manager_client):
    # given
    item = content(status="suggested")

    # when
    response = manager_client.post(reverse(MODERATE_URL, args=[item.pk]), {"decision": "delete"})

    # then
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.status == "suggested"


def test_an_employee_cannot_moderate(client, site):
    # given
    allow_domains()
    item = content(status="suggested")
    client.force_login(UserFactory())

    # when
    response = client.post(reverse(MODERATE_URL, args=[item.pk]), {"decision": "publish"})

    # then: sent to the admin sign-in, nothing decided
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "suggested"


def test_the_pause_log_is_listed_read_only(manager_client):
    # given
    PauseLog.objects.create(paused=True, reason="Crisis on a client account")

    # when
    response = manager_client.get(reverse("pauselog:index"))

    # then
    assert response.status_code == 200
    assert "Crisis on a client account" in response.content.decode()
    with pytest.raises(NoReverseMatch):
        reverse("pauselog:add")


def test_managers_edit_the_programme_settings(manager_client):
    # when
    response = manager_client.get(
        reverse("wagtailsettings:edit", args=["advocacy_share", "advocacysettings"]), follow=True
    )

    # then
    assert response.status_code == 200
    assert "Crisis switch" in response.content.decode()


def test_campaigns_are_managed_in_the_admin(manager_client):
    # when
    response = manager_client.post(
        reverse("wagtailsnippets_advocacy_share_campaign:add"),
        {"name": "Industry news", "slug": "industry", "active": "on"},
    )

    # then
    assert response.status_code == 302
    assert list(Campaign.objects.values_list("slug", flat=True)) == ["industry"]
