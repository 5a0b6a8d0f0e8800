"""The advocacy part of ``load_demo``: a library, certified colleagues and eight weeks of
history, loaded once (a second run changes nothing)."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Sum
from django.test import TestCase

from advocacy_share.links import target_url_problem
from advocacy_share.models import (
    AdvocateProfile,
    Campaign,
    PointsEntry,
    PointsTotal,
    Share,
    ShareableContent,
    SuggestedText,
    TrackedLink,
    Visit,
)
from certification import api as certification_api
from policy import rules

ADVOCACY_MODELS = (
    Campaign,
    ShareableContent,
    SuggestedText,
    AdvocateProfile,
    Share,
    TrackedLink,
    Visit,
    PointsEntry,
    PointsTotal,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ADVOCACY_MODELS} | {
        "users": get_user_model().objects.count()
    }


@pytest.mark.slow
class DemoAdvocacyTests(TestCase):
    """One load of the demo (twice, to check idempotence) shared by every check: a load takes
    about a minute. ``setUpTestData`` runs inside Django's test transaction, which the demo's
    durable transaction accepts."""

    @classmethod
    def setUpTestData(cls):
        call_command("load_demo", stdout=StringIO())
        cls.first = counts()
        output = StringIO()
        call_command("load_demo", stdout=output)
        cls.second = counts()
        cls.output = output.getvalue()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        rules.bump_version()  # the demo's rules are rolled back: no process may keep them

    def test_a_second_run_creates_nothing(self):
        assert self.second == self.first
        assert self.first["Share"] > 0
        assert "0 shares, 0 visits, 0 points entries written" in self.output

    def test_the_library_has_fifteen_items_in_both_languages_across_three_campaigns(self):
        # given
        published = ShareableContent.objects.filter(status="published")

        # then
        assert published.count() >= 15
        assert Counter(published.values_list("language", flat=True)) == {"fr": 8, "en": 8}
        assert set(published.values_list("kind", flat=True)) == {"company", "industry"}
        assert Campaign.objects.count() == 3
        assert published.filter(campaign__isnull=True).count() == 0
        # each item has a suggested text for each network, in its language
        for content in published:
            texts = {(t.network, t.language) for t in content.suggested_texts.all()}
            assert texts == {(n, content.language) for n in ("linkedin", "x", "facebook")}, content.url
        # two suggestions wait for a manager
        assert ShareableContent.objects.filter(status="suggested", suggested_by__isnull=False).count() == 2

    def test_every_demo_url_passes_the_link_rules(self):
        # given the rules as every process reads them after the load's commit
        rules.bump_version()

        # then
        problems = {c.url: target_url_problem(c.url) for c in ShareableContent.objects.all()}
        assert {url: p for url, p in problems.items() if p} == {}

    def test_twenty_certified_colleagues_across_four_departments_may_share(self):
        # given
        users = get_user_model().objects.filter(email__endswith="@demo.example").select_related("department")

        # when
        allowed = [u for u in users if certification_api.advocacy_access(u).allowed]

        # then
        assert len(allowed) >= 20
        assert len({u.department.name for u in allowed}) == 4
        employee = users.get(email="employee@demo.example")
        access = certification_api.advocacy_access(employee)
        assert (access.allowed, access.reason) == (False, "expired")
        assert access.next_step_url

    def test_eight_weeks_of_shares_with_links_visits_and_points(self):
        # given
        advocate = get_user_model().objects.get(email="advocate@demo.example")
        shares = Share.objects.all()

        # then: every share has its tracked link, spread over eight weeks
        assert TrackedLink.objects.count() == shares.count()
        span = shares.order_by("-created_at").first().created_at - shares.order_by("created_at").first().created_at
        assert span.days >= 45
        # visits: some bots, some repeats, every one processed; qualified only without a flag
        visits = Visit.objects.all()
        assert visits.filter(is_bot=True).exists()
        assert visits.filter(is_repeat=True).exists()
        assert visits.filter(processed_at__isnull=True).count() == 0
        assert visits.filter(qualified=True).filter(is_bot=True).count() == 0
        assert visits.filter(qualified=True, is_repeat=True).count() == 0
        # points: one share entry per share (once per item and network), clicks only for qualified visits
        assert PointsEntry.objects.filter(kind="share").count() == shares.count()
        assert set(PointsEntry.objects.values_list("kind", flat=True)) == {"share", "click"}
        clicked = PointsEntry.objects.filter(kind="click").values_list("key", flat=True)
        assert all(Visit.objects.get(pk=int(key.split(":")[1])).qualified for key in clicked[:50])
        # the demo advocate shares and has points; some colleagues show on the leaderboard
        assert Share.objects.filter(user=advocate).count() >= 8
        assert PointsTotal.objects.get(user=advocate, period="all").points > 0
        assert AdvocateProfile.objects.get(user=advocate).leaderboard_opt_in is True
        assert 0 < AdvocateProfile.objects.filter(leaderboard_opt_in=True).count() < AdvocateProfile.objects.count()

    def test_the_all_time_totals_equal_the_ledger(self):
        # given
        ledger = dict(PointsEntry.objects.values_list("user_id").annotate(total=Sum("points")))

        # then
        totals = dict(PointsTotal.objects.filter(period="all").values_list("user_id", "points"))
        assert totals == ledger

    def test_the_dashboard_roll_ups_hold_the_eight_weeks(self):
        # given the demo's shares and qualified visits
        from advocacy_share.models import ActivityTotal
        from advocacy_share.selectors.analytics import dashboard

        shares = Share.objects.filter(status="shared")
        sums = ActivityTotal.objects.aggregate(s=Sum("shares"), o=Sum("own_posts"), c=Sum("qualified_clicks"))

        # then the roll-ups count every one of them
        assert sums["s"] + sums["o"] == shares.count()
        assert sums["c"] == Visit.objects.filter(qualified=True).count()
        # and the dashboard of the last 12 weeks shows activity in the last eight, and a value
        dash = dashboard(weeks=12)
        assert dash.posts == shares.count()
        assert sum(1 for week in dash.series[-8:] if week.posts) >= 7
        assert dash.active_advocates > 0
        assert dash.rates_set is True
        assert 0 < dash.emv_low < dash.emv_high
