"""How often one employee may run the post checker: ``POLICY_POST_CHECK_RATE`` checks per period
(django-ratelimit's syntax, "30/m" by default), counted per user in the shared cache, so that
one account cannot keep the web processes busy for everyone else."""

from __future__ import annotations

import re

from django.conf import settings

from lms.ratelimit import is_ratelimited

DEFAULT_RATE = "30/m"
PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE_RE = re.compile(r"^\d+/(\d*)([smhd])$")


def post_check_rate() -> str:
    return getattr(settings, "POLICY_POST_CHECK_RATE", DEFAULT_RATE) or DEFAULT_RATE


def period_seconds(rate: str) -> int:
    """The length of the rate's window: "30/m" → 60, "100/5m" → 300."""
    match = RATE_RE.match(rate)
    if match is None:
        raise ValueError(f"{rate!r} is not a rate such as 30/m")
    return int(match.group(1) or 1) * PERIOD_SECONDS[match.group(2)]


def post_check_limited(request) -> int | None:
    """Count this check for ``request.user``; the seconds to wait when over the rate, else ``None``.

    Side effect: increments the user's counter in the cache (every call counts, refused ones
    too). Within one window the wait given is the whole window, an upper bound.
    """
    rate = post_check_rate()
    # Fails open while the cache is out of reach, as advocacy_share's draft check does: signed-in
    # employees only, bounded text, and the post checker must keep answering for everyone.
    if is_ratelimited(
        request, fail_open=True, group="policy-post-check", key="user", rate=rate, method="POST", increment=True
    ):
        return period_seconds(rate)
    return None
