"""Every list a person meets says, when it is empty, what that means and what to do next (a
link): the catalogue, the certificates and shares on /me/, the leaderboard, the advocacy
dashboard and the certification report; in French too."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from advocacy_share.models import Share
from advocacy_share.services import analytics
from lms.home.roles import roles_ensure
from tests.factories.certification import CertificateFactory, CertificationProgramFactory
from tests.factories.courses import CoursePageFactory
from tests.factories.people import UserFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def empty_block(page: str, block_id: str) -> str:
    """The text of the ``<div class="empty" id=...>`` block, tags removed, spaces collapsed."""
    match = re.search(rf'<div class="empty" id="{block_id}">(.*?)</div>', page, re.S)
    assert match is not None, f"no empty state {block_id}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def links(page: str, block_id: str) -> list[str]:
    match = re.search(rf'<div class="empty" id="{block_id}">(.*?)</div>', page, re.S)
    assert match is not None
    return re.findall(r'href="([^"]+)"', match.group(1))


def advocate(**fields):
    program = CertificationProgramFactory(unlocks_advocacy=True, requires_policy_acknowledgement=False)
    return CertificateFactory(program=program, user=UserFactory(**fields)).user


# --- the catalogue ----------------------------------------------------------------------------


def test_an_empty_catalogue_says_nothing_is_published_yet_and_offers_the_policy(course_index):
    # given no course at all
    user = UserFactory(preferred_language="en")
    # when
    page = client_for(user).get(course_index.url).content.decode()
    # then
    assert empty_block(page, "catalogue-empty") == (
        "No course is published yet: the training team is preparing them. "
        "Meanwhile, the social media policy is there to read. Read the policy"
    )
    assert links(page, "catalogue-empty") == ["/policy/"]


def test_a_catalogue_without_courses_in_the_readers_language_offers_all_languages(course_index):
    # given only a French course and an English reader
    CoursePageFactory(parent=course_index, language="fr")
    user = UserFactory(preferred_language="en")
    # when
    page = client_for(user).get(course_index.url).content.decode()
    # then
    assert empty_block(page, "catalogue-empty") == (
        "No course in this language yet: the courses offered are in the other language. Show courses in all languages"
    )
    assert links(page, "catalogue-empty") == [f"{course_index.url}?language=all"]


def test_a_catalogue_filtered_to_nothing_offers_to_show_every_course(course_index):
    # given an English course and a search that finds nothing
    CoursePageFactory(parent=course_index, language="en")
    user = UserFactory(preferred_language="en")
    # when
    page = client_for(user).get(course_index.url, {"level": "advanced"}).content.decode()
    # then
    assert empty_block(page, "catalogue-empty") == "No course matches these filters. Show all courses"


def test_the_catalogues_empty_state_is_in_french(course_index):
    # given a French reader and nothing published
    user = UserFactory(preferred_language="fr")
    # when
    page = client_for(user).get(course_index.url).content.decode()
    # then
    assert empty_block(page, "catalogue-empty") == (
        "Aucune formation n’est encore publiée : l’équipe formation les prépare. "
        "En attendant, la charte réseaux sociaux est là pour être lue. Lire la charte"
    )


# --- /me/ ---------------------------------------------------------------------------------------


def test_me_without_a_certificate_points_to_the_courses(site):
    # given an employee without a certificate
    user = UserFactory(preferred_language="en")
    # when
    page = client_for(user).get("/me/").content.decode()
    # then
    assert empty_block(page, "certificates-empty") == (
        "No certificate yet. Complete the required courses to earn one. Browse the courses"
    )
    assert links(page, "certificates-empty") == ["/courses/"]


def test_an_advocate_who_never_shared_is_pointed_to_the_feed(site):
    # given a certified advocate without any share
    user = advocate(preferred_language="en")
    # when
    page = client_for(user).get("/me/").content.decode()
    # then
    assert empty_block(page, "shares-empty") == (
        "You have not shared anything yet: pick an article in the feed, make the text yours and share it "
        "to earn your first points. Open the feed"
    )
    assert links(page, "shares-empty") == ["/advocacy/"]
    assert 'id="certificates-empty"' not in page


def test_an_advocate_who_shared_sees_no_empty_state(site):
    # given an advocate with one share, and a scheduled one of another advocate's
    user = advocate(preferred_language="en")
    Share.objects.create(user=user, network="x", text="Hello", status=Share.Status.SHARED)
    # when
    page = client_for(user).get("/me/").content.decode()
    # then
    assert 'id="shares-empty"' not in page


def test_a_scheduled_share_is_not_yet_a_share(site):
    # given an advocate whose only share is scheduled
    user = advocate(preferred_language="en")
    Share.objects.create(user=user, network="x", text="Hello", status=Share.Status.SCHEDULED)
    # when
    page = client_for(user).get("/me/").content.decode()
    # then
    assert 'id="shares-empty"' in page


# --- the leaderboard ---------------------------------------------------------------------------


def test_an_empty_leaderboard_invites_the_viewer_to_opt_in(site):
    # given an advocate who has not opted in, and nobody on the board
    user = advocate(preferred_language="en")
    # when
    page = client_for(user).get("/advocacy/leaderboard/").content.decode()
    # then
    assert empty_block(page, "leaderboard-empty") == (
        "Nobody appears on this leaderboard yet for this period: people show here once they choose to "
        "appear on it and earn points by sharing. Choose to appear on the leaderboard"
    )
    assert links(page, "leaderboard-empty") == ["/me/#advocacy-preferences"]


def test_an_empty_leaderboard_invites_an_opted_in_viewer_to_share(site):
    # given an opted-in advocate without points
    from advocacy_share.services.points import preferences_save

    user = advocate(preferred_language="en")
    preferences_save(user.pk, leaderboard_opt_in=True, audience={})
    # when
    page = client_for(user).get("/advocacy/leaderboard/").content.decode()
    # then
    assert links(page, "leaderboard-empty") == ["/advocacy/"]


# --- the advocacy dashboard ---------------------------------------------------------------------


def test_the_dashboard_without_posts_offers_a_longer_period_then_the_library(site):
    # given an advocacy manager and no post at all
    manager = UserFactory(
        groups=[roles_ensure().advocacy_managers], is_staff=True, department=None, preferred_language="en"
    )
    client = client_for(manager)
    # when
    short = client.get("/advocacy/analytics/?weeks=4").content.decode()
    longest = client.get("/advocacy/analytics/?weeks=26").content.decode()
    # then
    assert empty_block(short, "analytics-empty") == (
        "Nobody has shared anything in this period yet: the figures below fill in as certified employees "
        "share. A longer period may have some. See the last 26 weeks"
    )
    assert links(short, "analytics-empty") == ["?weeks=26"]
    assert links(longest, "analytics-empty") == [reverse("wagtailsnippets_advocacy_share_shareablecontent:list")]


def test_the_dashboard_with_a_post_has_no_empty_state(site):
    # given a post shared today
    manager = UserFactory(
        groups=[roles_ensure().advocacy_managers], is_staff=True, department=None, preferred_language="en"
    )
    made = Share.objects.create(user=advocate(), network="x", text="Hello", status=Share.Status.SHARED)
    analytics.activity_share_count(share_id=made.pk)
    # when
    page = client_for(manager).get("/advocacy/analytics/?weeks=4").content.decode()
    # then
    assert 'id="analytics-empty"' not in page


# --- the certification report -------------------------------------------------------------------


def test_the_certification_report_without_certificates_offers_to_clear_the_filter(hr_editor_client):
    # given no certificate; when
    page = hr_editor_client.get(reverse("certification_report"), {"bucket": "expired"}, **EN).content.decode()
    # then
    match = re.search(r'<tr><td colspan="9">(.*?)</td></tr>', page, re.S)
    assert match is not None
    assert re.sub(r"<[^>]+>", "", match.group(1)) == (
        "No certificate matches this filter. Show every programme and department"
    )
    assert f'<a href="{reverse("certification_report")}">' in match.group(1)
