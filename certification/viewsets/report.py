"""The certification report: certificates by department × programme × status, the list of
holders below it with its filters, CSV and XLSX export, and "remind these people"
(``report_urls``, registered by ``wagtail_hooks.py``).
"""

from __future__ import annotations

import itertools
import math
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from certification import selectors
from certification.admin_views import (
    REPORT,
    REPORT_REMIND,
    REPORT_REMINDERS,
    REPORT_RESULTS,
    ReminderConfirmView,
)
from certification.batch_progress import ReminderBatchProgressView
from certification.models import Certificate
from certification.report import BUCKET_DEFINITIONS, BUCKET_LABELS, TOTAL_DEFINITION, CertificationReportFilterSet
from certification.viewsets.common import short_datetime
from lms.viewsets import ExportRateLimitMixin

# --- the certification report --------------------------------------------------------------


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _local_date(value: datetime | None) -> str:
    return localtime(value).date().isoformat() if value else ""


def _days_left(certificate: Certificate, now: datetime) -> int | str:
    """Whole days until expiry, counted up as the reminders count them (negative once expired);
    empty without an expiry date."""
    if certificate.expires_at is None:
        return ""
    return math.ceil((certificate.expires_at - now) / timedelta(days=1))


def _bucket_label(certificate: Any) -> str:
    """The bucket label of a certificate annotated by ``selectors.report_certificates``."""
    return str(BUCKET_LABELS[certificate.bucket])


