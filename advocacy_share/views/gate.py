"""The advocacy gate in front of every page and action: ``advocacy_required`` for pages,
``sharing_required`` for share actions (also refused while sharing is paused).

A user who may not enter sees why and the next step where one exists (the gate page, 403),
JSON clients get ``{"error": {"code": <reason>, "message"}}``. Evaluated on every request.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from advocacy_share.data import SharingState
from advocacy_share.selectors.programme import sharing_state
from lms.http import error_response, rate_limit, wants_json


def reason_message(state: SharingState) -> str:
    """Why the user may not share, in their language."""
    messages = {
        "no_certificate": _("Sharing on behalf of the company unlocks once you hold a valid certificate."),
        "expired": _("Your certificate has expired: sharing is locked until you renew it."),
        "revoked": _("Your certificate was revoked: sharing is locked."),
        "policy_reacknowledgement": _(
            "The social media policy changed: read what changed and accept it to unlock sharing again."
        ),
        "not_in_pilot": _("The advocacy programme is open to a pilot group for now, and not yet to you."),
        "paused": _("Sharing is paused for everyone for the moment."),
    }
    return messages.get(state.reason, _("Sharing is locked."))


def gate_response(request: HttpRequest, state: SharingState) -> HttpResponse:
    """The refusal: the gate page (403) or the JSON error with the reason as its code."""
    if wants_json(request):
        return error_response(
            request,
            code=state.reason or "advocacy_locked",
            message=reason_message(state),
            status=403,
            extra={"next_step_url": state.next_step_url} if state.next_step_url else None,
            as_json=True,
        )
    context = {"state": state, "message": reason_message(state)}
    return TemplateResponse(request, "advocacy/gate.html", context, status=403)


def api_rate_limit(request: HttpRequest) -> HttpResponse | None:
    """Count a call of an advocacy endpoint that writes or answers JSON (share, suggest, the
    leaderboard's JSON) against ``ADVOCACY_API_RATE`` for the employee: ``None`` while under it,
    else the 429 with ``Retry-After`` (nothing is done)."""
    return rate_limit(
        request,
        group="advocacy-api",
        setting="ADVOCACY_API_RATE",
        message=_("You have done this many times in a short time. Wait a minute, then try again."),
    )


def advocacy_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in and past the gate (sharing may be paused: pages stay readable, with a
    banner). The state is in ``request.advocacy``."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        state = sharing_state(request.user)
        if not state.allowed:
            return gate_response(request, state)
        request.advocacy = state  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return never_cache(login_required(wrapped))


def sharing_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``advocacy_required``, and sharing not paused: the share actions."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        state = sharing_state(request.user)
        if not state.may_share:
            return gate_response(request, state)
        request.advocacy = state  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return never_cache(login_required(wrapped))
