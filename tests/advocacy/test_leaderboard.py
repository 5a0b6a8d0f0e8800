"""The leaderboard (TESTPLAN 40): top 20 of those who opted in, per period and scope, the
viewer's own standing always (shown to them alone when opted out), display names only, the
same data as JSON, read from the totals in a constant number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advocacy_share.models import AdvocateProfile, BadgeAward, PointsTotal
from advocacy_share.services.points import award, period_starts, points_adjust, preferences_save
from tests.factories.certification import CertificateFactory, CertificationProgramFactory
from tests.factories.people import DepartmentFactory, UserFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def viewer(employee):
    program = CertificationProgramFactory(unlocks_advocacy=True, requires_policy_acknowledgement=False)
    CertificateFactory(program=program, user=employee)
    return employee


def earner(points: int, *, opt_in: bool = True, at=None, **fields):
    fields.setdefault("last_name", "")
    user = UserFactory(**fields)
    preferences_save(user.pk, leaderboard_opt_in=opt_in, audience={})
    award(user_id=user.pk, kind="adjustment", points=points, key=f"seed-{user.pk}", at=at)
    return user


def board(client, **params):
    response = client.get("/advocacy/leaderboard/", {"format": "json", **params}, **EN)
    assert response.status_code == 200, response.content
    return response.json()


def test_opted_in_people_are_ranked_by_points_with_display_names_only(employee_client, viewer):
    # given three opted-in colleagues, one with a display name, and ties
    earner(30, display_name="Camille", email="camille.secret@example.com")
    earner(50, first_name="Jean", last_name="Dupont", email="jean.dupont@example.com")
    earner(30, first_name="Ada", last_name="")
    # when
    data = board(employee_client, period="all")
    # then competition ranks among visible people, names without emails
    assert [(r["rank"], r["name"], r["points"]) for r in data["rows"]] == [
        (1, "Jean D.", 50),
        (2, "Camille", 30),
        (2, "Ada", 30),
    ]
    assert "example.com" not in str(data)


def test_opted_out_people_appear_to_no_one_else_nor_in_ranks(employee_client, viewer):
    # given an opted-out colleague with the most points
    earner(100, first_name="Hidden", last_name="Person", opt_in=False)
    earner(10, first_name="Shown", last_name="Person")
    # when the viewer looks, in JSON and in HTML
    data = board(employee_client, period="all")
    html = employee_client.get("/advocacy/leaderboard/?period=all", **EN).content.decode()
    # then the hidden colleague is nowhere and counts in nobody's rank
    assert [(r["rank"], r["name"]) for r in data["rows"]] == [(1, "Shown P.")]
    assert "Hidden" not in html and "Hidden" not in str(data)


def test_an_opted_out_viewer_sees_where_they_would_stand_marked_only_for_them(employee_client, viewer):
    # given the viewer (opted out by default) with 20 points among visible 30 and 10
    earner(30)
    earner(10)
    points_adjust(viewer.pk, 20, None, "", key="viewer")
    # when
    data = board(employee_client, period="all")
    html = employee_client.get("/advocacy/leaderboard/?period=all", **EN).content.decode()
    # then they are not in the rows, their standing is rank 2 with 20 points, not visible
    assert data["viewer"] == {
        "rank": 2,
        "points": 20,
        "visible": False,
        "in_top": False,
        "badges": [],
        "ranked_at": None,
    }
    assert [r["points"] for r in data["rows"]] == [30, 10]
    assert "Only you see this:" in html


def test_the_viewer_outside_the_top_twenty_still_sees_their_rank(employee_client, viewer):
    # given 25 opted-in colleagues with 100..124 points and the opted-in viewer with 1
    for i in range(25):
        earner(100 + i)
    preferences_save(viewer.pk, leaderboard_opt_in=True, audience={})
    points_adjust(viewer.pk, 1, None, "", key="viewer")
    # when
    data = board(employee_client, period="all")
    # then 20 rows, and the viewer 26th
    assert len(data["rows"]) == 20
    assert data["viewer"]["rank"] == 26 and data["viewer"]["visible"] is True and data["viewer"]["in_top"] is False


def test_an_opted_in_viewer_in_the_top_is_marked_in_their_row(employee_client, viewer):
    # given
    preferences_save(viewer.pk, leaderboard_opt_in=True, audience={})
    points_adjust(viewer.pk, 8, None, "", key="viewer")
    BadgeAward.objects.create(user=viewer, badge="first_share")
    earner(9)
    # when
    data = board(employee_client, period="all")
    # then
    assert [(r["rank"], r["is_viewer"]) for r in data["rows"]] == [(1, False), (2, True)]
    assert data["rows"][1]["badges"] == [{"code": "first_share", "label": "First share"}]
    assert data["viewer"]["rank"] == 2 and data["viewer"]["in_top"] is True


def test_periods_count_only_their_own_points(employee_client, viewer):
    # given one colleague who earned 40 points 100 days ago and one who earned 5 today
    earner(40, first_name="Old", at=timezone.now() - timedelta(days=100))
    earner(5, first_name="New")
    # when / then
    assert [r["name"] for r in board(employee_client, period="all")["rows"]] == ["Old", "New"]
    assert [r["name"] for r in board(employee_client, period="week")["rows"]] == ["New"]
    assert [r["name"] for r in board(employee_client, period="month")["rows"]] == ["New"]


def test_the_department_scope_lists_the_viewers_department_only(employee_client, viewer):
    # given the viewer in Sales, a colleague in Sales and one in Finance
    sales, finance = DepartmentFactory(name="Sales"), DepartmentFactory(name="Finance")
    viewer.department = sales
    viewer.save(update_fields=["department"])
    earner(10, first_name="Sally", department=sales)
    earner(90, first_name="Fin", department=finance)
    # when
    data = board(employee_client, period="all", scope="department")
    # then
    assert [r["name"] for r in data["rows"]] == ["Sally"]
    assert data["department_name"] == "Sales"


def test_bad_parameters_are_a_400_not_a_500(employee_client, viewer):
    # when / then
    for params in ({"period": "decade"}, {"scope": "galaxy"}, {"scope": "department"}):
        response = employee_client.get("/advocacy/leaderboard/", {"format": "json", **params})
        assert response.status_code == 400
        assert set(response.json()["error"]) == {"code", "message"}


def test_the_gate_stops_an_uncertified_employee(employee_client):
    # when
    response = employee_client.get("/advocacy/leaderboard/?format=json")
    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "no_certificate"


def _bulk_visible(n: int, offset: int) -> None:
    """``n`` opted-in users with totals for every period (written directly, as the award does)."""
    users = UserFactory._meta.model.objects.bulk_create(
        [UserFactory.build(email=f"bulk{offset + i}@example.com", first_name=f"B{i}") for i in range(n)]
    )
    AdvocateProfile.objects.bulk_create([AdvocateProfile(user=u, leaderboard_opt_in=True) for u in users])
    starts = period_starts(timezone.localdate())
    PointsTotal.objects.bulk_create(
        [
            PointsTotal(user=u, period=period, period_start=start, points=i + 1, visible=True)
            for i, u in enumerate(users)
            for period, start in starts.items()
        ]
    )


def test_the_query_count_does_not_grow_with_the_number_of_people(employee_client, viewer):
    # given 30 people (more than the top 20), then 1,000
    _bulk_visible(30, 0)
    board(employee_client)
    with CaptureQueriesContext(connection) as small:
        board(employee_client)
    _bulk_visible(970, 30)
    with CaptureQueriesContext(connection) as large:
        data = board(employee_client)
    # then the same number of queries, and the top row is the best of the thousand
    assert len(large) == len(small)
    assert data["rows"][0]["points"] == 970


def test_a_person_who_changes_department_is_ranked_in_the_new_one(employee_client, viewer):
    # given the viewer in Finance, and a colleague who earned 12 points in Sales
    sales, finance = DepartmentFactory(name="Sales"), DepartmentFactory(name="Finance")
    viewer.department = finance
    viewer.save(update_fields=["department"])
    mover = earner(12, first_name="Mover", department=sales)
    # when the colleague moves to Finance
    mover.department = finance
    mover.save()
    # then the Finance board lists them and every total of theirs is Finance's
    assert [r["name"] for r in board(employee_client, period="all", scope="department")["rows"]] == ["Mover"]
    assert set(PointsTotal.objects.filter(user=mover).values_list("department_id", flat=True)) == {finance.pk}


def test_saving_other_fields_of_a_person_does_not_touch_their_totals(viewer):
    # given a person with totals
    person = earner(3)
    # when only their last login is saved
    with CaptureQueriesContext(connection) as queries:
        person.last_login = timezone.now()
        person.save(update_fields=["last_login"])
    # then one statement: the user's own update
    assert len(queries) == 1
