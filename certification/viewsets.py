"""Admin UI of the certification layer (registered in ``wagtail_hooks.py``).

- Programmes: the usual listing and forms (panels from the model), plus "Re-issue all PDFs",
  which starts a ``BulkRender`` whose progress page refreshes itself until it is done.
  Programmes are never deleted (their certificates stay verifiable): HR deactivates them.
- Certificates: listing with the state computed now, an inspect view with the audit trail,
  and Revoke / Reinstate, each asking for a reason (``certification.admin_views``). Nothing
  else changes a certificate here: no add, edit or delete views exist.
- Certificate events: the audit trail, read-only — listing and inspect, no other view.
- PDF re-issues: their progress, read-only.

Labels come from the models' verbose names. Permissions are the models' own:
``view_certificate`` to list and inspect, ``change_certificate`` to revoke and reinstate,
``change_certificationprogram`` to edit a programme and re-issue its PDFs,
``view_certificateevent`` for the audit trail.
"""

from __future__ import annotations

import itertools
import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import django_filters
from django.contrib.admin.utils import label_for_field
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, StatusTagColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy

from certification import selectors
from certification.admin_views import (
    BULK_RENDERS,
    CERTIFICATES,
    EVENTS,
    PROGRAMMES,
    REPORT,
    REPORT_REMIND,
    REPORT_REMINDERS,
    REPORT_RESULTS,
    STATE_LABELS,
    CertificateReinstateView,
    CertificateRevokeView,
    ProgramAssignView,
    ProgramEditView,
    ProgramReissueView,
    ReminderConfirmView,
)
from certification.batch_progress import ReminderBatchProgressView
from certification.models import BulkRender, Certificate, CertificateEvent, CertificateQuerySet, CertificationProgram
from certification.report import BUCKET_DEFINITIONS, BUCKET_LABELS, TOTAL_DEFINITION, CertificationReportFilterSet
from courses import api as courses_api
from lms.viewsets import ExportRateLimitMixin, ReadOnlyModelViewSet

# The training report's list of people (``courses.training_viewsets``), filtered by course.
TRAINING_PEOPLE = "courses_training_people"

if TYPE_CHECKING:
    from lms.people.models import User


def _label(model: type[Model], field_name: str) -> str:
    """The column heading of a model field: its verbose name, capitalised (lazily, as Wagtail's
    own headings: translated when the page is shown)."""
    return capfirst(label_for_field(field_name, model, return_attr=False))


def _date(value: datetime | None) -> str:
    """A plain local date and time: the generic date column only speaks of the past."""
    return date_format(localtime(value), "SHORT_DATETIME_FORMAT") if value else "—"


def _long_date(value: datetime | None) -> str:
    """A date and time in the project's time zone (``TIME_ZONE``), as the list and the audit
    trail show them, in the reader's language; "—" when there is none."""
    return date_format(localtime(value), "DATETIME_FORMAT") if value else "—"


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


# --- certificates -------------------------------------------------------------------------


class CertificateFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=list(STATE_LABELS.items()), method="filter_state", empty_label=_("Any state")
    )
    program = django_filters.ModelChoiceFilter(
        label=_label(Certificate, "program"),
        queryset=CertificationProgram.objects.all(),
        empty_label=_("All programmes"),
    )
    pdf_ready = django_filters.BooleanFilter(label=_("PDF ready"), method="filter_pdf_ready")

    class Meta:
        model = Certificate
        fields = ["program", "cycle"]

    def filter_state(self, queryset: CertificateQuerySet, name: str, value: str) -> CertificateQuerySet:
        now = timezone.now()
        if value == "valid":
            return queryset.current(now)
        if value == "expired":
            return queryset.not_revoked().filter(expires_at__lte=now)
        if value == "revoked":
            return queryset.filter(status=Certificate.Status.REVOKED)
        return queryset

    def filter_pdf_ready(self, queryset: CertificateQuerySet, name: str, value: bool | None) -> CertificateQuerySet:
        if value is None:
            return queryset
        return queryset.exclude(pdf="") if value else queryset.filter(pdf="")


class StateColumn(StatusTagColumn):
    """valid / expired / revoked, computed when the page is shown (never stored)."""

    def get_value(self, instance: Certificate) -> str:
        return str(STATE_LABELS[instance.state()])

    def get_primary(self, instance: Certificate) -> bool:
        return instance.state() == "valid"


class CertificateIndexView(IndexView):
    def get_base_queryset(self) -> QuerySet[Certificate]:
        return super().get_base_queryset().select_related("program")