class CertificationReportView(ExportRateLimitMixin, ReportView):
    """Certificates by department × programme × status, the list of holders below with its
    filters, CSV and XLSX export of the filtered list, and "remind these people".

    Who sees what: the summary needs ``certification.report_certificate``; the people (list
    and export) also need ``certification.view_certificate``; reminding needs
    ``certification.remind_certificate``. A filter that does not validate answers 400 (an
    export never falls back to everyone). Constant number of queries: one GROUP BY for the
    summary, the page of the list with its holders, departments and programmes joined.
    """

    page_title = _("Certification report")
    header_icon = "success"
    template_name = "certification/admin/report.html"
    results_template_name = "certification/admin/report_results.html"
    index_url_name = REPORT
    index_results_url_name = REPORT_RESULTS
    filterset_class = CertificationReportFilterSet
    permission_policy = ModelPermissionPolicy(Certificate)
    permission_required = "report"
    paginate_by = 50
    list_export = ["holder_name", "email", "department", "program", "bucket", "issued_at", "expires_at", "days_left"]
    export_headings = {
        "holder_name": _("Holder"),
        "email": _("Email"),
        "department": _("Department"),
        "program": _("Programme"),
        "bucket": _("Status"),
        "issued_at": _("Issued on"),
        "expires_at": _("Expires on"),
        "days_left": _("Days left"),
    }

    def setup(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.now = timezone.now()

    @cached_property
    def can_see_people(self) -> bool:
        return self.request.user.has_perm("certification.view_certificate")

    @cached_property
    def can_remind(self) -> bool:
        return self.can_see_people and self.request.user.has_perm("certification.remind_certificate")

    @cached_property
    def columns(self) -> list[Column]:
        return [
            Column("holder_name", label=_("Holder"), sort_key="holder_name"),
            Column("email", label=_("Email"), accessor="user.email"),
            Column("department", label=_("Department"), accessor=self._department),
            Column("program", label=_("Programme"), accessor=lambda c: c.program.localised("name")),
            Column("bucket", label=_("Status"), accessor=_bucket_label),
            Column(
                "expires_at",
                label=_("Expires on"),
                accessor=lambda c: short_datetime(c.expires_at),
                sort_key="expires_at",
            ),
        ]

    @staticmethod
    def _department(certificate: Certificate) -> str:
        department = certificate.user.department
        return department.name if department else str(_("No department"))

    def get_queryset(self) -> QuerySet[Certificate]:
        queryset = selectors.report_certificates(now=self.now).order_by("expires_at", "holder_name", "pk")
        return queryset if self.can_see_people else queryset.none()

    def get_filename(self) -> str:
        return f"certification-report-{timezone.localdate(self.now).isoformat()}"

    def to_row_dict(self, item: Certificate) -> dict[str, Any]:
        return {
            "holder_name": item.holder_name,
            "email": item.user.email,
            "department": self._department(item),
            "program": item.program.localised("name"),
            "bucket": _bucket_label(item),
            "issued_at": _local_date(item.issued_at),
            "expires_at": _local_date(item.expires_at),
            "days_left": _days_left(item, self.now),
        }

    def preprocess_field_value(self, field: str, value: Any, export_format: str) -> Any:
        value = super().preprocess_field_value(field, value, export_format)
        # A CSV cell starting with one of these runs as a formula in a spreadsheet (CSV
        # injection); a leading quote keeps it text. XLSX cells are stored as text already.
        if export_format == self.FORMAT_CSV and isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
            return "'" + value
        return value

    def write_csv_response(self, queryset: QuerySet[Certificate]) -> StreamingHttpResponse:
        # UTF-8 with a byte order mark, so that spreadsheet programs read accents right.
        response = StreamingHttpResponse(
            itertools.chain(["\ufeff"], self.stream_csv(queryset)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.get_filename()}.csv"'
        return response

    @cached_property
    def show_export_buttons(self) -> bool:
        return self.can_see_people

    def get(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.is_export and not self.can_see_people:
            raise PermissionDenied
        if self.filters is not None and not self.filters.is_valid():
            if self.is_export:
                return HttpResponseBadRequest(_("The filter is not valid: correct it before exporting."))
            self.object_list = self.get_queryset().none()
            context = self.get_context_data()
            return self.render_to_response(context, status=400)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(*args, **kwargs)
        valid = self.filters is None or self.filters.is_valid()
        selection = self.filters.selection() if valid and self.filters is not None else {}
        summary_filter = {key: value for key, value in selection.items() if key != "bucket"}
        context["summary"] = (
            selectors.report_summary(
                selectors.report_filter(selectors.report_certificates(now=self.now), **summary_filter),
                no_department_label=str(_("No department")),
            )
            if valid
            else None
        )
        context["filter_invalid"] = not valid
        summary = context["summary"]
        context["status_chart"] = (
            [(BUCKET_LABELS[bucket], count) for bucket, count in summary.total_cells]
            if summary and summary.rows
            else []
        )
        context["buckets"] = [(bucket, BUCKET_LABELS[bucket]) for bucket in selectors.BUCKETS]
        context["definitions"] = [
            (bucket, BUCKET_LABELS[bucket], BUCKET_DEFINITIONS[bucket]) for bucket in selectors.BUCKETS
        ]
        context["total_definition"] = TOTAL_DEFINITION
        context["now"] = self.now
        context["can_see_people"] = self.can_see_people
        context["report_url"] = reverse(REPORT)
        bucket = selection.get("bucket", "")
        context["remind_url"] = ""
        if self.can_remind and bucket in selectors.REMINDABLE_BUCKETS:
            context["remind_url"] = f"{reverse(REPORT_REMIND)}?{_filter_query(self.request.GET)}"
        return context


def _filter_query(params: Any) -> str:
    """The report's filter parameters of ``params`` (a QueryDict), as a query string."""
    kept = params.copy()
    for key in list(kept.keys()):
        if key not in CertificationReportFilterSet.base_filters:
            del kept[key]
    return kept.urlencode()


def report_urls() -> list[URLPattern]:
    return [
        path("reports/certification/", CertificationReportView.as_view(), name=REPORT),
        path("reports/certification/results/", CertificationReportView.as_view(results_only=True), name=REPORT_RESULTS),
        path("reports/certification/remind/", ReminderConfirmView.as_view(), name=REPORT_REMIND),
        path(
            "reports/certification/reminders/<int:pk>/",
            ReminderBatchProgressView.as_view(),
            name=REPORT_REMINDERS,
        ),
    ]
