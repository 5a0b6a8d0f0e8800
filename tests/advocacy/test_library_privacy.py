"""The data export of an advocate holds their advocacy rows, and nobody else's (TESTPLAN 38)."""

from __future__ import annotations

import json

from advocacy_share.models import AdvocateProfile, Share, ShareableContent, TrackedLink, Visit
from advocacy_share.services.points import award
from lms.people import privacy
from tests.factories.people import UserFactory

VISITOR_HASH = "f" * 64


def advocacy_rows(user, content, *, network: str, clicks: int) -> Share:
    share = Share.objects.create(user=user, content=content, network=network, text=f"Read this #{network}")
    link = TrackedLink.objects.create(share=share, target_url=content.url, network=network, code=f"code-{share.pk}")
    for n in range(clicks):
        Visit.objects.create(link=link, visitor=VISITOR_HASH, qualified=True, agent_family=f"browser{n}")
    Visit.objects.create(link=link, visitor="b" * 64, is_bot=True, agent_family="LinkedInBot")
    award(user_id=user.pk, kind="share", points=5, key=f"share:{user.pk}:{content.pk}:{network}", share_id=share.pk)
    return share


def test_the_export_holds_own_shares_clicks_points_and_profile_only(db):
    # given an advocate and a colleague, both sharing the same article
    advocate, colleague = UserFactory(), UserFactory()
    content = ShareableContent.objects.create(url="https://acme.com/blog/cloud", title="Cloud")
    AdvocateProfile.objects.create(user=advocate, leaderboard_opt_in=True, audience={"linkedin": 850, "x": 120})
    mine = advocacy_rows(advocate, content, network="linkedin", clicks=2)
    advocacy_rows(colleague, content, network="x", clicks=5)

    # when
    export = privacy.export_user(advocate)

    # then: the profile, with the opt-in and the declared audience
    assert [
        (row["leaderboard_opt_in"], row["declared_audience"]) for row in export["advocacy_share.AdvocateProfile"]
    ] == [(True, {"linkedin": 850, "x": 120})]
    # the advocate's share only, with its link and click counts
    assert [
        (row["network"], row["content"], row["text"], row["tracked_link"], row["visits"], row["qualified_clicks"])
        for row in export["advocacy_share.Share"]
    ] == [("linkedin", "Cloud", "Read this #linkedin", f"/s/code-{mine.pk}", 3, 2)]
    assert export["advocacy_share.Visit"] == [
        {"link": f"/s/code-{mine.pk}", "visits": 3, "qualified": 2, "bots": 1, "own": 0}
    ]
    # the points and their totals
    assert [(row["kind"], row["points"]) for row in export["advocacy_share.PointsEntry"]] == [("share", 5)]
    assert sorted(row["period"] for row in export["advocacy_share.PointsTotal"]) == ["all", "month", "quarter", "week"]
    # never the visitors' hashes, never the colleague's rows
    dumped = json.dumps(export)
    assert VISITOR_HASH not in dumped
    assert "b" * 64 not in dumped
    assert "#x" not in dumped
    assert privacy.export_user(colleague)["advocacy_share.AdvocateProfile"] == []


def test_a_suggestion_is_in_the_suggesters_export(db):
    # given
    employee = UserFactory()
    ShareableContent.objects.create(
        url="https://lnkd.in/report", title="Report", status="suggested", suggested_by=employee, suggestion_note="Why"
    )

    # when
    rows = privacy.export_user(employee)["advocacy_share.ShareableContent"]

    # then
    assert [(r["url"], r["note"], r["status"]) for r in rows] == [("https://lnkd.in/report", "Why", "suggested")]
