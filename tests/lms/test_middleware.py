"""SQLite's "database is locked" reaches the user as 503 + Retry-After, never a 500 (TESTPLAN 43)."""

import pytest
from django.db import OperationalError

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
