"""The mix nudge (issue item 3): an employee's share of company content over the last 30 days
against the programme's target (at most 20 % by default, Dell's rule in the seeds), with up to
three industry items suggested when above it. Own posts are left out of the ratio."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from advocacy_share.data import MixNudge
from advocacy_share.models import AdvocacySettings, Share, ShareableContent
from advocacy_share.selectors.feed import mix_nudge
from tests.advocacy.test_feed import EN, certify, item, share

COMPANY, INDUSTRY = ShareableContent.Kind.COMPANY, ShareableContent.Kind.INDUSTRY


def test_no_share_yet_gives_no_ratio(db, employee):
    # when
    nudge = mix_nudge(user_id=employee.pk, language="en")
    # then
    assert nudge == MixNudge(days=30, total=0, company=0, target_percent=20)


def test_above_target_suggests_up_to_three_industry_items_not_yet_shared(db, employee):
    # given 2 company shares out of 5 in the last 30 days, plus shares that do not count
    now = timezone.now()
    company, industry = item("Our results", kind=COMPANY), item("Market study", kind=INDUSTRY)
    share(employee, company, "linkedin")
    share(employee, company, "x", Share.Status.REMINDED)
    for network in ("linkedin", "x", "facebook"):
        share(employee, industry, network)
    share(employee, company, "facebook", Share.Status.SCHEDULED)  # not shared yet
    share(employee, company, "facebook", Share.Status.CANCELLED)
    share(employee, company, "linkedin", created_at=now - timedelta(days=31))  # too old
    Share.objects.create(user=employee, network="x", text="My own post")  # own post
    # and industry items to suggest, one in the other language, one expired
    item("Trends fr", kind=INDUSTRY, language="fr", created_at=now)
    item("Trends old", kind=INDUSTRY, created_at=now - timedelta(days=5))
    item("Trends new", kind=INDUSTRY, created_at=now - timedelta(days=1))
    item("Trends featured", kind=INDUSTRY, featured=True, created_at=now - timedelta(days=9))
    item("Gone", kind=INDUSTRY, publish_until=now - timedelta(days=1))
    item("Company news", kind=COMPANY)
    # when
    nudge = mix_nudge(user_id=employee.pk, language="en", now=now)
    # then 40 % is above 20 %; the reader's language first, featured, newest; the shared one left out
    assert (nudge.total, nudge.company, nudge.percent, nudge.target_percent, nudge.above_target) == (5, 2, 40, 20, True)
    assert [s.title for s in nudge.suggestions] == ["Trends featured", "Trends new", "Trends old"]


def test_at_the_target_there_is_no_suggestion(db, employee):
    # given 1 company share out of 5, and industry content on show
    company, industry = item("Our results", kind=COMPANY), item("Market study", kind=INDUSTRY)
    item("Trends", kind=INDUSTRY)
    share(employee, company)
    for network in ("linkedin", "x", "facebook", "linkedin"):
        share(employee, industry, network)
    # when
    nudge = mix_nudge(user_id=employee.pk, language="en")
    # then
    assert (nudge.percent, nudge.above_target, nudge.suggestions) == (20, False, ())


def test_the_target_is_the_programme_setting(db, employee):
    # given a programme target of 50 % and 2 company shares of 3
    settings = AdvocacySettings.load()
    settings.mix_target_percent = 50
    settings.save()
    company, industry = item("Our results", kind=COMPANY), item("Market study", kind=INDUSTRY)
    share(employee, company, "linkedin")
    share(employee, company, "x")
    share(employee, industry)
    # when
    nudge = mix_nudge(user_id=employee.pk, language="en")
    # then 67 % > 50 %
    assert (nudge.percent, nudge.target_percent, nudge.above_target) == (67, 50, True)


def test_the_feed_shows_the_ratio_as_text_and_the_balance_row(employee_client, employee):
    # given 1 company share of 1, and an industry item
    certify(employee)
    share(employee, item("Our results", kind=COMPANY))
    trends = item("Industry trends", kind=INDUSTRY)
    # when
    html = " ".join(employee_client.get("/advocacy/", **EN).content.decode().split())
    # then
    assert "100 % of your last share (30 days) was company content; the programme aims for at most 20 %." in html
    assert "Balance your mix" in html
    assert f'href="/advocacy/compose/{trends.pk}/">Share<span class="visually-hidden"> Industry trends</span>' in html


def test_the_feed_encourages_a_first_share(employee_client, employee):
    # given a certified employee who shared nothing
    certify(employee)
    # when
    html = " ".join(employee_client.get("/advocacy/", **EN).content.decode().split())
    # then
    assert "No share in the last 30 days yet." in html
    assert "Balance your mix" not in html


def test_the_feed_and_the_nudge_read_in_french(employee_client, employee):
    # given a certified employee with 2 company shares of 2
    certify(employee)
    company = item("Nos résultats", kind=COMPANY, language="fr")
    share(employee, company, "linkedin")
    share(employee, company, "x")
    # when they read the feed in French
    html = " ".join(employee_client.get("/advocacy/", HTTP_ACCEPT_LANGUAGE="fr").content.decode().split())
    # then
    assert "<h1>Contenus à partager</h1>" in html
    assert (
        "100 % de vos 2 derniers partages (30 jours) étaient des contenus de l’entreprise ; "
        "le programme vise au plus 20 %." in html
    )
    assert 'Vous l’avez partagé sur <span class="advocacy-network">LinkedIn</span>, ' in html