def _status_button(certificate: Certificate, user: User) -> HeaderButton | None:
    if not user.has_perm("certification.change_certificate"):
        return None
    if certificate.status == Certificate.Status.REVOKED:
        return HeaderButton(
            _("Reinstate"), url=reverse(f"{CERTIFICATES}:reinstate", args=(certificate.pk,)), icon_name="rotate"
        )
    return HeaderButton(_("Revoke"), url=reverse(f"{CERTIFICATES}:revoke", args=(certificate.pk,)), icon_name="cross")


# Fields shown only when they hold something: a certificate that was never revoked has no
# revocation date, a first certificate renews nothing.
_SHOWN_WHEN_SET = ("revoked_at", "revocation_reason", "supersedes")


def _status_label(status: str | None) -> str:
    """The reader's word for a stored status ("issued" → "Délivré")."""
    if status in Certificate.Status.values:
        return str(Certificate.Status(status).label)
    return str(status or "—")


def event_change(event: CertificateEvent) -> str:
    """What an audit entry changed, in words: "Issued → Revoked (reason)" for a status change,
    the reminder's threshold, the data removed by an erasure; the reason alone otherwise."""
    before, after = event.before or {}, event.after or {}
    reason = event.reason.strip()
    if "status" in before and "status" in after:
        change = f"{_status_label(before.get('status'))} → {_status_label(after.get('status'))}"
        return f"{change} ({reason})" if reason else change
    if event.action == CertificateEvent.Action.REMINDED:
        if after.get("requested_by_hr"):
            return str(_("Asked from the certification report"))
        if "days" in after:
            days = int(after["days"])
            return ngettext("%(days)d day before expiry", "%(days)d days before expiry", days) % {"days": days}
    if event.action == CertificateEvent.Action.ERASED and after:
        return str(_("Personal data removed from the certificate and its files"))
    return reason or "—"


class CertificateInspectView(InspectView):
    """The certificate as HR reads it: one state (computed now), dates in the project's time
    zone, nothing internal (the status-list index, the stored status), fields without a value
    left out; the holder's training; the audit trail in words, newest first."""

    template_name = "certification/admin/certificate_inspect.html"

    def get_object(self, queryset: QuerySet[Certificate] | None = None) -> Certificate:
        return get_object_or_404(
            Certificate.objects.select_related("program", "user__department", "supersedes"), pk=self.pk
        )

    def get_fields_context(self) -> list[dict[str, Any]]:
        certificate = self.object
        revoked = certificate.status == Certificate.Status.REVOKED
        hidden = {
            "revoked_at": not revoked or certificate.revoked_at is None,
            "revocation_reason": not revoked or not certificate.revocation_reason,
            "supersedes": certificate.supersedes_id is None,
        }
        return [
            self.get_context_for_field(name) for name in self.fields if not (name in _SHOWN_WHEN_SET and hidden[name])
        ]

    def get_field_label(self, field_name: str, field: Any) -> str:
        if field_name == "state":  # computed, not a field
            return str(_("State"))
        return str(super().get_field_label(field_name, field))

    def get_field_display_value(self, field_name: str, field: Any) -> Any:
        value = getattr(self.object, field_name, None)
        if isinstance(value, datetime) or (value is None and field_name.endswith("_at")):
            return _long_date(value)
        return super().get_field_display_value(field_name, field)

    def get_state_display_value(self) -> str:
        return str(STATE_LABELS[self.object.state()])

    def get_user_display_value(self) -> str:
        user = self.object.user
        return f"{user.get_display_name()} <{user.email}>" if user.email else user.get_display_name()

    def get_program_display_value(self) -> str:
        return self.object.program.localised("name")

    def get_supersedes_display_value(self) -> str:
        previous = self.object.supersedes
        if previous is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse(f"{CERTIFICATES}:inspect", args=(previous.pk,)), previous)

    def get_pdf_display_value(self) -> str:
        if self.object.pdf:
            return _("Ready (SHA-256 %(sha)s)") % {"sha": self.object.pdf_sha256}
        if self.object.render_error:
            return _("Failed: %(error)s") % {"error": self.object.render_error}
        return str(_("Being prepared"))

    def get_reminders_sent_display_value(self) -> str:
        return ", ".join(str(days) for days in sorted(self.object.reminders_sent, reverse=True)) or "—"

    @cached_property
    def header_buttons(self) -> list[HeaderButton]:
        buttons = [
            HeaderButton(
                _("Public page"),
                url=selectors.verification_url(self.object),
                icon_name="link-external",
                attrs={"target": "_blank", "rel": "noopener"},
            )
        ]
        status_button = _status_button(self.object, self.request.user)
        if status_button is not None:
            buttons.append(status_button)
        return buttons

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        events = list(self.object.events.select_related("actor").order_by("-at", "-pk"))
        context["events"] = [(event, _long_date(event.at), event_change(event)) for event in events]
        renewal = getattr(self.object, "renewal", None)
        context["renewal"] = renewal
        if renewal is not None:
            context["renewal_started"] = _long_date(renewal.started_at)
            context["renewal_completed"] = _long_date(renewal.completed_at) if renewal.completed_at else ""
        context["training"] = [
            (course, _long_date(course.completed_at) if course.completed_at else "")
            for course in courses_api.learner_dashboard(self.object.user).courses
        ]
        department = self.object.user.department_id
        context["training_url"] = reverse(TRAINING_PEOPLE)
        context["training_department"] = department or ""
        return context


