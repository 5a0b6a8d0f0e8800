"""A database momentarily out of reach — SQLite's "database is locked", PostgreSQL refusing or
dropping the connection — reaches the user as 503 + Retry-After, never a 500 (TESTPLAN 43);
real faults stay 500."""

import pytest
from django.db import OperationalError
from django.test import Client

from lms.middleware import RETRY_AFTER_SECONDS
from lms.people.models import Department

pytestmark = pytest.mark.urls("tests.lms.busy_urls")


@pytest.mark.parametrize("variant", ["accept_header", "json_body"])
def test_locked_database_answers_503_in_json(variant, client, db):
    # when
    if variant == "accept_header":
        response = client.get("/busy/", HTTP_ACCEPT="application/json")
    else:
        response = client.post("/busy/", data=b"{}", content_type="application/json")

    # then
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "temporarily_busy"
    assert set(response.json()["error"]) == {"code", "message"}


def test_locked_database_answers_503_with_the_friendly_page(client, db):
    # when
    response = client.get("/busy/", HTTP_ACCEPT="text/html,application/xhtml+xml,application/json;q=0.9")

    # then
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    assert [t.name for t in response.templates][0] == "error.html"
    assert b"OperationalError" not in response.content
    assert b"database is locked" not in response.content


def test_nothing_is_half_written_when_the_lock_times_out(client, db):
    # when
    response = client.post("/busy-after-write/")

    # then
    assert response.status_code == 503
    assert not Department.objects.filter(name="Written before the lock").exists()


def test_other_database_errors_are_not_disguised_as_busy(client, db):
    # when / then: a real fault stays a fault (the test client re-raises it)
    with pytest.raises(OperationalError, match="no such table"):
        client.get("/broken/")


def test_normal_responses_pass_through(client, db):
    # when
    response = client.get("/fine/")

    # then
    assert (response.status_code, response.content) == (200, b"ok")
    assert "Retry-After" not in response


@pytest.mark.parametrize("path", ["/pg-gone/", "/pg-restarting/"])
def test_postgresql_out_of_reach_answers_503(path, client, db):
    # when a view's query finds no server (nothing listening) or a server shutting down
    response = client.get(path, HTTP_ACCEPT="application/json")

    # then the client is told to come back, not that the site is broken
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json()["error"]["code"] == "temporarily_busy"


def test_a_postgresql_statement_timeout_stays_a_fault(db):
    # given a client that renders errors as a browser would see them
    client = Client(raise_request_exception=False)

    # when a query is cancelled by the statement timeout (a slow query is a bug to fix)
    response = client.get("/pg-timeout/")

    # then it is the 500 page
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_a_lock_hit_by_a_middleware_before_the_view_answers_503(db, settings):
    # given a middleware that reads the database before any view, and finds it locked
    settings.MIDDLEWARE = ["tests.lms.busy_urls.LockedBeforeTheView", *settings.MIDDLEWARE]
    client = Client(raise_request_exception=False)

    # when
    response = client.get("/fine/", HTTP_ACCEPT="application/json")

    # then the 500 handler answers as the middleware would have
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json()["error"]["code"] == "temporarily_busy"
