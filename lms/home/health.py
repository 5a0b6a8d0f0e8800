"""Readiness checks behind ``/readyz``: can we publish work, is a worker taking it, and how
long has the oldest message waited.

"broker: ok" used to mean only that a connection could be made, which the filesystem broker
always grants: the probe said ok with the queue folder unwritable, and with the worker stopped
and 44 messages waiting. Now:

- **broker**: filesystem, a probe file is written to and removed from the queue folder (the
  same folder the tasks are published to); other brokers, a connection is established (Redis
  answers its PING on connect).
- **worker**: the worker stores the time in the shared cache when it starts and on every
  ``worker-heartbeat`` beat entry (every ``WORKER_HEARTBEAT_SECONDS``); older than
  ``WORKER_STALE_SECONDS`` means no worker takes work (or beat is down, or the queue is stuck
  behind something: all worth a page).
- **queue**: filesystem, the age of the oldest waiting message file; over
  ``QUEUE_MAX_AGE_SECONDS`` it is not being drained. Other brokers report ``ok`` here (Redis
  messages carry no enqueue time to read cheaply; the heartbeat covers a stuck queue).
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass

from django.core.cache import cache

from lms import broker

HEARTBEAT_KEY = "porte-voix:worker-heartbeat"
WORKER_HEARTBEAT_SECONDS = 15
WORKER_STALE_SECONDS = 60
QUEUE_MAX_AGE_SECONDS = 120


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


def heartbeat_record(now: float | None = None) -> None:
    """Called by the worker: "a worker ran a task at ``now``" (wall clock, shared cache)."""
    cache.set(HEARTBEAT_KEY, time.time() if now is None else now, timeout=24 * 60 * 60)


def check_worker(now: float | None = None) -> Check:
    now = time.time() if now is None else now
    beat = cache.get(HEARTBEAT_KEY)
    if beat is None:
        return Check(False, "no heartbeat")
    age = max(0, int(now - beat))
    if age > WORKER_STALE_SECONDS:
        return Check(False, f"stale: last heartbeat {age} s ago")
    return Check(True, "ok")


def check_broker() -> Check:
    folder = broker.filesystem_queue()
    if folder is not None:
        probe = folder / f".readyz-{os.getpid()}-{uuid.uuid4().hex}"
        try:
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            return Check(False, f"queue folder not writable: {type(exc).__name__}")
        return Check(True, "ok")
    from lms.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=1)
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return Check(False, type(exc).__name__)
    return Check(True, "ok")


def check_queue(now: float | None = None) -> Check:
    folder = broker.filesystem_queue()
    if folder is None:
        return Check(True, "ok")
    try:
        age = broker.oldest_message_age(folder, now)
    except OSError as exc:
        return Check(False, f"queue folder not readable: {type(exc).__name__}")
    if age is not None and age > QUEUE_MAX_AGE_SECONDS:
        return Check(False, f"oldest message waiting {age} s")
    return Check(True, "ok")
