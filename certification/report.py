"""The certification report's vocabulary: the status buckets, their labels and definitions,
and the filter of its list (programme, department, status), shared by the report and by
"remind these people" (``certification.viewsets``, ``certification.admin_views``)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from certification import selectors
from certification.models import Certificate, CertificationProgram
from lms.people.models import Department

BUCKET_LABELS = {
    selectors.VALID: _("Valid"),
    selectors.EXPIRING_30: _("Expiring within 30 days"),
    selectors.EXPIRING_60: _("Expiring in 31–60 days"),
    selectors.EXPIRING_90: _("Expiring in 61–90 days"),
    selectors.BUCKET_EXPIRED: _("Expired"),
    selectors.BUCKET_REVOKED: _("Revoked"),
}

# What each figure counts, shown on the report (each column heading links to its definition).
BUCKET_DEFINITIONS = {
    selectors.VALID: _(
        "Not revoked, and either without an expiry date or expiring more than 90 days from now. "
        "Certificates expiring within 90 days are not counted here but in the three “Expiring” columns."
    ),
    selectors.EXPIRING_30: _("Not revoked, expiring after now and at most 30 days (30 × 24 hours) from now."),
    selectors.EXPIRING_60: _("Not revoked, expiring more than 30 days and at most 60 days from now."),
    selectors.EXPIRING_90: _("Not revoked, expiring more than 60 days and at most 90 days from now."),
    selectors.BUCKET_EXPIRED: _("Not revoked, with an expiry date now or in the past."),
    selectors.BUCKET_REVOKED: _(
        "Revoked by HR, whatever its dates (a revoked certificate that was expiring counts here)."
    ),
}
TOTAL_DEFINITION = _(
    "Every certificate counted, one per holder and programme: the latest of the holder's cycles "
    "(a renewed certificate is replaced by its renewal). The columns do not overlap, so the total "
    "is their sum."
)


class CertificationReportFilterSet(WagtailFilterSet):
    """The report's filters: programme, department (or none) and status."""

    program = django_filters.ModelChoiceFilter(
        label=_("Programme"), queryset=CertificationProgram.objects.all(), empty_label=_("All programmes")
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"),
        field_name="user__department",
        queryset=Department.objects.all(),
        empty_label=_("All departments"),
        null_label=_("No department"),
    )
    bucket = django_filters.ChoiceFilter(
        label=_("Status"), choices=list(BUCKET_LABELS.items()), empty_label=_("Any status"), method="filter_bucket"
    )

    class Meta:
        model = Certificate
        fields = ["program", "department", "bucket"]

    def filter_bucket(self, queryset, name, value):
        return selectors.report_filter(queryset, bucket=value) if value else queryset

    def selection(self) -> dict[str, Any]:
        """The validated filter as keyword arguments of ``selectors.report_filter`` (call
        ``is_valid()`` first)."""
        data = self.form.cleaned_data
        department = data.get("department")
        return {
            "program_id": data["program"].pk if data.get("program") else None,
            "department_id": department.pk if isinstance(department, Department) else None,
            "no_department": department == "null",
            "bucket": data.get("bucket") or "",
        }

    def described(self) -> dict[str, str]:
        """The filter in words (for the audit entry): field label → chosen value."""
        data = self.form.cleaned_data
        described = {}
        if data.get("program"):
            described["program"] = str(data["program"])
        if data.get("department"):
            department = data["department"]
            described["department"] = str(department) if isinstance(department, Department) else "—"
        if data.get("bucket"):
            described["bucket"] = data["bucket"]
        return described
