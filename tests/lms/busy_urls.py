"""URLconf for the middleware tests: the project's URLs plus views that hit a locked database."""

import psycopg
from django.db import OperationalError, transaction
from django.http import HttpResponse
from django.urls import path

from lms.people.models import Department
from lms.urls import urlpatterns as project_urlpatterns


def locked(request):
    raise OperationalError("database is locked")


def locked_after_a_write(request):
    with transaction.atomic():
        Department.objects.create(name="Written before the lock")
        raise OperationalError("database is locked")


def other_failure(request):
    raise OperationalError("no such table: nowhere")


def _from_psycopg(cause: Exception) -> OperationalError:
    """What Django raises for a psycopg error: its own class, caused by psycopg's."""
    try:
        raise cause
    except psycopg.Error as error:
        try:
            raise OperationalError(str(error)) from error
        except OperationalError as wrapped:
            return wrapped


def postgresql_gone(request):
    raise _from_psycopg(psycopg.OperationalError("connection failed: Connection refused"))


def postgresql_restarting(request):
    raise _from_psycopg(psycopg.errors.AdminShutdown("terminating connection due to administrator command"))


def postgresql_statement_timeout(request):
    raise _from_psycopg(psycopg.errors.QueryCanceled("canceling statement due to statement timeout"))


class LockedBeforeTheView:
    """A middleware whose database read (a session, a user) hits the lock before any view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/fine/":
            raise OperationalError("database is locked")
        return self.get_response(request)


def fine(request):
    return HttpResponse("ok")


urlpatterns = [
    path("busy/", locked),
    path("busy-after-write/", locked_after_a_write),
    path("broken/", other_failure),
    path("fine/", fine),
    path("pg-gone/", postgresql_gone),
    path("pg-restarting/", postgresql_restarting),
    path("pg-timeout/", postgresql_statement_timeout),
    *project_urlpatterns,
]

handler500 = "lms.home.views.server_error"  # as lms.urls
