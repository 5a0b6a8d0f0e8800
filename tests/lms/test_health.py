"""Probes: /healthz (liveness, no dependency) and /readyz (database and broker)."""

from django.db import OperationalError

import lms.celery


def test_healthz_is_ok_without_touching_the_database(client):
    # when: no database access is allowed in this test, so any query would raise
    response = client.get("/healthz")

    # then
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert "no-cache" in response["Cache-Control"]


def test_readyz_reports_database_and_broker(client, db):
    # when
    response = client.get("/readyz")

    # then
    body = response.json()
    assert response.status_code == 200
    assert (body["status"], body["checks"]) == ("ok", {"database": "ok", "broker": "ok"})
    assert isinstance(body["elapsed_ms"], float)
    assert "Retry-After" not in response


def test_readyz_is_503_when_the_database_is_down(client, db, monkeypatch):
    # given
    class DownDatabase:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("lms.home.views.connection", DownDatabase())

    # when
    response = client.get("/readyz")

    # then
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "OperationalError"
    assert response.json()["status"] == "unavailable"
    assert response["Retry-After"] == "10"


def test_readyz_is_503_when_the_broker_is_down(client, db, monkeypatch):
    # given
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(lms.celery.app, "connection_for_write", refuse)

    # when
    response = client.get("/readyz")

    # then
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "broker": "ConnectionRefusedError"}
    assert response["Retry-After"] == "10"
