"""What the web and the jobs may know about the embedded (filesystem) broker's queue folder."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings


def filesystem_queue() -> Path | None:
    """The folder tasks are published to, when the broker is kombu's filesystem transport."""
    if not settings.CELERY_BROKER_URL.startswith("filesystem"):
        return None
    return Path(str(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]))


def oldest_message_age(folder: Path, now: float | None = None) -> int | None:
    """Seconds since the oldest message file in ``folder`` was written, None if it is empty."""
    now = time.time() if now is None else now
    oldest = None
    with os.scandir(folder) as entries:
        for entry in entries:
            if not entry.name.endswith(".msg"):
                continue
            try:
                mtime = entry.stat().st_mtime
            except FileNotFoundError:  # taken by the worker meanwhile
                continue
            oldest = mtime if oldest is None else min(oldest, mtime)
    return None if oldest is None else max(0, int(now - oldest))


def backlog_seconds() -> int:
    """How long the oldest waiting message has waited (0: none, or not the filesystem broker,
    or the folder cannot be read)."""
    folder = filesystem_queue()
    if folder is None:
        return 0
    try:
        return oldest_message_age(folder) or 0
    except OSError:
        return 0
