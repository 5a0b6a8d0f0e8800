"""Project-wide middleware."""

import logging

from django.db import OperationalError
from django.utils.translation import gettext as _

from lms.http import DomainError, domain_error_response, error_response

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


class DomainErrorMiddleware:
    """Render a ``DomainError`` a view let through, as the error contract says: its status,
    its code and message, as JSON or as the page. Anything else is left to Django."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError):
            return domain_error_response(request, exception)
        return None


class DatabaseBusyMiddleware:
    """Turn SQLite's "database is locked" into 503 + Retry-After instead of a 500.

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
        response = error_response(
            request,
            code="temporarily_busy",
            message=_("The service is busy. Please try again in a few seconds."),
            status=503,
            title=_("Busy"),
        )
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
        page = error_response(
            request,
            code="method_not_allowed",
            message=_("This address is used by a form; it cannot be opened directly."),
            status=405,
            title=_("Nothing to show here"),
        )
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
