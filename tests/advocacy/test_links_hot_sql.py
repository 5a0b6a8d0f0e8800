"""The tracked link's direct statements (``advocacy_share.hot_sql``): the same rows and the same
errors as through Django's cursor, visible to query counters, and visit writers on SQLite
taking turns through the lock file next to the database."""

from __future__ import annotations

import fcntl
import os
import threading
from datetime import UTC, datetime

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from advocacy_share import hot_sql
from advocacy_share.models import Visit
from advocacy_share.selectors import links as link_selectors
from advocacy_share.services import links as link_services
from tests.factories.advocacy import TrackedLinkFactory

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the direct path is SQLite's")


def record(link_id: int) -> None:
    link_services.visit_record(
        link_id=link_id,
        at=datetime(2026, 12, 7, 9, 30, tzinfo=UTC),
        visitor="a" * 64,
        agent_family="Chrome",
        is_bot=False,
        is_prefetch=False,
        is_head=False,
        is_self=False,
    )


@pytest.mark.django_db
def test_the_link_read_gives_the_same_target_unwatched_and_watched():
    # given a tracked link
    link = TrackedLinkFactory()

    # when it is read with nobody counting queries, then while they are counted
    direct = link_selectors.link_for_redirect(link.code)
    with CaptureQueriesContext(connection) as captured:
        watched = link_selectors.link_for_redirect(link.code)

    # then both reads found the same link, and the counted one was seen
    assert direct == watched
    assert (direct.id, direct.target_url, direct.sharer_id) == (link.id, link.target_url, link.share.user_id)
    assert len(captured) == 1


@pytest.mark.django_db
def test_an_unknown_code_reads_as_none():
    assert link_selectors.link_for_redirect("NoSuchCode123") is None


@pytest.mark.django_db
def test_a_visit_recorded_unwatched_is_one_row_with_its_fields():
    # given a tracked link
    link = TrackedLinkFactory()

    # when a visit is recorded with nobody counting queries
    record(link.id)

    # then it is stored once, as given
    visit = Visit.objects.get(link=link)
    assert (visit.at, visit.visitor, visit.agent_family) == (
        datetime(2026, 12, 7, 9, 30, tzinfo=UTC),
        "a" * 64,
        "Chrome",
    )
    assert (visit.is_bot, visit.qualified, visit.processed_at) == (False, False, None)


@sqlite_only
@pytest.mark.django_db
def test_a_database_error_on_the_direct_path_is_djangos():
    # when the direct path runs a statement the database refuses
    # then the caller gets django.db.DatabaseError, as through Django's cursor
    with pytest.raises(DatabaseError):
        hot_sql.fetchone("SELECT no_such_column FROM advocacy_share_visit WHERE id = %s", (1,))
    with pytest.raises(DatabaseError):
        hot_sql.insert("INSERT INTO no_such_table (id) VALUES (%s)", (1,))


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_visit_writer_waits_for_the_one_holding_the_lock_file():
    # given a link, and another writer holding the visit lock next to the database
    link = TrackedLinkFactory()
    path = hot_sql.lock_path()
    assert path == str(connection.settings_dict["NAME"]) + ".visits.lock"
    other = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(other, fcntl.LOCK_EX)
    done = threading.Event()

    def click() -> None:
        try:
            record(link.id)
        finally:
            connection.close()
            done.set()

    # when a visit is recorded meanwhile in another thread
    thread = threading.Thread(target=click)
    thread.start()
    try:
        # then it waits while the lock is held, and writes once it is released
        assert done.wait(0.5) is False
        assert Visit.objects.filter(link=link).count() == 0
    finally:
        fcntl.flock(other, fcntl.LOCK_UN)
        os.close(other)
    thread.join(10)
    assert done.is_set()
    assert Visit.objects.filter(link=link).count() == 1


@sqlite_only
@pytest.mark.django_db
def test_a_write_inside_a_transaction_goes_through_djangos_cursor(monkeypatch):
    # given a link, and the direct path made to fail if it were taken
    link = TrackedLinkFactory()
    monkeypatch.setattr(hot_sql, "_writers_in_turn", None)

    # when a visit is recorded inside the test's transaction (not autocommit)
    record(link.id)

    # then it was written all the same, through Django's cursor
    assert Visit.objects.filter(link=link).count() == 1
