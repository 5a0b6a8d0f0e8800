"""Count and sample the "Too Many Requests" lines of ``django.request``.

Django logs a warning for every 4xx answer. A script walking the tracked-link codes or the
certificate lookup gets a 429 for each request past its limit, and each one wrote a line:
6,000 lines in 13 minutes for one client. ``SampledRefusals`` lets through, per group of
paths (the first path segment: ``/s/``, ``/certificates/``…) and per minute, the first refusal
and then one in every ``every``, each saying how many were refused so far; the first line of
the next minute says how many of the minute before were left out. Other records pass untouched.

The counts live in the process (each gunicorn worker counts its own), which is what a log
needs: the volume is bounded, and nothing is lost that the rate limiter does not know anyway.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_GROUPS = 1000


@dataclass
class _Window:
    minute: int
    refused: int = 0
    logged: int = 0


class SampledRefusals(logging.Filter):
    def __init__(
        self,
        status_codes: tuple[int, ...] = (429,),
        every: int = 100,
        window_seconds: int = 60,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.status_codes = frozenset(status_codes)
        self.every = every
        self.window_seconds = window_seconds
        self.clock = clock
        self._windows: dict[str, _Window] = {}
        self._lock = threading.Lock()

    @staticmethod
    def group(record: logging.LogRecord) -> str:
        request = getattr(record, "request", None)
        path = getattr(request, "path", "") or ""
        first = path.lstrip("/").split("/", 1)[0]
        return f"/{first}/" if first else "/"

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) not in self.status_codes:
            return True
        decided = getattr(record, "sampled_refusal", None)
        if decided is not None:  # the logging set up twice puts a second filter on the logger
            return bool(decided)
        decision = self._decide(record)
        setattr(record, "sampled_refusal", decision)  # noqa: B010 - an extra attribute of the record
        return decision

    def _decide(self, record: logging.LogRecord) -> bool:
        group = self.group(record)
        minute = int(self.clock() // self.window_seconds)
        with self._lock:
            window = self._windows.get(group)
            left_out = 0
            if window is None or window.minute != minute:
                if window is not None and window.minute == minute - 1:
                    left_out = window.refused - window.logged
                if len(self._windows) >= MAX_GROUPS:
                    self._windows = {key: w for key, w in self._windows.items() if w.minute == minute}
                window = self._windows[group] = _Window(minute=minute)
            window.refused += 1
            if window.refused != 1 and window.refused % self.every != 0:
                return False
            window.logged += 1
            refused = window.refused
        suffix = f" ({refused} refused on {group} this minute, 1 in {self.every} logged"
        if left_out:
            suffix += f"; {left_out} left out the minute before"
        record.msg = record.getMessage() + suffix + ")"
        record.args = ()
        return True
