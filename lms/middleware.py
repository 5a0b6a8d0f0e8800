"""Project-wide middleware."""

import logging

from django.db import OperationalError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


class DatabaseBusyMiddleware:
    """Turn SQLite's "database is locked" into 503 + Retry-After instead of a 500 (TESTPLAN 43).

    The transaction that hit the lock has been rolled back by ``atomic()``, so nothing is
    half-written; the client is told to try again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError) or "locked" not in str(exception).lower():
            return None
        logger.warning("database busy on %s %s", request.method, request.path)
        message = _("The service is busy. Please try again in a few seconds.")
        if wants_json(request):
            response = JsonResponse({"error": {"code": "temporarily_busy", "message": message}}, status=503)
        else:
            response = render(request, "error.html", {"title": _("Busy"), "message": message}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


class MethodNotAllowedPageMiddleware:
    """Give the bare 405 of ``HttpResponseNotAllowed`` (an empty body) a page, or the JSON
    error contract for JSON clients, keeping its ``Allow`` header.

    A learner who reloads the URL a form posted to (``…/start/``, ``…/complete/``) gets an
    explanation and a way back instead of a blank page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.streaming or response.content:
            return response
        message = _("This address is used by a form; it cannot be opened directly.")
        if wants_json(request):
            page = JsonResponse({"error": {"code": "method_not_allowed", "message": message}}, status=405)
        else:
            page = render(request, "error.html", {"title": _("Nothing to show here"), "message": message}, status=405)
        if "Allow" in response:
            page["Allow"] = response["Allow"]
        return page


class PreviewFramingMiddleware:
    """Let the Wagtail admin frame page previews (its preview panel is an iframe).

    Wagtail renders a preview through the whole middleware chain on a dummy request for the
    page's own URL, so the learner pages' ``frame-ancestors 'none'`` reached the preview and
    the browser refused to show it. Previews (``request.is_preview``) get ``'self'``; every
    other page keeps ``'none'``. Must sit after ``CSPMiddleware`` in MIDDLEWARE, so that it
    sees the response first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "is_preview", False):
            replace = dict(getattr(response, "_csp_replace", None) or {})
            replace["frame-ancestors"] = ["'self'"]
            response._csp_replace = replace
        return response


def wants_json(request) -> bool:
    accept = request.headers.get("Accept", "")
    return request.content_type == "application/json" or ("application/json" in accept and "text/html" not in accept)
