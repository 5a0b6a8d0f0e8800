"""``/s/<code>``: the tracked link. Public (no gate: the people clicking are the sharer's
audience), fast, and it must answer even when recording fails.

- Known code: 302 to the content with our UTM parameters, after checking the target against
  the policy's link rules again (a row saved before a rule changed gets the
  ``link_unavailable`` 404 and a warning in the log). The answer carries nothing about the
  sharer, is never cached (``no-store``: every click reaches us) and sends no Referer on.
- Every redirect is recorded as a visit (one INSERT) with its flags; a failure to record is
  logged and the visitor is redirected all the same.
- Unknown or malformed code: the site's 404 page; unknown codes are rate limited per client
  address (``UNKNOWN_CODE_RATE``, 429 with Retry-After) so that the code space cannot be
  walked. Known codes are never limited.

Cheap on purpose: no session is read unless the browser sends a session cookie (only then can
it be the sharer's own click), no points work, one read and one write.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import get_resolver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_ratelimit.core import is_ratelimited

from advocacy_share import visitors
from advocacy_share.links import target_url_problem, utm_url
from advocacy_share.selectors import links as link_selectors
from advocacy_share.selectors.links import LinkTarget
from advocacy_share.services import links as link_services
from lms.http import client_ip, error_response

logger = logging.getLogger(__name__)

UNKNOWN_CODE_GROUP = "tracked-link-unknown"
UNKNOWN_CODE_RATE = "30/m"
RETRY_AFTER = "60"
REFERRER_POLICY = "no-referrer"
CACHE_CONTROL = "no-store, private"


def _never_stored(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = CACHE_CONTROL
    response["Referrer-Policy"] = REFERRER_POLICY
    return response


def _unknown_code(request: HttpRequest) -> HttpResponse:
    """The site's 404 page for an unknown code, or 429 once this address tried too many."""
    limited = is_ratelimited(
        request,
        group=UNKNOWN_CODE_GROUP,
        key=lambda group, req: client_ip(req),
        rate=UNKNOWN_CODE_RATE,
        increment=True,
    )
    if limited:
        response = error_response(
            request,
            code="rate_limited",
            message=_("Too many unknown links from your address. Please wait a minute and try again."),
            status=429,
            title=_("Slow down"),
        )
        response["Retry-After"] = RETRY_AFTER
        return _never_stored(response)
    handler: Callable[..., HttpResponse] = get_resolver().resolve_error_handler(404)
    return _never_stored(handler(request, exception=Http404()))


def _unavailable(request: HttpRequest) -> HttpResponse:
    response = error_response(
        request,
        code="link_unavailable",
        message=_("This link leads to an address that is no longer allowed. It has been disabled."),
        status=404,
        title=_("Link unavailable"),
    )
    return _never_stored(response)


def _is_own_click(request: HttpRequest, link: LinkTarget) -> bool:
    """Whether the signed-in sharer clicked their own link. Only a browser sending a session
    cookie can be signed in: anonymous visitors cost no session read."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.pk == link.sharer_id)


def _record(request: HttpRequest, link: LinkTarget) -> None:
    """Store the visit; never raise (the redirect must answer whatever happens here)."""
    try:
        now = timezone.now()
        agent = visitors.agent_of(request.headers.get("user-agent", ""))
        link_services.visit_record(
            link_id=link.id,
            at=now,
            visitor=visitors.request_visitor(request, now.date()),
            agent_family=agent.family,
            is_bot=agent.is_bot,
            is_prefetch=visitors.is_prefetch(request),
            is_head=request.method == "HEAD",
            is_self=_is_own_click(request, link),
        )
    except Exception:
        logger.exception("tracked link %s: the visit could not be recorded; redirected anyway", link.id)


@require_safe
def tracked_link(request: HttpRequest, code: str) -> HttpResponse:
    link = link_selectors.link_for_redirect(code)
    if link is None:
        return _unknown_code(request)
    problem = target_url_problem(link.target_url)
    if problem:
        logger.warning("tracked link %s not followed: its target is no longer allowed (%s)", link.id, problem)
        return _unavailable(request)
    location = utm_url(link.target_url, network=link.network, campaign=link.campaign_slug)
    _record(request, link)
    return _never_stored(HttpResponseRedirect(location))
