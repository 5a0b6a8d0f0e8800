"""The error contract of DESIGN.md, in one place: JSON clients get
``{"error": {"code", "message"}}``, browsers the friendly page, with the same status.

Apps raise a ``DomainError`` (their own subclass: ``QuizError``, ``PolicyError``,
``CertificationError``) and ``lms.middleware.DomainErrorMiddleware`` renders it with
``error_response``; views that answer an error themselves call ``error_response`` too. One
rule, ``wants_json``, decides which form a client gets. Every app may import this module.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited


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


# --- rate limits ---------------------------------------------------------------------------

_PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE_RE = re.compile(r"^\d+/(\d*)([smhd])$")


def rate_period_seconds(rate: str) -> int:
    """The length of a django-ratelimit rate's window: "30/m" → 60, "100/5m" → 300."""
    match = _RATE_RE.match(rate)
    if match is None:
        raise ValueError(f"{rate!r} is not a rate such as 30/m")
    return int(match.group(1) or 1) * _PERIOD_SECONDS[match.group(2)]


def rate_limit(request: HttpRequest, *, group: str, setting: str, message: str) -> HttpResponse | None:
    """Count this request against ``group``'s rate, the setting named ``setting`` (django-ratelimit
    syntax), in the default cache (Redis in scaled mode, so every web process shares the
    counters); ``None`` while under it, else the 429 of the error contract with ``Retry-After``
    (the whole window, an upper bound).

    Keyed on the user id when signed in (colleagues behind one office address must not lock
    each other out, and the account is what a script would abuse), on ``client_ip`` (the
    trusted-proxy setting) otherwise. Every call counts, refused ones too.
    """
    rate = getattr(settings, setting)
    user = getattr(request, "user", None)
    key = f"user:{user.pk}" if user is not None and user.is_authenticated else f"ip:{client_ip(request)}"
    if not is_ratelimited(request, group=group, key=lambda _group, _request: key, rate=rate, increment=True):
        return None
    response = error_response(request, code="rate_limited", message=message, status=429, title=_("Too many requests"))
    response["Retry-After"] = str(rate_period_seconds(rate))
    return response