class CertificateViewSet(ReadOnlyModelViewSet):
    """Certificates are issued by the services, never typed in: list, inspect, revoke, reinstate."""

    model = Certificate
    icon = "success"
    menu_label = _("Certificates")
    url_prefix = "certification/certificates"
    add_to_admin_menu = False
    add_to_reference_index = False
    inspect_view_enabled = True
    index_view_class = CertificateIndexView
    inspect_view_class = CertificateInspectView
    filterset_class = CertificateFilterSet
    list_display = [
        "code",
        Column("holder_name", label=_label(Certificate, "holder_name"), sort_key="holder_name"),
        Column("program", label=_label(Certificate, "program")),
        StateColumn("state", label=_("State")),
        Column(
            "issued_at",
            label=_label(Certificate, "issued_at"),
            accessor=lambda certificate: _date(certificate.issued_at),
            sort_key="issued_at",
        ),
        Column(
            "expires_at",
            label=_label(Certificate, "expires_at"),
            accessor=lambda certificate: _date(certificate.expires_at),
            sort_key="expires_at",
        ),
        BooleanColumn("pdf", label=_("PDF ready")),
    ]
    search_fields = ["code", "holder_name"]
    search_backend_name = None
    inspect_view_fields = [
        "code",
        "holder_name",
        "user",
        "program",
        "cycle",
        "state",
        "issued_at",
        "expires_at",
        "revoked_at",
        "revocation_reason",
        "supersedes",
        "pdf",
        "rendered_at",
        "emailed_at",
        "reminders_sent",
    ]

    def get_permissions_to_register(self) -> QuerySet[Any]:
        return (
            super()
            .get_permissions_to_register()
            .filter(codename__in=["view_certificate", "change_certificate", "report_certificate", "remind_certificate"])
        )

    def _reason_view(self, view_class: type[CertificateRevokeView | CertificateReinstateView]) -> Any:
        return self.construct_view(
            view_class, index_url_name=self.get_url_name("index"), inspect_url_name=self.get_url_name("inspect")
        )

    def extra_urlpatterns(self) -> list[URLPattern]:
        return [
            path("revoke/<int:pk>/", self._reason_view(CertificateRevokeView), name="revoke"),
            path("reinstate/<int:pk>/", self._reason_view(CertificateReinstateView), name="reinstate"),
        ]


# --- audit trail ----------------------------------------------------------------------------


class CertificateEventIndexView(IndexView):
    def get_base_queryset(self) -> QuerySet[CertificateEvent]:
        return super().get_base_queryset().select_related("certificate", "actor")


class CertificateEventViewSet(ReadOnlyModelViewSet):
    """The audit trail is append-only: no add, edit or delete view exists, for anyone."""

    model = CertificateEvent
    icon = "history"
    menu_label = _("Audit trail")
    url_prefix = "certification/events"
    add_to_admin_menu = False
    add_to_reference_index = False
    inspect_view_enabled = True
    index_view_class = CertificateEventIndexView
    list_display = [
        "action",
        Column("certificate", label=_label(CertificateEvent, "certificate"), accessor="certificate.code"),
        Column("actor", label=_label(CertificateEvent, "actor")),
        DateColumn("at", label=_label(CertificateEvent, "at"), sort_key="at"),
        Column("reason", label=_label(CertificateEvent, "reason")),
    ]
    list_filter = ["action"]
    search_fields = ["certificate__code", "reason"]
    search_backend_name = None
    inspect_view_fields = ["certificate", "action", "actor", "at", "reason", "before", "after", "key"]

    def get_permissions_to_register(self) -> QuerySet[Any]:
        return super().get_permissions_to_register().filter(codename="view_certificateevent")


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


class CertificationViewSetGroup(ViewSetGroup):
    menu_label = _("Certification")
    menu_icon = "success"
    menu_order = 230
    items = (
        CertificationProgramViewSet(PROGRAMMES),
        CertificateViewSet(CERTIFICATES),
        CertificateEventViewSet(EVENTS),
        BulkRenderViewSet(BULK_RENDERS),
    )


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
            Column("expires_at", label=_("Expires on"), accessor=lambda c: _date(c.expires_at), sort_key="expires_at"),
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
