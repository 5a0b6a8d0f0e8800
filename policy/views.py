"""Views behind the policy page routes: read, acknowledge, what changed, post checker."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lms import fragments
from lms.http import domain_error_response, error_response, wants_json
from lms.i18n import language_code
from policy import api, publication, selectors, services, throttle
from policy.data import BLOCK, Finding
from policy.forms import AcknowledgeForm, PostCheckForm
from policy.models import PolicyPage
from policy.services import PolicyError
from policy.text import sha256

# Findings listed on the page; the others are counted in an "N more" line.
FINDINGS_SHOWN = 20


def policy_body(page: PolicyPage, language: str, request: HttpRequest) -> dict[str, Any]:
    """The rendered body of ``page`` in ``language`` and the fingerprint of the text a reader
    acknowledges: rendered once per published revision and language, then from the cache (a
    new revision, such as a new policy version, is a new key). A preview renders afresh and
    stores nothing."""

    def build() -> dict[str, Any]:
        parts = fragments.render("policy/includes/policy_body.html", {"body": page.body_for(language), "page": page})
        return {"parts": parts, "text_sha256": sha256(services.shown_text(page, language))}

    preview = bool(getattr(request, "is_preview", False))
    key = fragments.key("policy", page.pk, page.live_revision_id, page.last_published_at, language)
    return fragments.cached(key, build, use_cache=not preview and page.live_revision_id is not None)


@never_cache
def policy_read(request: HttpRequest, page: PolicyPage) -> HttpResponse:
    language = language_code()
    body = policy_body(page, language, request)
    context = {
        "page": page,
        "self": page,
        "body_html": fragments.fill(body["parts"], {}),
        "intro": page.intro_for(language),
        "language": language,
        "text_sha256": body["text_sha256"],
        "reading": selectors.reading_state(user=request.user, page=page),
    }
    return TemplateResponse(request, "policy/policy_page.html", context)


@require_POST
def policy_acknowledge(request: HttpRequest, page: PolicyPage) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(page.url)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        message = _("The acknowledgement form is incomplete. Reload the page.")
        return domain_error_response(request, PolicyError("invalid_input", message, 400))
    # A refusal (409 version_not_current, policy_changed) is a PolicyError that
    # DomainErrorMiddleware renders.
    _ack, created = services.acknowledgement_record(
        user=request.user,
        version_id=form.cleaned_data["version"],
        text_sha256=form.cleaned_data["text_sha256"],
        language=form.cleaned_data["language"],
    )
    if created:
        messages.success(request, _("Thank you: you have acknowledged the current policy."))
    return redirect(page.url)


def policy_change_preview(request: HttpRequest, page: PolicyPage) -> HttpResponse:
    """The editor's "Changes" preview of a draft: its text against the current version's, in
    each language, and who a material change would ask to accept again."""
    current = publication.current_version(page)
    languages = []
    for code, name, stored in (
        ("fr", "Français", current.text_fr if current else ""),
        ("en", "English", (current.text_en or current.text_fr) if current else ""),
    ):
        rows = publication.text_diff(stored, services.shown_text(page, code))
        languages.append(
            {"code": code, "name": name, "rows": rows, "changed": any(row["kind"] != "same" for row in rows)}
        )
    context = {
        "page": page,
        "current": current,
        "diffs": languages,
        "audience": publication.audience_sentence(publication.audience()),
        "summaries": [s for s in (page.change_summary, page.change_summary_en) if s.strip()],
    }
    return TemplateResponse(request, "policy/change_preview.html", context)


@never_cache
def policy_changes(request: HttpRequest, page: PolicyPage) -> HttpResponse:
    reading = selectors.reading_state(user=request.user, page=page)
    versions = selectors.changes_since(number=reading.last_acknowledged, language=language_code())
    return TemplateResponse(
        request,
        "policy/policy_changes.html",
        {"page": page, "self": page, "versions": versions, "reading": reading},
    )


@never_cache
def post_checker(request: HttpRequest, page: PolicyPage) -> HttpResponse:
    """The post checker page; JSON clients get the findings, or the error, as JSON.

    Checks are rate-limited per user (``POLICY_POST_CHECK_RATE``); showing the page is not.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    as_json = wants_json(request)
    if request.method == "GET":
        return _checker_page(request, page, PostCheckForm())
    retry_after = throttle.post_check_limited(request)
    if retry_after is not None:
        return _too_many_checks(request, page, as_json, retry_after)
    data = _posted_data(request)
    if data is None:
        message = _("Send the post as a JSON object whose fields text, url and network are strings.")
        return error_response(request, code="invalid_input", message=message, status=400, as_json=True)
    form = PostCheckForm(data)
    if not form.is_valid():
        if as_json:
            return _form_error(request, form)
        return _checker_page(request, page, form, status=400)
    text = form.cleaned_data["text"]
    findings = api.check_post(text, form.cleaned_data["url"], form.cleaned_data["network"], language=language_code())
    if as_json:
        return JsonResponse(
            {"findings": [asdict(f) for f in findings], "blocking": any(f.severity == BLOCK for f in findings)}
        )
    return _checker_page(request, page, form, findings=findings, text=text)


