"""URLconf for the error-page tests: the project's URLs plus a view that fails."""

from django.urls import path

from lms.urls import urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("secret detail of the failure")


urlpatterns = [path("boom/", boom), *project_urlpatterns]

handler404 = "lms.home.views.not_found"
