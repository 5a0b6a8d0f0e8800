"""Programmes in the admin: the usual listing and forms (panels from the model), plus "Re-issue
all PDFs", which starts a ``BulkRender`` whose progress page refreshes itself until it is done,
and "Assign its courses". Programmes are never deleted (their certificates stay verifiable): HR
deactivates them. PDF re-issues: their progress, read-only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from certification import selectors
from certification.admin_views import (
    PROGRAMMES,
    ProgramAssignView,
    ProgramEditView,
    ProgramReissueView,
)
from certification.models import BulkRender, CertificationProgram
from lms.viewsets import ReadOnlyModelViewSet

# --- programmes -------------------------------------------------------------------------


class CertificationProgramViewSet(ModelViewSet):
    model = CertificationProgram
    icon = "success"
    menu_label = _("Programmes")
    url_prefix = "certification/programmes"
    add_to_admin_menu = False
    copy_view_enabled = False
    edit_view_class = ProgramEditView
    list_display = [
        "name",
        "slug",
        "validity_months",
        "renewal_mode",
        BooleanColumn("unlocks_advocacy", label=_("Unlocks advocacy")),
        BooleanColumn("active", label=pgettext_lazy("programme", "Active")),
    ]
    list_filter = ["active", "renewal_mode", "unlocks_advocacy"]
    search_fields = ["name", "name_en", "slug"]
    search_backend_name = None

    def get_common_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_common_view_kwargs(**{"delete_url_name": None, **kwargs})

    def get_permissions_to_register(self) -> QuerySet[Any]:
        return super().get_permissions_to_register().exclude(codename="delete_certificationprogram")

    @property
    def reissue_view(self) -> Any:
        return self.construct_view(
            ProgramReissueView, index_url_name=self.get_url_name("index"), edit_url_name=self.get_url_name("edit")
        )

    @property
    def assign_view(self) -> Any:
        return self.construct_view(
            ProgramAssignView, index_url_name=self.get_url_name("index"), edit_url_name=self.get_url_name("edit")
        )

    def get_urlpatterns(self) -> list[URLPattern]:
        urlpatterns = [pattern for pattern in super().get_urlpatterns() if pattern.name != "delete"]
        return [
            *urlpatterns,
            path("reissue/<int:pk>/", self.reissue_view, name="reissue"),
            path("assign/<int:pk>/", self.assign_view, name="assign"),
        ]


# --- bulk re-issue progress ----------------------------------------------------------------


class BulkRenderIndexView(IndexView):
    def get_base_queryset(self) -> QuerySet[BulkRender]:
        return super().get_base_queryset().select_related("program", "requested_by")


class BulkRenderInspectView(InspectView):
    """Progress of a bulk re-issue; the page reloads itself every few seconds until done."""

    template_name = "certification/admin/bulk_render_inspect.html"
    refresh_seconds = 3

    def get_object(self, queryset: QuerySet[BulkRender] | None = None) -> BulkRender:
        return get_object_or_404(BulkRender.objects.select_related("program", "requested_by"), pk=self.pk)

    def get_page_title(self) -> str:
        return str(_("Re-issue of all PDFs"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["bulk"] = self.object
        context["progress"] = selectors.bulk_render_progress(bulk=self.object)
        context["refresh_seconds"] = self.refresh_seconds
        context["program_edit_url"] = reverse(f"{PROGRAMMES}:edit", args=(self.object.program_id,))
        return context


class BulkRenderViewSet(ReadOnlyModelViewSet):
    model = BulkRender
    icon = "resubmit"
    menu_label = _("PDF re-issues")
    url_prefix = "certification/bulk-renders"
    add_to_admin_menu = False
    add_to_reference_index = False
    inspect_view_enabled = True
    index_view_class = BulkRenderIndexView
    inspect_view_class = BulkRenderInspectView
    list_display = [
        "program",
        Column("requested_by", label=_("Requested by")),
        DateColumn("requested_at", label=_("Requested"), sort_key="requested_at"),
        Column("progress", label=_("Progress"), accessor=lambda bulk: f"{bulk.done + bulk.failed} / {bulk.total}"),
        Column("failed", label=_("Failed")),
        DateColumn("finished_at", label=_("Finished"), sort_key="finished_at"),
    ]

    def get_permissions_to_register(self) -> QuerySet[Any]:
        return super().get_permissions_to_register().filter(codename="view_bulkrender")