def _posted_data(request: HttpRequest) -> QueryDict | dict[str, str] | None:
    """The submitted fields: the form, or a JSON object of strings; ``None`` when unreadable."""
    if request.content_type != "application/json":
        return request.POST
    try:
        data = json.loads(request.body)
    except ValueError:
        return None
    if not isinstance(data, dict) or not all(isinstance(value, str) for value in data.values()):
        return None
    return data


def _form_error(request: HttpRequest, form: PostCheckForm) -> HttpResponse:
    code = "post_too_long" if form.has_error("text", "max_length") else "invalid_input"
    message = " ".join(str(error) for errors in form.errors.values() for error in errors)
    return error_response(request, code=code, message=message, status=400, as_json=True)


def _too_many_checks(request: HttpRequest, page: PolicyPage, as_json: bool, retry_after: int) -> HttpResponse:
    minutes = max(1, -(-retry_after // 60))
    message = ngettext(
        "You have checked many posts in a short time. Wait %(minutes)s minute, then check again.",
        "You have checked many posts in a short time. Wait %(minutes)s minutes, then check again.",
        minutes,
    ) % {"minutes": minutes}
    if as_json:
        response = error_response(request, code="rate_limited", message=message, status=429, as_json=True)
    else:
        # The page again, with the draft as it was sent, so that nothing typed is lost.
        response = _checker_page(request, page, PostCheckForm(request.POST), status=429, notice=message)
    response["Retry-After"] = str(retry_after)
    return response


def _checker_page(
    request: HttpRequest,
    page: PolicyPage,
    form: PostCheckForm,
    *,
    findings: list[Finding] | None = None,
    text: str = "",
    status: int = 200,
    notice: str = "",
) -> HttpResponse:
    shown = (findings or [])[:FINDINGS_SHOWN]
    more = len(findings or []) - len(shown)
    return TemplateResponse(
        request,
        "policy/post_checker.html",
        {
            "page": page,
            "self": page,
            "form": form,
            "disclosure_rules": api.disclosure_rules(language_code()),
            "findings": findings,
            "shown_findings": shown,
            "more_findings": (
                ngettext(
                    "…and %(count)s more finding. Fix the ones above, then check again.",
                    "…and %(count)s more findings. Fix the ones above, then check again.",
                    more,
                )
                % {"count": more}
                if more
                else ""
            ),
            "segments": highlight(text, findings) if findings is not None else [],
            "blocking": any(f.severity == BLOCK for f in findings or []),
            "notice": notice,
        },
        status=status,
    )


def highlight(text: str, findings: list[Finding]) -> list[dict[str, str]]:
    """Split ``text`` into plain and flagged segments (overlaps merged) for the template: the
    spans each finding kept (its first occurrences)."""
    spans = sorted(
        (start, end, f.severity) for f in findings if not f.about_url for start, end in f.spans if end > start
    )
    merged: list[tuple[int, int, str]] = []
    for start, end, severity in spans:
        if merged and start < merged[-1][1]:
            last_start, last_end, last_severity = merged[-1]
            merged[-1] = (last_start, max(last_end, end), BLOCK if severity == BLOCK else last_severity)
        else:
            merged.append((start, end, severity))
    segments: list[dict[str, str]] = []
    position = 0
    for start, end, severity in merged:
        if start > position:
            segments.append({"text": text[position:start], "flag": ""})
        segments.append({"text": text[start:end], "flag": severity})
        position = end
    if position < len(text):
        segments.append({"text": text[position:], "flag": ""})
    return segments
