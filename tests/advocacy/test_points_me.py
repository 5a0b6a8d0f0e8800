"""/me/'s advocacy card: points (all time, this month), badges, and the form for the
leaderboard opt-in (off by default) and the declared audience sizes (integers ≥ 0, optional),
posted with CSRF; invalid values show the errors."""

from __future__ import annotations

from django.test import Client

from advocacy_share.models import AdvocateProfile, BadgeAward, PointsTotal
from advocacy_share.services.points import points_adjust
from tests.factories.certification import CertificateFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_me_shows_points_and_badges_and_the_opt_in_is_off_by_default(employee_client, employee):
    # given 12 points and a badge
    CertificateFactory(user=employee)
    points_adjust(employee.pk, 12, None, "", key="welcome")
    BadgeAward.objects.create(user=employee, badge="first_share")
    # when
    page = employee_client.get("/me/", **EN).content.decode()
    # then
    assert "12 points in all, 12 this month." in page
    assert '<span class="badge badge--success">First share</span>' in page
    assert 'name="leaderboard_opt_in" id="id_leaderboard_opt_in">' in page  # not checked
    assert 'href="/advocacy/leaderboard/"' in page


def test_saving_the_preferences_opts_in_and_shows_the_user_on_the_leaderboard_rows(employee_client, employee):
    # given a certified employee with points, hidden by default
    CertificateFactory(user=employee)
    points_adjust(employee.pk, 3, None, "", key="welcome")
    assert set(PointsTotal.objects.filter(user=employee).values_list("visible", flat=True)) == {False}
    # when they opt in and declare audiences
    response = employee_client.post(
        "/me/advocacy/", {"leaderboard_opt_in": "on", "audience_linkedin": "450", "audience_x": ""}, **EN
    )
    # then saved, and their totals become visible
    assert (response.status_code, response["Location"]) == (302, "/me/#advocacy-preferences")
    profile = AdvocateProfile.objects.get(user=employee)
    assert (profile.leaderboard_opt_in, profile.audience) == (True, {"linkedin": 450})
    assert set(PointsTotal.objects.filter(user=employee).values_list("visible", flat=True)) == {True}
    # when they opt out again
    employee_client.post("/me/advocacy/", {"audience_linkedin": "450"}, **EN)
    # then
    assert AdvocateProfile.objects.get(user=employee).leaderboard_opt_in is False
    assert set(PointsTotal.objects.filter(user=employee).values_list("visible", flat=True)) == {False}


def test_invalid_audience_sizes_are_shown_and_nothing_is_saved(employee_client, employee):
    # when
    response = employee_client.post(
        "/me/advocacy/", {"leaderboard_opt_in": "on", "audience_x": "-3", "audience_facebook": "many"}, **EN
    )
    # then
    page = response.content.decode()
    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to 0." in page
    assert "Enter a whole number." in page
    assert not AdvocateProfile.objects.filter(user=employee).exists()


def test_the_preferences_form_needs_csrf_and_post(employee, site):
    # given a client that enforces CSRF
    client = Client(enforce_csrf_checks=True)
    client.force_login(employee)
    # when / then
    assert client.post("/me/advocacy/", {"leaderboard_opt_in": "on"}).status_code == 403
    assert client.get("/me/advocacy/").status_code == 405
    assert not AdvocateProfile.objects.filter(user=employee).exists()
