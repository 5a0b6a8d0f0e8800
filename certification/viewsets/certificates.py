"""Certificates in the admin: listing with the state computed now, an inspect view with the
audit trail, and Revoke / Reinstate, each asking for a reason (``certification.admin_views``).
Nothing else changes a certificate here: no add, edit or delete views exist. Certificate
events: the audit trail, read-only (listing and inspect, no other view).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, StatusTagColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.widgets.button import HeaderButton

from certification import selectors
from certification.admin_views import (
    CERTIFICATES,
    STATE_LABELS,
    CertificateReinstateView,
    CertificateRevokeView,
)
from certification.models import Certificate, CertificateEvent, CertificateQuerySet, CertificationProgram
from certification.viewsets.common import TRAINING_PEOPLE, field_label, long_datetime, short_datetime
from courses import api as courses_api
from lms.viewsets import ReadOnlyModelViewSet

if TYPE_CHECKING:
    from lms.people.models import User


# --- certificates -------------------------------------------------------------------------


class CertificateFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=list(STATE_LABELS.items()), method="filter_state", empty_label=_("Any state")
    )
    program = django_filters.ModelChoiceFilter(
        label=field_label(Certificate, "program"),
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
            return long_datetime(value)
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
        context["events"] = [(event, long_datetime(event.at), event_change(event)) for event in events]
        renewal = getattr(self.object, "renewal", None)
        context["renewal"] = renewal
        if renewal is not None:
            context["renewal_started"] = long_datetime(renewal.started_at)
            context["renewal_completed"] = long_datetime(renewal.completed_at) if renewal.completed_at else ""
        context["training"] = [
            (course, long_datetime(course.completed_at) if course.completed_at else "")
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
        Column("holder_name", label=field_label(Certificate, "holder_name"), sort_key="holder_name"),
        Column("program", label=field_label(Certificate, "program")),
        StateColumn("state", label=_("State")),
        Column(
            "issued_at",
            label=field_label(Certificate, "issued_at"),
            accessor=lambda certificate: short_datetime(certificate.issued_at),
            sort_key="issued_at",
        ),
        Column(
            "expires_at",
            label=field_label(Certificate, "expires_at"),
            accessor=lambda certificate: short_datetime(certificate.expires_at),
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
        Column("certificate", label=field_label(CertificateEvent, "certificate"), accessor="certificate.code"),
        Column("actor", label=field_label(CertificateEvent, "actor")),
        DateColumn("at", label=field_label(CertificateEvent, "at"), sort_key="at"),
        Column("reason", label=field_label(CertificateEvent, "reason")),
    ]
    list_filter = ["action"]
    search_fields = ["certificate__code", "reason"]
    search_backend_name = None
    inspect_view_fields = ["certificate", "action", "actor", "at", "reason", "before", "after", "key"]

    def get_permissions_to_register(self) -> QuerySet[Any]:
        return super().get_permissions_to_register().filter(codename="view_certificateevent")
