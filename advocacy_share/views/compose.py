"""The composer (a library item or an own post), its live policy check, and the "post it now"
page with each network's intent link. Thin: the rules are in ``services.shares``.

The share button posts to our own composer (``form-action 'self'``); the intent links of the
networks are plain links on the page that follows, opened in a new tab. Nothing is posted for
the employee.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from advocacy_share import drafts as draft_views
from advocacy_share.compose_forms import ComposeForm
from advocacy_share.intents import CLIPBOARD_NETWORKS, counted_length, intent_url
from advocacy_share.links import short_url
from advocacy_share.models import SHARE_NETWORKS, AdvocacySettings, Share, ShareableContent
from advocacy_share.services import shares as share_services
from advocacy_share.views.gate import advocacy_required, api_rate_limit, gate_response
from lms.http import error_response, wants_json
from lms.i18n import language_code
from lms.networks import network_label
from lms.ratelimit import is_ratelimited
from policy import api as policy_api

DEFAULT_CHECK_RATE = "60/m"
PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE_RE = re.compile(r"^\d+/(\d*)([smhd])$")


# --- the composer ------------------------------------------------------------------------------


def _content(content_id: int | None) -> ShareableContent | None:
    if content_id is None:
        return None
    content = (
        ShareableContent.objects.select_related("campaign")
        .prefetch_related("suggested_texts")
        .filter(pk=content_id, status=ShareableContent.Status.PUBLISHED)
        .first()
    )
    if content is None:
        raise Http404("no such content")
    return content


def _initial(content: ShareableContent | None, language: str) -> dict[str, Any]:
    initial: dict[str, Any] = {"when": "now", "networks": ["linkedin"]}
    for network in SHARE_NETWORKS:
        initial[f"text_{network}"] = share_services.suggested_text(content, network, language)
    if content is not None:
        offered = {t.network for t in content.suggested_texts.all()}
        initial["networks"] = [n for n in SHARE_NETWORKS if n in offered] or ["linkedin"]
    return initial


@advocacy_required
def compose(request: HttpRequest, content_id: int | None = None) -> HttpResponse:
    """GET: the composer with the suggested texts in the reader's language. POST (sharing
    allowed, CSRF): checks every chosen network's text again on the server; blocking findings
    or a refusal re-render the composer (nothing recorded), else the shares are recorded (or
    scheduled) and the employee goes to the page with the intent links."""
    content = _content(content_id)
    language = language_code()
    if request.method != "POST":
        form = ComposeForm(initial=_initial(content, language), own_post=content is None)
        return _page(request, form, content, language)
    if (refused := api_rate_limit(request)) is not None:
        return refused
    state = request.advocacy  # type: ignore[attr-defined]
    if not state.may_share:
        return gate_response(request, state)
    form = ComposeForm(request.POST, own_post=content is None)
    if not form.is_valid():
        return _page(request, form, content, language, status=400)
    drafts = form.drafts()
    own_url = form.cleaned_data.get("own_url", "")
    checks = share_services.drafts_check(drafts=drafts, content=content, own_url=own_url, language=language)
    if any(check.blocking for check in checks.values()):
        return _page(request, form, content, language, checks=checks, status=400)
    content_pk = content.pk if content is not None else None
    try:
        if form.scheduled is not None:
            ids = share_services.shares_schedule(
                user=request.user,  # type: ignore[arg-type]
                drafts=drafts,
                scheduled_for=form.scheduled,
                content_id=content_pk,
                own_url=own_url,
                language=language,
            )
        else:
            ids = share_services.shares_record(
                user=request.user,  # type: ignore[arg-type]
                drafts=drafts,
                content_id=content_pk,
                own_url=own_url,
                language=language,
            )
    except share_services.ShareError as error:
        if wants_json(request):
            return error_response(request, code=error.code, message=error.message, status=error.status)
        return _page(request, form, content, language, checks=checks, error=error.message, status=error.status)
    return redirect("advocacy:shares_done", ids=",".join(str(pk) for pk in ids))


def _page(
    request: HttpRequest,
    form: ComposeForm,
    content: ShareableContent | None,
    language: str,
    *,
    checks: dict[str, share_services.DraftCheck] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    programme = AdvocacySettings.load()
    chosen = request.POST.getlist("networks") if form.is_bound else form.initial.get("networks", [])
    url = content.url if content is not None else str(form["own_url"].value() or "")
    networks = []
    for network in SHARE_NETWORKS:
        check = (checks or {}).get(network)
        suggested = share_services.suggested_text(content, network, language)
        text = str(form.text_field(network).value() or "")
        own_missing = 0
        if content is not None and programme.min_own_characters:
            own_missing = max(0, programme.min_own_characters - share_services.own_characters(suggested, text))
        networks.append(
            {
                "code": network,
                "label": network_label(network),
                "chosen": network in chosen,
                "field": form.text_field(network),
                "suggested": suggested,
                "check": check,
                "draft": draft_views.draft_view(
                    network=network,
                    text=text,
                    url=url,
                    disclosure=policy_api.disclosure_text(language, network),
                    own_missing=own_missing,
                ),
                "own_characters_message": (
                    share_services.own_characters_message(check.own_characters_missing, programme.min_own_characters)
                    if check is not None and check.own_characters_missing
                    else ""
                ),
                "duplicate_warning": share_services.near_duplicate_warning(
                    content_id=content.pk if content is not None else None,
                    user_id=int(request.user.pk or 0),
                    text=suggested,
                ),
            }
        )
    context = {
        "form": form,
        "content": content,
        "networks": networks,
        "error": error,
        "state": request.advocacy,  # type: ignore[attr-defined]
        "min_own_characters": programme.min_own_characters,
        "link_url": content.url if content is not None else "",
        "check_url": reverse("advocacy:check"),
        "disclosure": policy_api.disclosure_text(language),
        "link_host": draft_views.hostname(url),
        "composer_messages": _composer_messages(),
    }
    return TemplateResponse(request, "advocacy/compose.html", context, status=status)


def _composer_messages() -> dict[str, str]:
    """The templates ``composer.js`` fills in as the employee types, in the reader's language:
    the same texts the server renders (``advocacy_share.drafts``)."""
    return {
        "chars": _("%(count)s / %(max)s characters"),
        "chars-one": ngettext("%(count)s character", "%(count)s characters", 1),
        "chars-other": ngettext("%(count)s character", "%(count)s characters", 2),
        "own-one": ngettext("%(count)s more character of your own", "%(count)s more characters of your own", 1),
        "own-other": ngettext("%(count)s more character of your own", "%(count)s more characters of your own", 2),
        "add": _("Add “%(text)s”"),
        "block": _("Blocking"),
        "warn": _("Warning"),
        "policy": _("See the policy"),
    }


# --- the live check ----------------------------------------------------------------------------


def check_rate() -> str:
    return getattr(settings, "ADVOCACY_CHECK_RATE", DEFAULT_CHECK_RATE) or DEFAULT_CHECK_RATE


def _period_seconds(rate: str) -> int:
    match = RATE_RE.match(rate)
    return int(match.group(1) or 1) * PERIOD_SECONDS[match.group(2)] if match else 60


def _check_input(request: HttpRequest) -> dict[str, str] | None:
    """The draft sent: a JSON object (or a form) whose text, network and url are strings and
    whose optional content_id is an id; ``None`` when unreadable."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body)
        except ValueError:
            return None
    else:
        data = request.POST.dict()
    if not isinstance(data, dict):
        return None
    fields = {key: data.get(key, "") for key in ("text", "network", "url")}
    content_id = data.get("content_id") or ""
    if not all(isinstance(value, str) for value in fields.values()):
        return None
    if isinstance(content_id, bool) or not isinstance(content_id, str | int):
        return None
    return {**fields, "content_id": str(content_id)}


