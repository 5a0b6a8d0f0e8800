"""The advocacy dashboard (/advocacy/analytics/): every figure against a hand-computed
expectation, the privacy rules (named only when opted in, groups of at least 5), who may see
it, and a constant number of queries."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from advocacy_share.data import DepartmentActivity, NetworkValue, RankedItem, WeekActivity
from advocacy_share.models import ActivityWeek, AdvocacySettings, AdvocateProfile, Share, ShareableContent
from advocacy_share.selectors.analytics import dashboard, media_value
from advocacy_share.services import analytics
from advocacy_share.services import links as link_services
from lms.home.roles import roles_ensure
from lms.people.models import Department
from tests.factories.advocacy import (
    CampaignFactory,
    ShareableContentFactory,
    ShareFactory,
    TrackedLinkFactory,
    VisitFactory,
)
from tests.factories.certification import CertificateFactory, CertificationProgramFactory
from tests.factories.courses import CoursePageFactory, EnrollmentFactory
from tests.factories.people import UserFactory

TODAY = date(2026, 3, 18)  # a Wednesday; the last 4 weeks start on Monday 23 February


def at(day: str, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(f"{day}T{hour:02d}:00"))


def share(user, content, network, day, status=Share.Status.SHARED):
    made = ShareFactory(user=user, content=content, network=network, created_at=at(day), status=status)
    analytics.activity_share_count(share_id=made.pk)
    return made


def clicks(made, *days: str, bots: int = 0) -> None:
    link = TrackedLinkFactory(share=made)
    for n, day in enumerate(days):
        VisitFactory(link=link, visitor=f"{n:064x}", at=at(day))
    for _ in range(bots):
        VisitFactory(link=link, visitor="f" * 64, at=at(days[0]), is_bot=True)


@pytest.fixture
def history(course_index):
    """Nine posts in the last four weeks by eight people, one before it, clicks, audiences."""
    sales, tech = Department.objects.create(name="Sales"), Department.objects.create(name="Tech")
    s1, s2, s3, s4, s5 = (UserFactory(department=sales, display_name=f"Seller {n}") for n in range(1, 6))
    t1, t2 = (UserFactory(department=tech, display_name=f"Techie {n}") for n in range(1, 3))
    n1 = UserFactory(department=None)
    AdvocateProfile.objects.create(user=s1, leaderboard_opt_in=True, audience={"linkedin": 1000})
    AdvocateProfile.objects.create(user=s2, audience={"x": 200})
    AdvocateProfile.objects.create(user=t1, leaderboard_opt_in=True, audience={"linkedin": 500})
    programme = CertificationProgramFactory(unlocks_advocacy=True)
    for person in (s1, s2, s3, s4, s5, t1):
        CertificateFactory(user=person, program=programme)
    course = CoursePageFactory(parent=course_index)
    for person in (s1, s2, s3, s4, s5, t1, t2):
        EnrollmentFactory(user=person, course=course)
    launch, trends = CampaignFactory(name="Launch"), CampaignFactory(name="Trends")
    a = ShareableContentFactory(title="Plant A", campaign=launch, kind=ShareableContent.Kind.COMPANY)
    b = ShareableContentFactory(title="Report B", campaign=trends, kind=ShareableContent.Kind.INDUSTRY)
    clicks(share(s1, a, "linkedin", "2026-03-16"), "2026-03-16", "2026-03-17", "2026-03-17", bots=1)
    share(s1, b, "linkedin", "2026-03-02")
    share(s2, a, "x", "2026-03-09")
    share(s3, None, "facebook", "2026-03-10")
    share(s4, a, "facebook", "2026-02-24")
    share(s5, b, "linkedin", "2026-03-17")
    clicks(share(t1, a, "linkedin", "2026-03-03"), "2026-03-04", "2026-03-04")
    share(t2, None, "x", "2026-02-25")
    share(n1, b, "x", "2026-03-11")
    clicks(share(s1, a, "x", "2026-02-20"), "2026-02-21", "2026-02-24")  # before the period
    share(s2, a, "linkedin", "2026-03-12", status=Share.Status.SCHEDULED)  # a reminder only
    link_services.visits_qualify()
    rates = AdvocacySettings.load()
    rates.cpm_low_linkedin, rates.cpm_high_linkedin = Decimal("10"), Decimal("20")
    rates.cpc_low_linkedin, rates.cpc_high_linkedin = Decimal("1.50"), Decimal("3")
    rates.cpm_low_x, rates.cpm_high_x = Decimal("5"), Decimal("8")
    rates.cpc_low_x, rates.cpc_high_x = Decimal("0.50"), Decimal("1")
    rates.save()
    return {"a": a, "b": b, "launch": launch, "trends": trends, "sales": sales}


@pytest.mark.django_db
def test_every_figure_of_the_last_four_weeks(history):
    # when the dashboard of the last four weeks is read on Wednesday 18 March
    dash = dashboard(weeks=4, today=TODAY)

    # then the period runs from Monday 23 February
    assert (dash.start, dash.end) == (date(2026, 2, 23), TODAY)
    # the funnel: 8 employees, 7 enrolled, 6 certified, 8 active (t2 and n1 share uncertified)
    assert (dash.employees, dash.enrolled, dash.certified, dash.active_advocates) == (8, 7, 6, 8)
    # 9 posts: 7 library shares and 2 own posts; the reminder and the earlier share do not count
    assert (dash.posts, dash.shares, dash.own_posts) == (9, 7, 2)
    # clicks by the day of the visit: 3 + 2 + the 24 February click on the earlier share
    assert dash.qualified_clicks == 6
    assert dash.clicks_per_post == Decimal("0.67")  # 6 / 9
    # the mix: 4 company shares of 7 library shares, against at most 20 %
    assert (dash.company_posts, dash.industry_posts, dash.company_percent) == (4, 3, Decimal("57.1"))
    assert (dash.mix_target_percent, dash.mix_on_target) == (20, False)
    # reach: s1's 1000 on two LinkedIn posts, s2's 200 on X, t1's 500 on LinkedIn
    assert dash.reach == 2700
    assert dash.networks == (
        NetworkValue("linkedin", "LinkedIn", 4, 2500, 5, *map(Decimal, ("10", "20", "1.50", "3", "32.50", "65.00"))),
        NetworkValue("x", "X", 3, 200, 1, *map(Decimal, ("5", "8", "0.50", "1", "1.50", "2.60"))),
        NetworkValue("facebook", "Facebook", 2, 0, 0, *map(Decimal, ("0", "0", "0", "0", "0.00", "0.00"))),
    )
    assert (dash.emv_low, dash.emv_high, dash.rates_set) == (Decimal("34.00"), Decimal("67.60"), True)
    assert dash.series == (
        WeekActivity(date(2026, 2, 23), 2, (0, 0, 1), 1),
        WeekActivity(date(2026, 3, 2), 2, (2, 0, 0), 2),
        WeekActivity(date(2026, 3, 9), 3, (0, 2, 0), 0),
        WeekActivity(date(2026, 3, 16), 2, (2, 0, 0), 3),
    )
    assert dash.top_content == (RankedItem("Plant A", 4, 6), RankedItem("Report B", 3, 0))
    assert dash.top_campaigns == (RankedItem("Launch", 4, 6), RankedItem("Trends", 3, 0))
    # Sales has 5 active advocates; Tech (2) and no department (1) make an "Other" of 3: hidden
    assert dash.departments == (DepartmentActivity("Sales", 5, 6),)
    # only the two people who opted in are named
    assert dash.top_advocates == (RankedItem("Seller 1", 2), RankedItem("Techie 1", 1))


@pytest.mark.django_db
def test_the_rebuilt_roll_ups_give_the_same_dashboard(history):
    # given the dashboard from the incremental roll-ups
    before = dashboard(weeks=4, today=TODAY)

    # when the roll-ups are rebuilt
    analytics.activity_rebuild()

    # then every figure is the same
    assert dashboard(weeks=4, today=TODAY) == before


@pytest.mark.django_db
def test_small_groups_are_merged_into_other_and_shown_from_five_people():
    # given active advocates: 6 in A and 3 in B posting twice, 2 without department once; then
    # 4 in C only
    depts = {name: Department.objects.create(name=name) for name in "ABC"}

    def active(department, posts: int) -> None:
        person = UserFactory(department=department)
        for n in range(posts):
            share(person, None, "x", f"2026-03-{16 + n}")

    for name, people in (("A", 6), ("B", 3)):
        for _ in range(people):
            active(depts[name], 2)
    for _ in range(2):
        active(None, 1)

    # when the dashboard is read
    shown = dashboard(weeks=4, today=TODAY).departments

    # then A shows, B and no department form an "Other" of 5 people
    assert shown == (DepartmentActivity("A", 6, 12), DepartmentActivity("Other", 5, 8, other=True))

    # and when only 4 people of C are active, nothing shows
    Share.objects.all().delete()
    analytics.activity_rebuild()
    for _ in range(4):
        active(depts["C"], 1)
    assert dashboard(weeks=4, today=TODAY).departments == ()


@pytest.mark.django_db
def test_an_empty_programme_has_no_ratio_and_no_value():
    # when nothing was ever shared
    dash = dashboard(weeks=12, today=TODAY)

    # then counts are 0, ratios are absent, and twelve empty weeks
    assert (dash.posts, dash.qualified_clicks, dash.clicks_per_post, dash.company_percent) == (0, 0, None, None)
    assert (dash.emv_low, dash.emv_high, dash.rates_set, dash.active_percent) == (
        Decimal("0.00"),
        Decimal("0.00"),
        False,
        None,
    )
    assert len(dash.series) == 12
    assert dash.series[0].week == date(2025, 12, 29)


def test_media_value_formula():
    # reach / 1000 × CPM + qualified clicks × CPC, to the cent, half up
    assert media_value(reach=1234, clicks=7, cpm=Decimal("12.50"), cpc=Decimal("0.85")) == Decimal("21.38")


@pytest.mark.django_db
def test_another_number_of_weeks_is_refused():
    with pytest.raises(ValueError):
        dashboard(weeks=5, today=TODAY)


@pytest.mark.django_db
def test_rates_low_above_high_are_refused():
    # given a high CPM below the low one
    rates = AdvocacySettings.load()
    rates.cpm_low_x, rates.cpm_high_x = Decimal("9"), Decimal("4")

    # then the settings do not validate, on that field
    with pytest.raises(Exception) as error:
        rates.full_clean()
    assert list(error.value.message_dict) == ["cpm_high_x"]


# --- the page --------------------------------------------------------------------------------


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(site):
    response = Client().get("/advocacy/analytics/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["employee", "hr_editor", "staff"])
def test_people_without_the_right_are_refused(site, role):
    # given an employee, an HR editor, and staff without the right
    roles = roles_ensure()
    user = {
        "employee": lambda: UserFactory(),
        "hr_editor": lambda: UserFactory(groups=[roles.hr_editors], is_staff=True),
        "staff": lambda: UserFactory(is_staff=True),
    }[role]()

    # when they open the dashboard, then 403
    assert client_for(user).get("/advocacy/analytics/").status_code == 403


@pytest.mark.django_db
def test_advocacy_managers_and_superusers_see_it(site, history, django_assert_max_num_queries):
    # given an advocacy manager (not certified) and a superuser
    manager = UserFactory(groups=[roles_ensure().advocacy_managers], is_staff=True, department=None)
    admin = UserFactory(is_superuser=True, is_staff=True, department=None)

    # when they open the last four weeks on 18 March
    with time_machine.travel(at("2026-03-18", 12), tick=False):
        client = client_for(manager)
        client.get("/advocacy/analytics/?weeks=4")  # warm caches (settings, site)
        with django_assert_max_num_queries(30):
            response = client.get("/advocacy/analytics/?weeks=4")
        other = client_for(admin).get("/advocacy/analytics/?weeks=4")

    # then the page shows the figures, the formula and the period
    assert (response.status_code, other.status_code) == (200, 200)
    page = response.content.decode()
    assert "reach / 1000 × CPM + qualified clicks × CPC" in page
    assert "34.00" in page and "67.60" in page
    assert "Seller 1" in page and "Seller 2" not in page
    assert response.context["dash"].posts == 9
    assert response.context["dash"].employees == 10  # the eight, the manager and the superuser


@pytest.mark.django_db
def test_the_page_keeps_a_constant_number_of_queries(site, history, django_assert_num_queries):
    # given the count for the history
    manager = UserFactory(groups=[roles_ensure().advocacy_managers], is_staff=True)
    client = client_for(manager)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/advocacy/analytics/?weeks=26").status_code == 200
        return len(queries)

    client.get("/advocacy/analytics/?weeks=26")
    first = count()

    # when much more activity is added
    for n in range(30):
        share(UserFactory(), history["b"], "facebook", f"2026-03-{n % 9 + 10:02d}")
    analytics.activity_rebuild()

    # then the same number of queries
    assert count() == first


@pytest.mark.django_db
@pytest.mark.parametrize("weeks", ["5", "abc", ""])
def test_an_unknown_period_is_a_400(site, weeks):
    manager = UserFactory(groups=[roles_ensure().advocacy_managers], is_staff=True)
    response = client_for(manager).get(f"/advocacy/analytics/?weeks={weeks}")
    assert response.status_code == 400
    assert "4, 12 or 26" in response.content.decode()


@pytest.mark.django_db
def test_weekly_activity_per_department_hides_groups_and_weeks_under_five():
    # given, in the weeks of 9 and 16 March: A has 5 active then 2; B has 3 active in the
    # first week and 2 people of no department too; C has 4 active in the second week
    depts = {name: Department.objects.create(name=name) for name in "ABC"}
    a_people = [UserFactory(department=depts["A"]) for _ in range(5)]
    first, second = date(2026, 3, 9), date(2026, 3, 16)
    for person in a_people:
        ActivityWeek.objects.create(week=first, user=person, department_id=depts["A"].pk, posts=2)
    for person in a_people[:2]:
        ActivityWeek.objects.create(week=second, user=person, department_id=depts["A"].pk, posts=1)
    for _ in range(3):
        ActivityWeek.objects.create(week=first, user=UserFactory(), department_id=depts["B"].pk, posts=1)
    for _ in range(2):
        ActivityWeek.objects.create(week=first, user=UserFactory(), department_id=0, posts=3)
    for _ in range(4):
        ActivityWeek.objects.create(week=second, user=UserFactory(), department_id=depts["C"].pk, posts=1)

    # when the last three weeks are read through the api
    from advocacy_share import api
    from advocacy_share.data import DepartmentWeeks
    from advocacy_share.selectors.analytics import weekly_activity

    with time_machine.travel(at("2026-03-18", 12), tick=False):
        through_api = api.weekly_activity(weeks=3)
    found = weekly_activity(weeks=3, today=TODAY)

    # then A shows its first week only; B, C and no department make "Other" (9 people over the
    # period): 5 in the first week (shown), 4 in the second (hidden)
    assert found == through_api
    assert found.weeks == (date(2026, 3, 2), first, second)
    assert found.departments == (
        DepartmentWeeks("A", (None, 5, None), (None, 10, None)),
        DepartmentWeeks("Other", (None, 5, None), (None, 9, None), other=True),
    )
    with pytest.raises(ValueError):
        weekly_activity(weeks=0)


@pytest.mark.django_db
def test_the_dashboard_speaks_french(site, history):
    # given a manager who reads French
    manager = UserFactory(groups=[roles_ensure().advocacy_managers], is_staff=True, preferred_language="fr")

    # when they open the last four weeks on 18 March
    with time_machine.travel(at("2026-03-18", 12), tick=False):
        page = client_for(manager).get("/advocacy/analytics/?weeks=4").content.decode()

    # then the headings, the formula and the range are in French
    assert "Tableau de bord des ambassadeurs" in page
    assert "portée / 1000 × CPM + clics qualifiés × CPC" in page
    assert "entre 34,00 et 67,60" in page
    assert "4 dernières semaines" in page
