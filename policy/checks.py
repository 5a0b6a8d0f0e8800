"""Start-up checks of the policy app's settings (Django's system check framework)."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from policy.throttle import RATE_RE, post_check_rate


@register()
def post_check_rate_is_valid(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """A malformed ``POLICY_POST_CHECK_RATE`` is refused when the process starts, not on the
    first check an employee runs."""
    rate = post_check_rate()
    if RATE_RE.match(rate):
        return []
    return [
        Error(
            f"POLICY_POST_CHECK_RATE is {rate!r}: write checks per period, such as 30/m or 100/5m.",
            id="policy.E001",
        )
    ]
