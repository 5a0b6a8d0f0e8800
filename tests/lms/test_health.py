"""Probes: /healthz (liveness, no dependency) and /readyz (database, broker, worker, queue)."""

import os
import time

import pytest
from django.core.cache import cache
from django.db import OperationalError

import lms.celery
from lms.home import health

ALL_OK = {"database": "ok", "broker": "ok", "worker": "ok", "queue": "ok"}


@pytest.fixture(autouse=True)
def heartbeat():
    """A worker that ran its heartbeat just now, unless a test says otherwise."""
    cache.clear()
    health.heartbeat_record()
    yield
    cache.clear()


@pytest.fixture
def filesystem_broker(settings, tmp_path):
    """The embedded broker, its queue folder under tmp_path."""
    queue = tmp_path / "queue"
    queue.mkdir()
    settings.CELERY_BROKER_URL = "filesystem://localhost/"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(queue), "data_folder_out": str(queue)}
    return queue


def message(queue, name: str, age_seconds: float):
    path = queue / name
    path.write_text("{}")
    then = time.time() - age_seconds
    os.utime(path, (then, then))
    return path


def test_healthz_is_ok_without_touching_the_database(client):
    # when: no database access is allowed in this test, so any query would raise
    response = client.get("/healthz")

    # then
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert "no-cache" in response["Cache-Control"]


def test_readyz_reports_database_broker_worker_and_queue(client, db):
    # when
    response = client.get("/readyz")

    # then
    body = response.json()
    assert response.status_code == 200
    assert (body["status"], body["checks"]) == ("ok", ALL_OK)
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
    assert response.json()["checks"] == {**ALL_OK, "broker": "ConnectionRefusedError"}
    assert response["Retry-After"] == "10"


def test_readyz_writes_a_probe_to_the_filesystem_queue_and_leaves_nothing(client, db, filesystem_broker):
    # when
    response = client.get("/readyz")

    # then
    assert (response.status_code, response.json()["checks"]) == (200, ALL_OK)
    assert list(filesystem_broker.iterdir()) == []


def test_readyz_is_503_when_the_filesystem_queue_cannot_be_written(client, db, settings, tmp_path):
    # given: the queue "folder" is a file (an unwritable folder would not stop root)
    (tmp_path / "queue").write_text("")
    settings.CELERY_BROKER_URL = "filesystem://localhost/"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "queue")}

    # when
    response = client.get("/readyz")

    # then
    assert response.status_code == 503
    assert response.json()["checks"] == {
        **ALL_OK,
        "broker": "queue folder not writable: NotADirectoryError",
        "queue": "queue folder not readable: NotADirectoryError",
    }


def test_readyz_is_503_before_any_worker_heartbeat(client, db):
    # given
    cache.clear()

    # when
    response = client.get("/readyz")

    # then
    assert response.status_code == 503
    assert response.json()["checks"] == {**ALL_OK, "worker": "no heartbeat"}
    assert response["Retry-After"] == "10"


def test_readyz_is_503_when_the_last_heartbeat_is_over_a_minute_old(client, db):
    # given: the worker stopped 61 s ago; 59 s is still fine
    health.heartbeat_record(time.time() - 59)
    fresh = client.get("/readyz")
    health.heartbeat_record(time.time() - 61)

    # when
    response = client.get("/readyz")

    # then
    assert fresh.status_code == 200
    assert response.status_code == 503
    assert response.json()["checks"] == {**ALL_OK, "worker": "stale: last heartbeat 61 s ago"}


def test_readyz_is_503_when_a_message_waited_over_two_minutes(client, db, filesystem_broker):
    # given: 44 messages waiting, the oldest 5 minutes; a probe-like file older still is ignored
    for n in range(43):
        message(filesystem_broker, f"{n:04d}_x.celery.msg", 10)
    message(filesystem_broker, "0044_y.celery.msg", 300)
    message(filesystem_broker, ".readyz-leftover", 3600)

    # when
    response = client.get("/readyz")

    # then
    assert response.status_code == 503
    assert response.json()["checks"] == {**ALL_OK, "queue": "oldest message waiting 300 s"}


def test_readyz_is_ok_with_messages_younger_than_two_minutes(client, db, filesystem_broker):
    # given
    message(filesystem_broker, "0001_x.celery.msg", 119)

    # when
    response = client.get("/readyz")

    # then
    assert (response.status_code, response.json()["checks"]) == (200, ALL_OK)


def test_the_worker_records_its_heartbeat_through_the_beat_task(db):
    # given: no heartbeat yet
    cache.clear()

    # when: the beat entry's task runs (eagerly here), loaded as the worker loads it
    from lms.celery import app

    app.loader.import_default_modules()
    entry = app.conf.beat_schedule["worker-heartbeat"]
    app.tasks[entry["task"]].delay()

    # then
    assert entry["schedule"] == 15.0
    assert health.check_worker() == health.Check(True, "ok")
