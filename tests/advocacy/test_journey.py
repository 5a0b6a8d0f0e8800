"""The whole advocacy loop through the real views and the beat sweep: a certified advocate
shares from the feed, a reader follows the tracked link from the network's intent URL, the
sweep qualifies the click, the ledger and the leaderboard follow. And the locked side: an
expired employee is stopped at the gate with the renewal link."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from django.test import Client
from django.utils import timezone

from advocacy_share import tasks
from advocacy_share.models import PointsEntry, PointsTotal, Share, TrackedLink, Visit
from advocacy_share.services import points
from tests.advocacy.compose_fixtures import (  # noqa: F401 - autouse fixture
    _fresh_caches,
    allow_domains,
    certified,
    client_for,
    library_item,
    programme,
)
from tests.factories.certification import CertificateFactory, CertificationProgramFactory

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"


def _intent_hrefs(response) -> dict[str, str]:
    hrefs = re.findall(r'href="(https://[^"]+)" target="_blank"', response.content.decode())
    return {urlsplit(html.unescape(h)).netloc: html.unescape(h) for h in hrefs}


def test_share_click_points_and_leaderboard_end_to_end(site, django_capture_on_commit_callbacks):
    # given a certified advocate who opted in to the leaderboard, and an item in the library
    allow_domains()
    programme(points_share_x=3, points_click=1)
    advocate = certified(preferred_language="en", display_name="Camille D.")
    points.preferences_save(advocate.pk, leaderboard_opt_in=True, audience={})
    content = library_item(texts={("x", "en"): "Our new plant opens its doors."})
    browser = client_for(advocate)

    # when they open the feed, then the composer, and share on X
    feed = browser.get("/advocacy/")
    assert feed.status_code == 200
    assert f'href="/advocacy/compose/{content.pk}/"' in feed.content.decode()
    shared = browser.post(
        f"/advocacy/compose/{content.pk}/",
        {"networks": ["x"], "when": "now", "text_x": "Proud of the team: our new plant opens its doors."},
    )
    assert shared.status_code == 302
    done = browser.get(shared["Location"])

    # then the X intent URL carries the tracked link, and the share earned its points once
    link = TrackedLink.objects.get()
    intent = _intent_hrefs(done)["x.com"]
    assert parse_qs(urlsplit(intent).query)["url"] == [f"http://testserver/s/{link.code}"]
    assert list(PointsEntry.objects.values_list("kind", "points")) == [("share", 3)]

    # when a reader follows the link (and a link-preview bot fetches it first)
    Client(headers={"user-agent": "LinkedInBot/1.0 (compatible; Mozilla/5.0)"}).get(f"/s/{link.code}")
    reader = Client(headers={"user-agent": BROWSER}, REMOTE_ADDR="203.0.113.7")
    redirect = reader.get(f"/s/{link.code}")
    # then both get the content with our UTM parameters, and no points yet (the sweep decides)
    assert redirect.status_code == 302
    assert redirect["Location"] == (
        "https://acme.com/news/launch?utm_source=x&utm_medium=social&utm_campaign=launch&utm_content=employee_advocacy"
    )
    assert Visit.objects.count() == 2
    assert PointsEntry.objects.filter(kind="click").count() == 0

    # when the beat sweep runs (twice: it is idempotent); its signal goes out on commit
    with django_capture_on_commit_callbacks(execute=True):
        tasks.visits_qualify_task.delay()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.visits_qualify_task.delay()

    # then only the reader's visit qualified and earned one click point
    assert sorted(Visit.objects.values_list("is_bot", "qualified")) == [(False, True), (True, False)]
    assert list(PointsEntry.objects.filter(kind="click").values_list("points", flat=True)) == [1]
    assert PointsTotal.objects.get(user=advocate, period="all").points == 4
    # and the leaderboard shows the advocate with the ledger's total
    board = browser.get("/advocacy/leaderboard/?period=all&format=json")
    assert board.status_code == 200
    rows = board.json()["rows"]
    assert [(row["name"], row["points"]) for row in rows] == [("Camille D.", 4)]
    assert Share.objects.get().status == "shared"


def test_an_expired_employee_is_stopped_at_the_gate_with_the_renewal_link(site):
    # given an employee whose certificate expired yesterday
    program = CertificationProgramFactory(unlocks_advocacy=True, requires_policy_acknowledgement=False)
    certificate = CertificateFactory(
        program=program, issued_at=timezone.now() - timedelta(days=400), expires_at=timezone.now() - timedelta(days=1)
    )
    browser = client_for(certificate.user)

    # when they open the feed, the composer and the leaderboard
    pages = [browser.get(path) for path in ("/advocacy/", "/advocacy/compose/", "/advocacy/leaderboard/")]

    # then each is the gate page with the renewal as the next step, and nothing was recorded
    for page in pages:
        assert page.status_code == 403
        assert "Your certificate has expired" in page.content.decode()
        assert "Renew my certificate" in page.content.decode()
    assert Share.objects.count() == 0
