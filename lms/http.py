"""The error contract of DESIGN.md, in one place: JSON clients get
``{"error": {"code", "message"}}``, browsers the friendly page, with the same status.

Apps raise a ``DomainError`` (their own subclass: ``QuizError``, ``PolicyError``,
``CertificationError``) and ``lms.middleware.DomainErrorMiddleware`` renders it with
``error_response``; views that answer an error themselves call ``error_response`` too. One
rule, ``wants_json``, decides which form a client gets. Every app may import this module.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class DomainError(Exception):
    """A refusal the user should read as it is: a stable ``code`` for programs, a translated
    ``message`` for people, and the HTTP ``status`` it answers with (400 bad input, 403 not
    allowed, 404 unknown, 409 state conflict, 410 gone, 429 too many).

    Subclasses may be dataclasses declaring the three fields (and more of their own).
    """

    code: str = "error"
    message: str = ""
    status: int = 400

    def __init__(self, code: str, message: str, status: int | None = None) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def wants_json(request: HttpRequest) -> bool:
    """Whether the client asked for JSON: ``?format=json``, a JSON body, or an ``Accept``
    header that prefers ``application/json`` to ``text/html`` (browsers prefer HTML; ``*/*``
    and no header at all get the page)."""
    if request.GET.get("format") == "json" or request.content_type == "application/json":
        return True
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def error_response(
    request: HttpRequest,
    *,
    code: str,
    message: str,
    status: int,
    title: str = "",
    back_url: str = "",
    back_label: str = "",
    extra: dict[str, Any] | None = None,
    as_json: bool | None = None,
) -> HttpResponse:
    """The JSON error for JSON clients (``extra`` keys beside ``error``), ``error.html``
    with ``title``, ``message`` and an optional way back otherwise. ``as_json`` forces the
    form for endpoints that only speak one (``credential.json``)."""
    if wants_json(request) if as_json is None else as_json:
        return JsonResponse({**(extra or {}), "error": {"code": code, "message": message}}, status=status)
    context = {"title": title, "message": message, "code": code, "back_url": back_url, "back_label": back_label}
    return render(request, "error.html", context, status=status)


def domain_error_response(request: HttpRequest, error: DomainError, *, back_url: str = "") -> HttpResponse:
    """``error`` as the client wants it; the page is titled "This cannot be done"."""
    return error_response(
        request,
        code=error.code,
        message=error.message,
        status=error.status,
        title=_("This cannot be done"),
        back_url=back_url,
    )


def client_ip(request) -> str:
    """The address of the client, as rate limits and the login lock-out count it.

    ``REMOTE_ADDR`` unless ``PORTE_VOIX_TRUSTED_PROXY_HEADER`` names the header the reverse
    proxies in front append the address they saw to (``X-Forwarded-For``). Then, with
    ``PORTE_VOIX_TRUSTED_PROXY_COUNT`` proxies, the client is the address the outermost one
    appended: the count-th entry from the right. Entries further left come from the client and
    can be forged; a header shorter than the count did not pass through every proxy, and the
    request is counted under ``REMOTE_ADDR``.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    header = settings.PORTE_VOIX_TRUSTED_PROXY_HEADER
    if not header:
        return remote
    entries = [entry.strip() for entry in request.META.get(header, "").split(",")]
    entries = [entry for entry in entries if entry]
    count = settings.PORTE_VOIX_TRUSTED_PROXY_COUNT
    if len(entries) < count:
        return remote
    return entries[-count]
