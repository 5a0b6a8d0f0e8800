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


# SQLSTATE classes and codes of a database that is away for a while, not of a bug: connection
# exceptions (08…), and the server shutting down, crashed or starting (57P01–57P03).
UNAVAILABLE_SQLSTATE_PREFIXES = ("08", "57P01", "57P02", "57P03")


def database_unavailable(exception: BaseException | None) -> bool:
    """Whether ``exception`` says the database is momentarily out of reach rather than that
    the code is wrong: SQLite's lock timeout ("database is locked"), or PostgreSQL refusing or
    dropping the connection (no server listening, a restart, a failover). A missing table, a
    syntax error or a constraint stays a fault (500)."""
    if not isinstance(exception, OperationalError):
        return False
    message = str(exception).lower()
    if "database is locked" in message or "database table is locked" in message:
        return True
    cause = exception.__cause__
    if cause is None or type(cause).__module__.split(".")[0] != "psycopg":
        return False
    sqlstate = getattr(cause, "sqlstate", None)
    # A client-side failure to reach or keep the server has no SQLSTATE.
    return sqlstate is None or sqlstate.startswith(UNAVAILABLE_SQLSTATE_PREFIXES)


def unavailable_response(request):
    """503 + Retry-After in the error contract: the transaction was rolled back by
    ``atomic()`` (or never began), so nothing is half-written; the client tries again."""
    logger.warning("database unavailable on %s %s", request.method, request.path)
    response = error_response(
        request,
        code="temporarily_busy",
        message=_("The service is busy. Please try again in a few seconds."),
        status=503,
        title=_("Busy"),
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseBusyMiddleware:
    """Turn a database that is momentarily out of reach (``database_unavailable``) into 503 +
    Retry-After instead of a 500, for errors raised by views. Errors raised by middleware (a
    session or user read before the view) reach ``lms.home.views.server_error``, which answers
    the same way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_unavailable(exception):
            return None
        return unavailable_response(request)


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
