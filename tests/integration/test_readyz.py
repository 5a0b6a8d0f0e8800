"""/readyz against the real PostgreSQL and Redis, and with the broker unreachable (TESTPLAN 44)."""

from __future__ import annotations

import time

import pytest

from tests.integration.processes import free_port

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

READY_BOUND_SECONDS = 2.0


def test_readyz_is_ok_with_postgresql_and_redis(integration_services, client):
    # given: a recent worker heartbeat (the test settings' cache is local to this process)
    from lms.home import health

    health.heartbeat_record()

    # when
    response = client.get("/readyz")

    # then
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "ok", "worker": "ok", "queue": "ok"}
    assert "Retry-After" not in response


def test_readyz_answers_503_fast_when_the_broker_is_down(integration_services, client, monkeypatch):
    from lms.celery import app

    # given: the broker URL points at a closed port (the environment variable wins over the setting)
    down = f"redis://127.0.0.1:{free_port()}/0"
    monkeypatch.setenv("CELERY_BROKER_URL", down)
    saved = app.conf.get("broker_url")
    app.conf.broker_url = down
    try:
        # when
        started = time.monotonic()
        response = client.get("/readyz")
        elapsed = time.monotonic() - started
    finally:
        app.conf.broker_url = saved

    # then
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"] != "ok"
    assert elapsed < READY_BOUND_SECONDS
