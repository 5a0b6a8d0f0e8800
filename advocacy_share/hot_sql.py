"""The tracked link's two statements (one read, one insert), run with as little in between as
the database allows. Private to the app: only ``/s/<code>`` uses it.

On SQLite, the embedded default, Django's cursor costs about as much as the query itself
(the placeholders rewritten by a regular expression, query logging checked, execute wrappers
called, a cursor object made and closed). So when nobody watches queries (no debug cursor,
no execute wrapper: ``assertNumQueries``, the debug toolbar and APM hooks still see both
statements go through Django) the statement runs on the DB-API connection, inside Django's
error translation, so callers catch ``django.db.DatabaseError`` as before. Other databases
always go through Django's cursor.

Visit writers on SQLite also pass the write lock to one another through an exclusive
``flock`` on a file next to the database. When SQLite finds its lock taken, its busy handler
sleeps for a millisecond at least, twenty times what an insert holds the lock for; the
kernel lock wakes the next writer the moment the previous one is done. The flock only orders
visit writers of this machine: correctness still rests on SQLite's own locking, and any
failure to take the flock just skips it.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX
from django.db.backends.sqlite3.creation import DatabaseCreation as SQLiteCreation

logger = logging.getLogger(__name__)

LOCK_SUFFIX = ".visits.lock"
_locks = threading.local()


def _direct() -> bool:
    return connection.vendor == "sqlite" and not (connection.queries_logged or connection.execute_wrappers)


@lru_cache(maxsize=16)
def _qmark(sql: str) -> str:
    """``sql`` with SQLite's placeholders, as Django's SQLite cursor rewrites it."""
    return FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%")


def fetchone(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """The first row of ``sql`` (``%s`` placeholders), or ``None``."""
    if _direct():
        connection.ensure_connection()
        with connection.wrap_database_errors:
            return connection.connection.execute(_qmark(sql), params).fetchone()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def insert(sql: str, params: Sequence[Any]) -> None:
    """Run the INSERT ``sql`` (``%s`` placeholders) in autocommit."""
    if _direct() and connection.get_autocommit():
        connection.ensure_connection()
        with _writers_in_turn(), connection.wrap_database_errors:
            connection.connection.execute(_qmark(sql), params)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def lock_path() -> str | None:
    """The file visit writers lock, next to the SQLite database; ``None`` for a database in
    memory."""
    name = str(connection.settings_dict["NAME"])
    if not name or SQLiteCreation.is_in_memory_db(name):
        return None
    return name + LOCK_SUFFIX


def _lock_fd() -> int | None:
    """This thread's descriptor of the lock file, opened once per process and thread (a
    descriptor inherited through ``fork`` would share its lock with the parent)."""
    path = lock_path()
    if path is None:
        return None
    held = getattr(_locks, "held", None)
    if held is not None and held[0] == os.getpid() and held[1] == path:
        return held[2]
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError:
        logger.warning("tracked links: cannot open %s; visit writers take turns through SQLite alone", path)
        fd = None
    _locks.held = (os.getpid(), path, fd)
    return fd


@contextmanager
def _writers_in_turn() -> Iterator[None]:
    fd = _lock_fd()
    if fd is None:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError:
        yield
        return
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
