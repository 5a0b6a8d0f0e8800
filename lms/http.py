"""The error contract of DESIGN.md for project-level views and middleware: JSON clients get
``{"error": {"code", "message"}}``, browsers the friendly page. Outside the layer contract's
``lms`` siblings, so that ``lms.home`` and ``lms.middleware`` share it."""

from __future__ import annotations

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
