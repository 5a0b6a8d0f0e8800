"""URLconf for the middleware tests: the project's URLs plus views that hit a locked database."""

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


def fine(request):
    return HttpResponse("ok")


urlpatterns = [
    path("busy/", locked),
    path("busy-after-write/", locked_after_a_write),
    path("broken/", other_failure),
    path("fine/", fine),
    *project_urlpatterns,
]
