"""Views behind the policy page routes: read, acknowledge, what changed, post checker."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from policy import api, selectors, services
from policy.forms import AcknowledgeForm, PostCheckForm
from policy.models import PolicyPage
from policy.services import PolicyError
from policy.text import sha256


def _language() -> str:
    return "en" if (get_language() or "fr").startswith("en") else "fr"


def _error(request, error: PolicyError):
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"error": {"code": error.code, "message": error.message}}, status=error.status)
    return TemplateResponse(
        request,
        "error.html",
        {"title": _("This cannot be done"), "message": error.message, "code": error.code},
        status=error.status,
    )


@never_cache
def policy_read(request, page: PolicyPage):
    language = _language()
    state = selectors.reading_state(user=request.user)
    context = {
        "page": page,
        "self": page,
        "body": page.body_for(language),
        "intro": page.intro_for(language),
        "language": language,
        "text_sha256": sha256(services.shown_text(page, language)),
        **state,
    }
    return TemplateResponse(request, "policy/policy_page.html", context)


def policy_acknowledge(request, page: PolicyPage):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(page.url)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        return _error(
            request, PolicyError("invalid_input", _("The acknowledgement form is incomplete. Reload the page."), 400)
        )
    try:
        _ack, created = services.acknowledgement_record(
            user=request.user,
            version_id=form.cleaned_data["version"],
            text_sha256=form.cleaned_data["text_sha256"],
            language=form.cleaned_data["language"],
        )
    except PolicyError as error:
        return _error(request, error)
    if created:
        messages.success(request, _("Thank you: you have acknowledged the current policy."))
    return redirect(page.url)


@never_cache
def policy_changes(request, page: PolicyPage):
    state = selectors.reading_state(user=request.user)
    versions = selectors.changes_since(number=state["last_acknowledged"])
    return TemplateResponse(
        request,
        "policy/policy_changes.html",
        {"page": page, "self": page, "versions": versions, "language": _language(), **state},
    )


@never_cache
def post_checker(request, page: PolicyPage):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    findings = None
    segments: list[dict] = []
    form = PostCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        findings = api.check_post(text, form.cleaned_data["url"], form.cleaned_data["network"], language=_language())
        segments = highlight(text, findings)
    elif request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return TemplateResponse(
        request,
        "policy/post_checker.html",
        {
            "page": page,
            "self": page,
            "form": form,
            "findings": findings,
            "segments": segments,
            "blocking": any(f.severity == "block" for f in findings or []),
        },
        status=status,
    )


def highlight(text: str, findings) -> list[dict]:
    """Split ``text`` into plain and flagged segments (overlaps merged) for the template: the
    spans each finding kept (its first occurrences)."""
    spans = sorted(
        (start, end, f.severity) for f in findings if not f.about_url for start, end in f.spans if end > start
    )
    merged: list[list] = []
    for start, end, severity in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            if severity == "block":
                merged[-1][2] = "block"
        else:
            merged.append([start, end, severity])
    segments, position = [], 0
    for start, end, severity in merged:
        if start > position:
            segments.append({"text": text[position:start], "flag": ""})
        segments.append({"text": text[start:end], "flag": severity})
        position = end
    if position < len(text):
        segments.append({"text": text[position:], "flag": ""})
    return segments