def _json_error(request: HttpRequest, code: str, message: str, status: int) -> HttpResponse:
    return error_response(request, code=code, message=message, status=status, as_json=True)


@advocacy_required
@require_POST
def check(request: HttpRequest) -> HttpResponse:
    """``POST {"text", "network", "url"[, "content_id"]}`` → the policy's findings for the draft
    as it would be shared (``for_advocacy=True``), whether any blocks, the disclosure to
    offer when the text lacks it, and the length as the network counts it. With
    ``content_id``, also the own characters against the suggested text.

    Errors as JSON: 400 ``invalid_input`` / ``text_too_long``, 403 (the gate's reason), 429
    ``rate_limited`` with ``Retry-After``. Rate limited per user in the shared cache."""
    rate = check_rate()
    # Fails open while the cache is out of reach: only signed-in employees reach it, a draft's
    # length is bounded (``text_too_long``), and refusing would stop everyone from checking
    # their drafts for as long as the outage lasts.
    if is_ratelimited(
        request, fail_open=True, group="advocacy-check", key="user", rate=rate, method="POST", increment=True
    ):
        seconds = _period_seconds(rate)
        minutes = max(1, -(-seconds // 60))
        message = ngettext(
            "You have checked many drafts in a short time. Wait %(minutes)s minute, then go on.",
            "You have checked many drafts in a short time. Wait %(minutes)s minutes, then go on.",
            minutes,
        ) % {"minutes": minutes}
        response = _json_error(request, "rate_limited", message, 429)
        response["Retry-After"] = str(seconds)
        return response
    data = _check_input(request)
    if data is None or data["network"] not in SHARE_NETWORKS or len(data["url"]) > 1000:
        message = _("Send a JSON object with the text, one of the networks linkedin, x or facebook, and the link.")
        return _json_error(request, "invalid_input", message, 400)
    text, network, url = data["text"], data["network"], data["url"].strip()
    if len(text) > policy_api.MAX_POST_LENGTH:
        message = _("The text is too long to check: at most %(max)d characters.") % {"max": policy_api.MAX_POST_LENGTH}
        return _json_error(request, "text_too_long", message, 400)
    language = language_code()
    findings = policy_api.check_post(text, url, network, for_advocacy=True, language=language)
    disclosure = policy_api.disclosure_text(language, network)
    if disclosure and disclosure.casefold() in text.casefold():
        disclosure = ""
    body: dict[str, Any] = {
        "findings": [
            {
                "severity": f.severity,
                "message": f.message,
                "clause_url": f.clause_url,
                "span": [f.start, f.end],
                "kind": f.kind,
                "about_url": f.about_url,
            }
            for f in findings
        ],
        "blocking": any(f.severity == share_services.BLOCK for f in findings),
        "disclosure": disclosure,
        "length": counted_length(network, text, url),
        "link": draft_views.preview_link(url),
    }
    if data["content_id"].isdigit():
        body["own_characters"] = _own_characters(int(data["content_id"]), network, text, language)
    return JsonResponse(body)


def _own_characters(content_id: int, network: str, text: str, language: str) -> dict[str, int]:
    minimum = AdvocacySettings.load().min_own_characters
    content = ShareableContent.objects.prefetch_related("suggested_texts").filter(pk=content_id).first()
    suggested = share_services.suggested_text(content, network, language)
    count = share_services.own_characters(suggested, text) if content is not None else len(text)
    return {"count": count, "minimum": minimum, "missing": max(0, minimum - count)}


# --- "post it now" ------------------------------------------------------------------------------


@advocacy_required
def shares_done(request: HttpRequest, ids: str) -> HttpResponse:
    """The employee's shares ``ids`` (comma-separated, theirs only) with, per network, the
    network's intent link carrying the tracked link. While sharing is paused the links are
    withheld (the banner says why)."""
    wanted = [int(pk) for pk in ids.split(",")]
    shares = list(
        Share.objects.select_related("content", "link")
        .filter(pk__in=wanted, user_id=int(request.user.pk or 0))
        .exclude(status=Share.Status.CANCELLED)
        .order_by("pk")
    )
    if not shares:
        raise Http404("no such shares")
    state = request.advocacy  # type: ignore[attr-defined]
    posts = []
    for share in shares:
        link = getattr(share, "link", None)
        url = short_url(link.code) if link is not None else (share.own_url or share_url_untracked(share))
        posts.append(
            {
                "share": share,
                "label": network_label(share.network),
                "url": url,
                "tracked": link is not None,
                "intent_url": intent_url(share.network, text=share.text, url=url),
                "clipboard": share.network in CLIPBOARD_NETWORKS,
                "scheduled": share.status == Share.Status.SCHEDULED,
            }
        )
    first = shares[0]
    warning = share_services.near_duplicate_warning(
        content_id=first.content_id, user_id=int(request.user.pk or 0), text=first.text
    )
    context = {"posts": posts, "content": first.content, "state": state, "duplicate_warning": warning}
    return TemplateResponse(request, "advocacy/shares_done.html", context)


def share_url_untracked(share: Share) -> str:
    """The address a share without a tracked link carries: the library item's (its target no
    longer passes the link rules) or nothing."""
    return share.content.url if share.content is not None else ""
