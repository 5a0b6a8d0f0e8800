"""The advocacy dashboard's goals per department and its pilot comparison: every figure against
a hand-computed expectation, the privacy rule (a department under 5 active advocates is never
shown), the pilot form's errors, who may edit goals, and a constant number of queries."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advocacy_share.data import GoalProgress, PilotPeriod
from advocacy_share.models import AdvocacySettings, DepartmentGoal, Share, ShareableContent
from advocacy_share.selectors.goals import goal_progress, per_week, pilot_comparison
from advocacy_share.services import analytics
from advocacy_share.services import links as link_services
from lms.home.roles import roles_ensure
from lms.people.models import Department
from tests.factories.advocacy import ShareableContentFactory, ShareFactory, TrackedLinkFactory, VisitFactory
from tests.factories.people import UserFactory

TODAY = date(2026, 3, 18)  # a Wednesday; the last 4 weeks start on Monday 23 February (24 days)
Metric = DepartmentGoal.Metric


def at(day: str, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(f"{day}T{hour:02d}:00"))


def post(user, day: str, *, content=None, own: bool = False, network: str = "linkedin", clicks: tuple[str, ...] = ()):
    """A shared post counted in the roll-ups, with qualified clicks on the given days."""
    made = ShareFactory(
        user=user,
        content=None if own else content or ShareableContentFactory(),
        network=network,
        created_at=at(day),
        status=Share.Status.SHARED,
    )
    analytics.activity_share_count(share_id=made.pk)
    if clicks:
        link = TrackedLinkFactory(share=made)
        for n, visit_day in enumerate(clicks):
            VisitFactory(link=link, visitor=f"{n + 1:064x}", at=at(visit_day, 12))
    return made


@pytest.fixture
def departments():
    """Sales: 5 active advocates, 6 posts (5 library shares, 1 own), 3 clicks in the last four
    weeks; Tech: 2 active advocates, 2 posts (1 library share), 2 clicks; and one post before."""
    sales, tech = Department.objects.create(name="Sales"), Department.objects.create(name="Tech")
    s1, s2, s3, s4, s5 = (UserFactory(department=sales) for _ in range(5))
    t1, t2 = (UserFactory(department=tech) for _ in range(2))
    post(s1, "2026-03-16", clicks=("2026-03-16", "2026-03-17", "2026-03-17"))
    post(s1, "2026-03-02", own=True)
    for person, day in ((s2, "2026-02-23"), (s3, "2026-03-04"), (s4, "2026-03-10"), (s5, "2026-03-18")):
        post(person, day)
    post(t1, "2026-03-03", clicks=("2026-03-04", "2026-03-04"))
    post(t2, "2026-02-25", own=True)
    post(s1, "2026-02-20", clicks=("2026-02-21",))  # before the period, a click before it too
    link_services.visits_qualify()
    return {"sales": sales, "tech": tech}


def goal(department, metric, target, starts_on=None, ends_on=None):
    return DepartmentGoal.objects.create(
        department=department, metric=metric, target=Decimal(target), starts_on=starts_on, ends_on=ends_on
    )


@pytest.mark.django_db
def test_weekly_averages_round_once_half_up():
    # 6 posts in 24 days: 6 × 7 / 24 = 1.75 → 1.8; 3 clicks a month: 3 × 7 × 52 / (24 × 12) = 3.79
    assert per_week(6, 24) == Decimal("1.8")
    assert per_week(3, 24, per_month=True) == Decimal("3.8")
    assert per_week(0, 24) == Decimal("0.0")
    assert per_week(5, 0) is None


@pytest.mark.django_db
def test_every_goal_against_the_last_four_weeks(departments):
    # given goals for the company, Sales and Tech, one over and one not yet started
    sales, tech = departments["sales"], departments["tech"]
    goal(None, Metric.ACTIVE_ADVOCATES, "10")
    goal(None, Metric.POSTS_PER_WEEK, "2")
    goal(sales, Metric.SHARES_PER_WEEK, "1.5")
    goal(sales, Metric.CLICKS_PER_MONTH, "5")
    goal(tech, Metric.POSTS_PER_WEEK, "1")
    goal(sales, Metric.POSTS_PER_WEEK, "9", ends_on=date(2026, 3, 1))
    goal(None, Metric.POSTS_PER_WEEK, "9", starts_on=date(2026, 4, 1))

    # when read for the period from Monday 23 February to Wednesday 18 March (24 days)
    found = goal_progress(start=date(2026, 2, 23), today=TODAY)

    # then the company's goals first, then Sales', then Tech's, whose 2 people are hidden
    assert found == (
        # 7 people posted
        GoalProgress("Whole company", "active_advocates", "Active advocates", Decimal(10), Decimal(7), 70, False, True),
        # 8 posts × 7 / 24 days = 2.33
        GoalProgress("Whole company", "posts_per_week", "Posts per week", Decimal(2), Decimal("2.3"), 115, True, True),
        # 3 clicks × 7 × 52 / (24 × 12) = 3.79
        GoalProgress("Sales", "clicks_per_month", "Qualified clicks per month", Decimal(5), Decimal("3.8"), 76, False),
        # 5 library shares × 7 / 24 = 1.46
        GoalProgress("Sales", "shares_per_week", "Library shares per week", Decimal("1.5"), Decimal("1.5"), 100, True),
        GoalProgress("Tech", "posts_per_week", "Posts per week", Decimal(1), None, None, None),
    )
    assert found[-1].hidden


@pytest.mark.django_db
def test_goals_give_the_same_figures_after_the_nightly_rebuild(departments):
    # given goals read from the incremental roll-ups
    goal(None, Metric.CLICKS_PER_MONTH, "4")
    goal(departments["sales"], Metric.POSTS_PER_WEEK, "4")
    before = goal_progress(start=date(2026, 2, 23), today=TODAY)

    # when the roll-ups are rebuilt
    analytics.activity_rebuild()

    # then the same figures: 5 clicks × 7 × 52 / 288 = 6.32; 6 posts × 7 / 24 = 1.75
    assert goal_progress(start=date(2026, 2, 23), today=TODAY) == before
    assert [g.value for g in before] == [Decimal("6.3"), Decimal("1.8")]


@pytest.mark.django_db
def test_no_goal_costs_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert goal_progress(start=date(2026, 2, 23), today=TODAY) == ()


@pytest.mark.django_db
def test_a_goal_ending_before_it_starts_is_refused():
    # given a goal from 10 March until 1 March
    wrong = DepartmentGoal(metric=Metric.POSTS_PER_WEEK, target=Decimal(3), starts_on=date(2026, 3, 10))
    wrong.ends_on = date(2026, 3, 1)

    # then it does not validate, on its end
    with pytest.raises(Exception) as error:
        wrong.full_clean()
    assert list(error.value.message_dict) == ["ends_on"]


# --- the pilot -------------------------------------------------------------------------------


@pytest.fixture
def pilot_history():
    """Two weeks before a two-week pilot (16 February to 1 March), the pilot, two weeks after,
    and a post in the current week."""
    p1, p2, p3 = (UserFactory() for _ in range(3))
    company = ShareableContentFactory(kind=ShareableContent.Kind.COMPANY)
    industry = ShareableContentFactory(kind=ShareableContent.Kind.INDUSTRY)
    # before: p1 alone, one company and one industry share, one click
    post(p1, "2026-02-02", content=company, clicks=("2026-02-03",))
    post(p1, "2026-02-10", content=industry)
    # during: week of 16 February, three people; week of 23 February, two people
    post(p1, "2026-02-17", content=company, clicks=("2026-02-17", "2026-02-18"))
    post(p2, "2026-02-18", content=company, clicks=("2026-02-24",))
    post(p3, "2026-02-19", content=company)
    post(p1, "2026-02-24", own=True, clicks=("2026-02-25",))
    post(p2, "2026-02-26", content=company)
    # after: one person a week, one industry share and one company share, no click
    post(p1, "2026-03-03", content=industry)
    post(p2, "2026-03-10", content=company)
    # the current week
    post(p3, "2026-03-16", content=company)
    link_services.visits_qualify()


def metric_rows(comparison):
    return {m.code: (m.before, m.during, m.after, m.during_change, m.after_change) for m in comparison.metrics}


def d(*values):
    return tuple(None if v is None else Decimal(v) for v in values)


@pytest.mark.django_db
def test_the_pilot_against_the_weeks_before_and_after(pilot_history):
    # when the pilot from Tuesday 17 February to Sunday 1 March is compared on 18 March
    found = pilot_comparison(start=date(2026, 2, 17), end=date(2026, 3, 1), today=TODAY)

    # then whole weeks: two before, the two of the pilot, two after (the current week left out)
    assert found.periods == (
        PilotPeriod("before", "Before the pilot", date(2026, 2, 2), date(2026, 2, 15), 14),
        PilotPeriod("during", "During the pilot", date(2026, 2, 16), date(2026, 3, 1), 14),
        PilotPeriod("after", "After the pilot", date(2026, 3, 2), date(2026, 3, 15), 14),
    )
    # and weekly averages: before 2 person-weeks, 2 posts, 2 shares, 1 click over 2 weeks;
    # during 3 + 2 person-weeks, 5 posts (4 shares), 4 clicks; after 1 + 1, 2 posts, no click
    assert metric_rows(found) == {
        "active": d("1.0", "2.5", "1.0", "1.5", "0.0"),
        "posts": d("1.0", "2.5", "1.0", "1.5", "0.0"),
        "shares": d("1.0", "2.0", "1.0", "1.0", "0.0"),
        "clicks": d("0.5", "2.0", "0.0", "1.5", "-0.5"),
        "clicks_per_post": d("0.50", "0.80", "0.00", "0.30", "-0.50"),  # 1 / 2, 4 / 5, 0 / 2
        "company": d("50.0", "100.0", "50.0", "50.0", "0.0"),  # company of library shares, in %
    }
    assert [m.unit for m in found.metrics] == ["", "", "", "", "", "%"]


@pytest.mark.django_db
def test_the_weeks_after_are_cut_at_today_and_a_running_pilot_has_no_after(pilot_history):
    # when the pilot is the two weeks of 2 to 15 March: after it, only 16 to 18 March (3 days)
    cut = pilot_comparison(start=date(2026, 3, 2), end=date(2026, 3, 15), today=TODAY)

    # then one post in 3 days is 1 × 7 / 3 = 2.3 a week
    assert cut.periods[2] == PilotPeriod("after", "After the pilot", date(2026, 3, 16), TODAY, 3)
    assert metric_rows(cut)["posts"] == d("2.5", "1.0", "2.3", "-1.5", "-0.2")

    # and when the pilot runs until the end of March, there is no after yet, and "during" is cut
    running = pilot_comparison(start=date(2026, 3, 2), end=date(2026, 3, 31), today=TODAY)
    assert running.periods[1].days == 17
    assert running.periods[2].days == 0
    # the pilot is the 5 weeks of 2 to 31 March: before, 26 January to 1 March, 7 posts in 35
    # days (1.4 a week); during, 3 posts in 17 days (1.24 a week)
    assert metric_rows(running)["posts"] == d("1.4", "1.2", None, "-0.2", None)


@pytest.mark.django_db
def test_a_pilot_that_does_not_make_sense_is_refused():
    with pytest.raises(ValueError):
        pilot_comparison(start=date(2026, 3, 10), end=date(2026, 3, 1), today=TODAY)
    with pytest.raises(ValueError):
        pilot_comparison(start=date(2026, 3, 19), end=date(2026, 3, 30), today=TODAY)


@pytest.mark.django_db
def test_the_pilot_reads_the_same_after_the_nightly_rebuild(pilot_history):
    before = pilot_comparison(start=date(2026, 2, 17), end=date(2026, 3, 1), today=TODAY)
    analytics.activity_rebuild()
    assert pilot_comparison(start=date(2026, 2, 17), end=date(2026, 3, 1), today=TODAY) == before


# --- the page --------------------------------------------------------------------------------


def manager_client(**extra) -> Client:
    client = Client()
    client.force_login(UserFactory(groups=[roles_ensure().advocacy_managers], is_staff=True, **extra))
    return client


@pytest.mark.django_db
def test_the_page_shows_goals_and_the_settings_pilot(site, departments, pilot_history):
    # given goals, and the pilot in the programme settings: from 17 February, open to all on 2 March
    goal(None, Metric.POSTS_PER_WEEK, "2")
    goal(departments["tech"], Metric.POSTS_PER_WEEK, "1")
    settings = AdvocacySettings.load()
    settings.pilot_started_on, settings.opens_to_all_on = date(2026, 2, 17), date(2026, 3, 2)
    settings.save()

    # when a manager opens the last four weeks on 18 March
    with time_machine.travel(at("2026-03-18", 12), tick=False):
        response = manager_client().get("/advocacy/analytics/?weeks=4")
        expected = pilot_comparison(start=date(2026, 2, 17), end=date(2026, 3, 1))

    # then the goals, in words, and the settings' pilot compared
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["pilot"] == expected
    assert [g.label for g in response.context["goals"]] == ["Whole company", "Tech"]
    # 8 posts, and 5 of the pilot's people since 23 February, in 24 days: 13 × 7 / 24 = 3.79
    assert response.context["goals"][0].value == Decimal("3.8")
    assert "3.8 of 2, 190 %" in page
    assert "on track" in page
    assert "Not shown: fewer than 5 of this department" in page
    assert 'id="pilot-table"' in page
    assert 'value="2026-02-17"' in page and 'value="2026-03-01"' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            "pilot_start=2026-03-10&pilot_end=2026-03-01",
            "pilot_end",
            "The pilot must end on or after the day it starts.",
        ),
        ("pilot_start=2026-03-19&pilot_end=2026-03-30", "pilot_start", "The pilot must have started by today."),
        ("pilot_start=2026-03-01", "pilot_end", "This field is required."),
        ("pilot_start=yesterday&pilot_end=2026-03-01", "pilot_start", "Enter a valid date."),
        ("pilot_start=2023-01-02&pilot_end=2026-03-01", "pilot_end", "A pilot lasts at most 104 weeks here."),
    ],
)
def test_bad_pilot_dates_show_the_form_with_its_error(site, query, field, message):
    # when a manager asks for a pilot that does not make sense
    with time_machine.travel(at("2026-03-18", 12), tick=False):
        response = manager_client().get(f"/advocacy/analytics/?weeks=4&{query}")

    # then a 400 with the dashboard, the form and its error on the field, and no comparison
    assert response.status_code == 400
    assert response.context["pilot"] is None
    assert response.context["pilot_form"].errors == {field: [message]}
    page = response.content.decode()
    assert message in page
    assert f'aria-describedby="id_{field}_errors"' in page


@pytest.mark.django_db
def test_the_pilot_and_goals_keep_a_constant_number_of_queries(site, departments, pilot_history):
    # given goals for the company and a department, and the page with a pilot
    goal(None, Metric.ACTIVE_ADVOCATES, "10")
    goal(departments["sales"], Metric.CLICKS_PER_MONTH, "5")
    client = manager_client()
    url = "/advocacy/analytics/?weeks=26&pilot_start=2026-02-17&pilot_end=2026-03-01"

    def count() -> int:
        with time_machine.travel(at("2026-03-18", 12), tick=False):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
        return len(queries)

    count()
    first = count()

    # when many more people post, in more departments, with clicks
    for n in range(3):
        team = Department.objects.create(name=f"Team {n}")
        for m in range(6):
            post(UserFactory(department=team), f"2026-03-{m + 2:02d}", clicks=("2026-03-09",))
    link_services.visits_qualify()

    # then the same number of queries
    assert count() == first


@pytest.mark.django_db
def test_advocacy_managers_edit_goals_in_the_admin(site):
    # given an advocacy manager and an HR editor
    roles = roles_ensure()
    manager = UserFactory(groups=[roles.advocacy_managers], is_staff=True)
    editor = UserFactory(groups=[roles.hr_editors], is_staff=True)
    sales = Department.objects.create(name="Sales")

    # when the manager adds a goal for Sales
    client = Client()
    client.force_login(manager)
    listing = client.get("/admin/advocacy/goals/")
    response = client.post(
        "/admin/advocacy/goals/new/",
        {"department": sales.pk, "metric": "posts_per_week", "target": "12.5", "starts_on": "", "ends_on": ""},
    )

    # then it is saved; the list says the privacy rule; the HR editor may not see the goals
    assert listing.status_code == 200
    assert "at least 5 of its people" in listing.content.decode()
    assert response.status_code == 302
    assert list(DepartmentGoal.objects.values_list("department__name", "metric", "target")) == [
        ("Sales", "posts_per_week", Decimal("12.5"))
    ]
    other = Client()
    other.force_login(editor)
    assert other.get("/admin/advocacy/goals/").status_code == 302  # sent back: no right


@pytest.mark.django_db
def test_goals_and_the_pilot_speak_french(site, departments, pilot_history):
    # given a company goal and a manager who reads French
    goal(None, Metric.POSTS_PER_WEEK, "2")

    # when they compare the pilot of 17 February to 1 March on 18 March
    with time_machine.travel(at("2026-03-18", 12), tick=False):
        page = (
            manager_client(preferred_language="fr")
            .get("/advocacy/analytics/?weeks=4&pilot_start=2026-02-17&pilot_end=2026-03-01")
            .content.decode()
        )

    # then the goal, its progress and the comparison are in French
    assert "Toute l’entreprise — Publications par semaine" in page
    assert "3,8 sur 2, 190 %" in page
    assert "en bonne voie" in page
    assert "Pilote\xa0: avant, pendant et après" in page
    assert "Ambassadeurs actifs par semaine" in page
    assert "Évolution, pendant par rapport à avant" in page
