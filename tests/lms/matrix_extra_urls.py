"""A URLconf with a view of ours that the role × URL matrix has no row for (its own test)."""

from django.urls import path

from lms.home import views
from lms.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("matrix-new/", views.healthz, name="matrix_new")]
