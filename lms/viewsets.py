"""Admin viewsets shared by every app. Every app may import this module."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from wagtail.admin.viewsets.model import ModelViewSet

from lms.http import rate_limit


def export_rate_limit(request: HttpRequest) -> HttpResponse | None:
    """Count a report export (CSV, XLSX) against ``REPORT_EXPORT_RATE`` for the editor: ``None``
    while under it, else the 429 (nothing is exported)."""
    return rate_limit(
        request,
        group="report-export",
        setting="REPORT_EXPORT_RATE",
        message=_("You have downloaded many exports in a short time. Wait a minute, then try again."),
    )


class ExportRateLimitMixin:
    """For a Wagtail ``ReportView`` (``SpreadsheetExportMixin``): its CSV and XLSX exports count
    against ``REPORT_EXPORT_RATE``; the HTML listing is not limited. Put it before the view
    class."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(self, "is_export", False):
            refused = export_rate_limit(request)
            if refused is not None:
                return refused
        return super().get(request, *args, **kwargs)  # type: ignore[misc]  # a mixin of ReportView


class ReadOnlyModelViewSet(ModelViewSet):
    """A listing, and an inspect page when ``inspect_view_enabled``, of rows the application
    writes (versions, audit entries, lock-outs): no add, edit, copy, history or usage view, and
    no link to one. ``delete_path`` (e.g. ``"unlock"``) keeps the delete view under that name,
    for rows whose removal is the action (lifting a lock-out).

    Subclasses add their own views with ``extra_urlpatterns``.
    """

    copy_view_enabled = False
    delete_path = ""
    form_fields: list[str] = []

    def get_common_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        absent = ["add", "edit", "history", "usage"] + ([] if self.delete_path else ["delete"])
        return super().get_common_view_kwargs(**{**{f"{name}_url_name": None for name in absent}, **kwargs})

    def extra_urlpatterns(self) -> list[URLPattern]:
        return []

    def get_urlpatterns(self) -> list[URLPattern]:
        pk = f"<{self.pk_path_converter}:pk>"
        patterns = [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]
        if self.inspect_view_enabled:
            patterns.append(path(f"inspect/{pk}/", self.inspect_view, name="inspect"))
        if self.delete_path:
            patterns.append(path(f"{self.delete_path}/{pk}/", self.delete_view, name="delete"))
        return patterns + self.extra_urlpatterns()
