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

Cheap on purpose: one read and one write, no points work. ``TrackedLinkMiddleware`` (right
after ``SecurityMiddleware``) answers the common case, a known code with an allowed target,
before the rest of the middleware runs: sessions, language, CSRF, authentication, messages and
CSP have nothing to do on a redirect to another site, and they cost more than the click. The
sharer's own click is told from the session cookie alone: the session is read only when the
browser sends one, and no user is loaded. Every other case (unknown code, refused target,
other methods) goes on to the ``tracked_link`` view through the full stack, which renders the
pages in the visitor's language.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import get_resolver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from advocacy_share import visitors
from advocacy_share.links import target_url_problem, utm_url
from advocacy_share.selectors import links as link_selectors
from advocacy_share.selectors.links import LinkTarget
from advocacy_share.services import links as link_services
from lms.http import client_ip, error_response
from lms.ratelimit import is_ratelimited
from policy import api as policy_api

logger = logging.getLogger(__name__)

PREFIX = "/s/"
UNKNOWN_CODE_GROUP = "tracked-link-unknown"
UNKNOWN_CODE_RATE = "30/m"
RETRY_AFTER = "60"
REFERRER_POLICY = "no-referrer"
CACHE_CONTROL = "no-store, private"
_NOT_LOOKED_UP = object()


def _never_stored(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = CACHE_CONTROL
    response["Referrer-Policy"] = REFERRER_POLICY
    return response


def _unknown_code(request: HttpRequest) -> HttpResponse:
    """The site's 404 page for an unknown code, or 429 once this address tried too many."""
    # Fails open while the cache is out of reach: walking the code space takes millions of
    # requests, each unknown code is a 404 the database still answers, and refusing would turn
    # away nobody but the people who mistyped a link.
    limited = is_ratelimited(
        request,
        fail_open=True,
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
    cookie can be signed in, so anonymous visitors cost no session read; the session's user id
    is compared without loading the user (a stale session of the sharer still says "self",
    which only ever withholds points)."""
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return False
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return str(session.get(SESSION_KEY, "")) == str(link.sharer_id)


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


@lru_cache(maxsize=4096)
def target_allowed(target_url: str, domains: tuple[str, ...]) -> bool:
    """``target_url_problem`` as a yes/no, remembered per target and list of allowed domains
    (the answer depends on nothing else): a rule change gives a new key at once."""
    return not target_url_problem(target_url)


@lru_cache(maxsize=4096)
def _location(target_url: str, network: str, campaign: str) -> str:
    return utm_url(target_url, network=network, campaign=campaign)


def _redirect(request: HttpRequest, link: LinkTarget) -> HttpResponse:
    location = _location(link.target_url, link.network, link.campaign_slug)
    _record(request, link)
    response = _never_stored(HttpResponseRedirect(location))
    response["X-Content-Type-Options"] = "nosniff"
    return response


class TrackedLinkMiddleware:
    """Answers ``GET``/``HEAD /s/<code>`` for a known code whose target is allowed, before the
    rest of the middleware; everything else (and any database error while looking the code
    up) continues to the ``tracked_link`` view, which tells the visitor what happened."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith(PREFIX) and request.method in ("GET", "HEAD"):
            try:
                link = link_selectors.link_for_redirect(path[len(PREFIX) :])
            except DatabaseError:
                link = None  # the view tries again and answers the error as the project does
            else:
                if link is not None and target_allowed(link.target_url, policy_api.allowed_link_domains()):
                    return _redirect(request, link)
                request._tracked_link = link  # type: ignore[attr-defined] # spare the view a second read
        return self.get_response(request)


@require_safe
def tracked_link(request: HttpRequest, code: str) -> HttpResponse:
    link = getattr(request, "_tracked_link", _NOT_LOOKED_UP)
    if link is _NOT_LOOKED_UP:
        link = link_selectors.link_for_redirect(code)
    if link is None:
        return _unknown_code(request)
    assert isinstance(link, LinkTarget)  # noqa: S101 - narrows the type for mypy  # nosec B101
    problem = target_url_problem(link.target_url)
    if problem:
        logger.warning("tracked link %s not followed: its target is no longer allowed (%s)", link.id, problem)
        return _unavailable(request)
    return _redirect(request, link)
