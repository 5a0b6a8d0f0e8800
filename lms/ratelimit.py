"""django-ratelimit's ``is_ratelimited``, with the outcome chosen per limit when the shared cache
cannot count (Redis out of reach: ``lms.cache.ResilientRedisCache`` answers as a miss).

django-ratelimit only has one global choice (``RATELIMIT_FAIL_OPEN``); each call here says
``fail_open`` and why, next to the limit. ``RATELIMIT_FAIL_OPEN`` stays False so that an
uncounted request is told apart (django-ratelimit answers ``limit=0, time_left=-1``, which no
counted request has: a counted request's window always has time left).
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)


def is_ratelimited(request: HttpRequest, *, fail_open: bool, **kwargs: Any) -> bool:
    """Whether ``request`` is over the limit (``get_usage``'s arguments, ``increment=True`` to
    count it); when the cache cannot count it, ``not fail_open``."""
    usage = get_usage(request, **kwargs)
    if usage is None:
        return False
    if uncounted(usage):
        return not fail_open
    return bool(usage["should_limit"])


def uncounted(usage: dict[str, Any]) -> bool:
    """Whether ``usage`` is django-ratelimit's answer for a count the cache failed to keep."""
    return usage["limit"] == 0 and usage["time_left"] == -1 and usage["count"] == 0
