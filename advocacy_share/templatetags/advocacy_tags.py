"""``{% load advocacy_tags %}``: the site navigation's link to the advocacy feed.

The link is shown to signed-in users the advocacy gate lets in. Asking the gate costs a few
queries (certificates, the policy acknowledgement or the next step, the programme settings), too
many for every page, so the answer is kept in the cache per user for ``NAV_TTL`` seconds: the
link may appear or disappear up to a minute late, while the pages under ``/advocacy/`` ask the
gate on every request (a stale link leads to the gate page, which says why). The answer is kept
per session (signing in again asks afresh). On those pages the fresh answer of the request is
used. Anonymous visitors cost nothing.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.cache import cache

from advocacy_share.selectors.programme import sharing_state

NAV_TTL = 60

register = template.Library()


def nav_cache_key(user_id: int, session_key: str) -> str:
    return f"advocacy:nav:{user_id}:{session_key}"


@register.simple_tag(takes_context=True)
def advocacy_nav_allowed(context: Any) -> bool:
    """Whether the navigation shows the link to ``/advocacy/`` to the current user."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    state = getattr(request, "advocacy", None)
    if state is not None:
        return bool(state.allowed)
    session = getattr(request, "session", None)
    key = nav_cache_key(user.pk, getattr(session, "session_key", None) or "")
    allowed = cache.get(key)
    if allowed is None:
        allowed = sharing_state(user).allowed
        cache.set(key, allowed, NAV_TTL)
    return bool(allowed)
