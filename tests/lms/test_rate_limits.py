"""Rate limits (TESTPLAN 36) on quiz submissions, report exports and the advocacy endpoints:
the request past the rate answers 429 with ``Retry-After`` through the error contract and does
nothing; the count is per user (per client address when signed out); the counters live in the
default cache, shared by every web process."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from advocacy_share.models import ShareableContent
from courses import services
from courses.models import Attempt
from lms.home.roles import roles_ensure
from lms.http import rate_limit, rate_period_seconds
from tests.advocacy.library_helpers import allow_domains, certified_employee
from tests.factories.answers import correct_answers, route
from tests.factories.people import UserFactory
from tests.factories.policy import PolicyPageFactory


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_defaults_are_generous_and_read_from_settings():
    # given
    from django.conf import settings

    # then
    assert (settings.QUIZ_SUBMIT_RATE, settings.REPORT_EXPORT_RATE, settings.ADVOCACY_API_RATE) == (
        "30/m",
        "30/m",
        "60/m",
    )
    assert [rate_period_seconds(rate) for rate in ("30/m", "200/h", "100/5m", "10/s")] == [60, 3600, 300, 1]


# --- quiz submissions ---------------------------------------------------------------------------


def test_a_quiz_submit_past_the_rate_is_refused_and_grades_nothing(settings, quiz_factory, employee, other_employee):
    # given a rate of two posts a minute, spent on two saves
    settings.QUIZ_SUBMIT_RATE = "2/m"
    quiz = quiz_factory()
    attempt = services.attempt_start(user=employee, quiz=quiz)
    client = signed_in(employee)
    url = route(quiz, "attempt", attempt)
    answers = correct_answers(attempt)
    saves = [client.post(url, {**answers, "action": "save"}).status_code for _ in range(2)]

    # when
    response = client.post(url, {**answers, "action": "submit"}, HTTP_ACCEPT="application/json")

    # then
    assert saves == [302, 302]
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response.json()["error"]["code"] == "rate_limited"
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score, attempt.finished_at) == (Attempt.Status.IN_PROGRESS, None, None)

    # and another learner, from the same address, still submits
    other_attempt = services.attempt_start(user=other_employee, quiz=quiz)
    other = signed_in(other_employee).post(
        route(quiz, "attempt", other_attempt), {**correct_answers(other_attempt), "action": "submit"}
    )
    assert (other.status_code, other["Location"]) == (302, route(quiz, "attempt_result", other_attempt))
    other_attempt.refresh_from_db()
    assert other_attempt.status == Attempt.Status.SUBMITTED


def test_a_refused_quiz_submit_shows_the_error_page_to_a_browser(settings, quiz_factory, employee):
    # given
    settings.QUIZ_SUBMIT_RATE = "1/m"
    quiz = quiz_factory()
    attempt = services.attempt_start(user=employee, quiz=quiz)
    client = signed_in(employee)
    client.post(route(quiz, "attempt", attempt), {**correct_answers(attempt), "action": "save"})

    # when
    response = client.post(route(quiz, "attempt", attempt), {**correct_answers(attempt), "action": "submit"})

    # then
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response.context["title"] == "Too many requests"
    assert "You have sent this quiz many times in a short time." in response.content.decode()


# --- report exports -----------------------------------------------------------------------------


@pytest.fixture
def hr_editors(site):
    PolicyPageFactory(parent=site)
    group = roles_ensure().hr_editors
    return UserFactory(groups=[group]), UserFactory(groups=[group])


REPORT = "policy_acknowledgement_report"


def test_an_export_past_the_rate_is_refused_without_a_file(settings, hr_editors):
    # given
    settings.REPORT_EXPORT_RATE = "2/m"
    first, second = hr_editors
    client = signed_in(first)
    exports = [client.get(reverse(REPORT), {"export": "csv"}) for _ in range(2)]

    # when
    refused = client.get(reverse(REPORT), {"export": "xlsx"})

    # then
    assert [(r.status_code, r["Content-Type"]) for r in exports] == [(200, "text/csv; charset=utf-8")] * 2
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Content-Disposition" not in refused
    assert refused["Content-Type"] == "text/html; charset=utf-8"

    # and the listing itself is not limited; another editor still exports
    assert client.get(reverse(REPORT)).status_code == 200
    assert signed_in(second).get(reverse(REPORT), {"export": "csv"}).status_code == 200


def test_the_item_analysis_csv_counts_as_an_export(settings, hr_editors, quiz_factory):
    # given
    settings.REPORT_EXPORT_RATE = "1/m"
    quiz = quiz_factory()
    client = signed_in(hr_editors[0])
    url = reverse("courses_quiz_item_analysis", args=[quiz.pk])
    first = client.get(url, {"export": "csv"})

    # when
    second = client.get(url, {"export": "csv"})

    # then
    assert (first.status_code, first["Content-Type"].split(";")[0]) == (200, "text/csv")
    assert (second.status_code, second["Retry-After"]) == (429, "60")


# --- advocacy endpoints -------------------------------------------------------------------------

SUGGEST = "/advocacy/suggest/"


def suggestion(n: int) -> dict:
    return {"url": f"https://lnkd.in/trade-report-{n}", "title": f"Trade report {n}", "note": ""}


def test_a_suggestion_past_the_rate_is_refused_and_not_stored(settings, site):
    # given
    settings.ADVOCACY_API_RATE = "1/m"
    allow_domains()
    advocate, colleague = certified_employee(), certified_employee()
    client = signed_in(advocate)
    first = client.post(SUGGEST, suggestion(1), HTTP_ACCEPT="application/json")

    # when
    second = client.post(SUGGEST, suggestion(2), HTTP_ACCEPT="application/json")

    # then
    assert first.status_code == 201
    assert second.status_code == 429
    assert second["Retry-After"] == "60"
    assert second.json()["error"]["code"] == "rate_limited"
    assert list(ShareableContent.objects.values_list("title", flat=True)) == ["Trade report 1"]

    # and a colleague still suggests
    assert signed_in(colleague).post(SUGGEST, suggestion(3), HTTP_ACCEPT="application/json").status_code == 201


def test_the_leaderboard_json_is_limited_and_its_page_is_not(settings, site):
    # given
    settings.ADVOCACY_API_RATE = "1/m"
    client = signed_in(certified_employee())
    first = client.get("/advocacy/leaderboard/", HTTP_ACCEPT="application/json")

    # when
    second = client.get("/advocacy/leaderboard/", HTTP_ACCEPT="application/json")

    # then
    assert (first.status_code, second.status_code) == (200, 429)
    assert client.get("/advocacy/leaderboard/").status_code == 200


def test_sharing_past_the_rate_records_no_share(settings, site):
    # given
    from advocacy_share.models import Share

    settings.ADVOCACY_API_RATE = "1/m"
    client = signed_in(certified_employee())
    client.post("/advocacy/compose/", {})  # an invalid form still counts

    # when
    response = client.post("/advocacy/compose/", {"networks": ["linkedin"], "text_linkedin": "Hello"})

    # then
    assert (response.status_code, response["Retry-After"]) == (429, "60")
    assert Share.objects.count() == 0


# --- the key: user, else the client address from the trusted proxy ------------------------------


def test_signed_out_requests_are_counted_per_client_address_from_the_trusted_proxy(settings):
    # given one trusted proxy appending the address it saw to X-Forwarded-For
    from django.contrib.auth.models import AnonymousUser

    settings.PORTE_VOIX_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.PORTE_VOIX_TRUSTED_PROXY_COUNT = 1
    settings.QUIZ_SUBMIT_RATE = "1/m"

    def request(forwarded: str):
        made = RequestFactory().post("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.2")
        made.user = AnonymousUser()
        return rate_limit(made, group="test", setting="QUIZ_SUBMIT_RATE", message="Slow down.")

    # when: the same client twice, forging a different first entry; then another client
    first = request("203.0.113.7")
    forged = request("198.51.100.1, 203.0.113.7")
    other = request("203.0.113.8")

    # then
    assert first is None
    assert (forged.status_code, forged["Retry-After"]) == (429, "60")
    assert other is None
