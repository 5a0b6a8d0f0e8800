"""The error contract of DESIGN.md for project-level views and middleware: JSON clients get
``{"error": {"code", "message"}}``, browsers the friendly page. Outside the layer contract's
``lms`` siblings, so that ``lms.home`` and ``lms.middleware`` share it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render


def wants_json(request) -> bool:
    accept = request.headers.get("Accept", "")
    return request.content_type == "application/json" or ("application/json" in accept and "text/html" not in accept)


def error_response(request, *, code: str, message: str, status: int, title: str = "") -> HttpResponse:
    """The JSON error for JSON clients, ``error.html`` with ``title`` and ``message`` otherwise."""
    if wants_json(request):
        return JsonResponse({"error": {"code": code, "message": message}}, status=status)
    return render(request, "error.html", {"title": title, "message": message}, status=status)


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
