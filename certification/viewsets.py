"""Admin UI of the certification layer (registered in ``wagtail_hooks.py``).

- Programmes: the usual listing and forms (panels from the model), plus "Re-issue all PDFs",
  which starts a ``BulkRender`` whose progress page refreshes itself until it is done.
  Programmes are never deleted (their certificates stay verifiable): HR deactivates them.
- Certificates: listing with the state computed now, an inspect view with the audit trail,
  and Revoke / Reinstate, each asking for a reason. Nothing else changes a certificate here:
  no add, edit or delete views exist.
- Certificate events: the audit trail, read-only — listing and inspect, no other view.

Permissions are the models' own: ``view_certificate`` to list and inspect,
``change_certificate`` to revoke and reinstate, ``change_certificationprogram`` to edit a
programme and re-issue its PDFs, ``view_certificateevent`` for the audit trail.
"""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, StatusTagColumn
from wagtail.admin.views.generic import EditView, IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from certification import lifecycle, selectors, services
from certification.forms import BulkRenderConfirmForm, ReasonForm
from certification.models import BulkRender, Certificate, CertificateEvent, CertificationProgram

STATE_LABELS = {"valid": _("Valid"), "expired": _("Expired"), "revoked": _("Revoked")}
# The certificate's columns have no verbose names of their own: the admin's labels.
CERTIFICATE_LABELS = {
    "code": _("Code"),
    "holder_name": _("Holder"),
    "user": _("Account"),
    "program": _("Programme"),
    "cycle": _("Cycle"),
    "state": _("State"),
    "status": _("Stored status"),
    "issued_at": _("Issued on"),
    "expires_at": _("Expires on"),
    "revoked_at": _("Revoked on"),
    "revocation_reason": _("Reason for revocation"),
    "pdf": _("PDF"),
    "rendered_at": _("PDF rendered on"),
    "emailed_at": _("Holder emailed on"),
    "reminders_sent": _("Expiry reminders sent (days before)"),
    "status_list_index": _("Status list index"),
    "supersedes": _("Renews"),
}


def _date(value) -> str:
    """A plain local date and time: the generic date column only speaks of the past."""
    return date_format(localtime(value), "SHORT_DATETIME_FORMAT") if value else "—"


# URL names of the views below, namespaced by the viewset names given in ``CertificationViewSetGroup``.
PROGRAMMES = "certification_programmes"
CERTIFICATES = "certificates"
EVENTS = "certificate_events"
BULK_RENDERS = "certificate_bulk_renders"


def _without_write_urls(view_kwargs: dict, names: tuple[str, ...]) -> dict:
    """Point the generic views at no URL for the views a read-only viewset does not have."""
    for name in names:
        view_kwargs[f"{name}_url_name"] = None
    return view_kwargs


# --- programmes -------------------------------------------------------------------------


class ProgramEditView(EditView):
    """The programme form, with "Re-issue all PDFs" in the header."""

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.user_has_permission("change"):
            buttons.append(
                HeaderButton(
                    _("Re-issue all PDFs"),
                    url=reverse(f"{PROGRAMMES}:reissue", args=(self.object.pk,)),
                    icon_name="resubmit",
                )
            )
        return buttons


class ProgramReissueView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """GET: what a re-issue will do. POST: start it (``BulkRender`` + task enqueued on
    commit) and go to its progress page."""

    model = CertificationProgram
    permission_required = "change"
    form_class = BulkRenderConfirmForm
    template_name = "certification/admin/program_reissue.html"
    page_title = _("Re-issue all PDFs")
    header_icon = "resubmit"
    index_url_name = None
    edit_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(CertificationProgram, pk=kwargs["pk"])

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": capfirst(CertificationProgram._meta.verbose_name_plural)},
            {"url": reverse(self.edit_url_name, args=(self.object.pk,)), "label": str(self.object)},
            {"url": "", "label": self.get_page_title(), "sublabel": str(self.object)},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["program"] = self.object
        context["certificate_count"] = Certificate.objects.not_revoked().filter(program=self.object).count()
        context["running"] = BulkRender.objects.filter(program=self.object, finished_at__isnull=True).first()
        context["edit_url"] = reverse(self.edit_url_name, args=(self.object.pk,))
        return context

    def form_valid(self, form):
        with transaction.atomic():
            bulk = lifecycle.bulk_render_create(program=self.object, requested_by=self.request.user)
        messages.success(self.request, _("The PDFs are being rendered again."))
        if self.request.user.has_perm("certification.view_bulkrender"):
            return redirect(reverse(f"{BULK_RENDERS}:inspect", args=(bulk.pk,)))
        return redirect(reverse(self.edit_url_name, args=(self.object.pk,)))


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
        BooleanColumn("unlocks_advocacy", label=_("unlocks advocacy")),
        BooleanColumn("active", label=_("active")),
    ]
    list_filter = ["active", "renewal_mode", "unlocks_advocacy"]
    search_fields = ["name", "name_en", "slug"]
    search_backend_name = None

    def get_common_view_kwargs(self, **kwargs):
        return _without_write_urls(super().get_common_view_kwargs(**kwargs), ("delete",))

    def get_permissions_to_register(self):
        return super().get_permissions_to_register().exclude(codename="delete_certificationprogram")

    @property
    def reissue_view(self):
        return self.construct_view(
            ProgramReissueView, index_url_name=self.get_url_name("index"), edit_url_name=self.get_url_name("edit")
        )

    def get_urlpatterns(self):
        urlpatterns = [pattern for pattern in super().get_urlpatterns() if pattern.name != "delete"]
        return [*urlpatterns, path("reissue/<int:pk>/", self.reissue_view, name="reissue")]


# --- certificates -------------------------------------------------------------------------


class CertificateFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=list(STATE_LABELS.items()), method="filter_state", empty_label=_("Any state")
    )
    program = django_filters.ModelChoiceFilter(
        label=CERTIFICATE_LABELS["program"],
        queryset=CertificationProgram.objects.all(),
        empty_label=_("All programmes"),
    )
    pdf_ready = django_filters.BooleanFilter(label=_("PDF ready"), method="filter_pdf_ready")

    class Meta:
        model = Certificate
        fields = ["program", "cycle"]

    def filter_state(self, queryset, name, value):
        now = timezone.now()
        if value == "valid":
            return queryset.current(now)
        if value == "expired":
            return queryset.not_revoked().filter(expires_at__lte=now)
        if value == "revoked":
            return queryset.filter(status=Certificate.Status.REVOKED)
        return queryset

    def filter_pdf_ready(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(pdf="") if value else queryset.filter(pdf="")


class StateColumn(StatusTagColumn):
    """valid / expired / revoked, computed when the page is shown (never stored)."""

    def get_value(self, instance):
        return STATE_LABELS[instance.state()]

    def get_primary(self, instance):
        return instance.state() == "valid"


class CertificateIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("program")


def _status_button(certificate: Certificate, user) -> HeaderButton | None:
    if not user.has_perm("certification.change_certificate"):
        return None
    if certificate.status == Certificate.Status.REVOKED:
        return HeaderButton(
            _("Reinstate"), url=reverse(f"{CERTIFICATES}:reinstate", args=(certificate.pk,)), icon_name="rotate"
        )
    return HeaderButton(_("Revoke"), url=reverse(f"{CERTIFICATES}:revoke", args=(certificate.pk,)), icon_name="cross")


class CertificateInspectView(InspectView):
    """The certificate, its state now, and its audit trail (every event, newest first)."""

    template_name = "certification/admin/certificate_inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(Certificate.objects.select_related("program", "user"), pk=self.pk)

    def get_state_display_value(self):
        return STATE_LABELS[self.object.state()]

    def get_pdf_display_value(self):
        if self.object.pdf:
            return _("Ready (SHA-256 %(sha)s)") % {"sha": self.object.pdf_sha256}
        if self.object.render_error:
            return _("Failed: %(error)s") % {"error": self.object.render_error}
        return _("Being prepared")

    def get_field_label(self, field_name, field):
        if field_name in CERTIFICATE_LABELS:
            return CERTIFICATE_LABELS[field_name]
        return super().get_field_label(field_name, field)

    def get_reminders_sent_display_value(self):
        return ", ".join(str(days) for days in self.object.reminders_sent) or "—"

    @cached_property
    def header_buttons(self):
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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = list(self.object.events.select_related("actor").order_by("-at", "-pk"))
        context["renewal"] = getattr(self.object, "renewal", None) if hasattr(self.object, "renewal") else None
        return context


class CertificateReasonView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """Revoke or reinstate with a reason. An empty reason answers 400 and changes nothing;
    a certificate already in the target state answers 409."""

    model = Certificate
    permission_required = "change"
    form_class = ReasonForm
    template_name = "certification/admin/certificate_reason.html"
    index_url_name = None
    inspect_url_name = None
    header_icon = "cross"
    # Set by subclasses.
    action_label = ""
    success_message = ""
    conflict_message = ""
    button_classname = ""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(Certificate.objects.select_related("program"), pk=kwargs["pk"])

    def allowed(self) -> bool:
        raise NotImplementedError

    def perform(self, reason: str) -> Certificate:
        raise NotImplementedError

    def get_page_title(self):
        return self.action_label

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": capfirst(Certificate._meta.verbose_name_plural)},
            {"url": self.inspect_url, "label": str(self.object)},
            {"url": "", "label": self.get_page_title(), "sublabel": str(self.object)},
        ]

    @cached_property
    def inspect_url(self) -> str:
        return reverse(self.inspect_url_name, args=(self.object.pk,))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "certificate": self.object,
                "state_label": STATE_LABELS[self.object.state()],
                "allowed": self.allowed(),
                "conflict_message": self.conflict_message,
                "action_label": self.action_label,
                "inspect_url": self.inspect_url,
                "button_classname": self.button_classname,
            }
        )
        return context

    def _conflict(self):
        return self.render_to_response(self.get_context_data(form=self.get_form()), status=409)

    def get(self, request, *args, **kwargs):
        if not self.allowed():
            return self._conflict()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.allowed():
            return self._conflict()
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        try:
            self.object = self.perform(form.cleaned_data["reason"])
        except services.CertificationError as error:
            form.add_error("reason", error.message)
            return self.render_to_response(self.get_context_data(form=form), status=error.status)
        messages.success(self.request, self.success_message % {"code": self.object.code})
        return redirect(self.inspect_url)


class CertificateRevokeView(CertificateReasonView):
    action_label = _("Revoke")
    header_icon = "cross"
    button_classname = "serious"
    success_message = _("Certificate %(code)s revoked.")
    conflict_message = _("This certificate is already revoked.")

    def allowed(self) -> bool:
        return self.object.status != Certificate.Status.REVOKED

    def perform(self, reason: str) -> Certificate:
        return services.certificate_revoke(certificate=self.object, actor=self.request.user, reason=reason)


class CertificateReinstateView(CertificateReasonView):
    action_label = _("Reinstate")
    header_icon = "rotate"
    success_message = _("Certificate %(code)s reinstated.")
    conflict_message = _("Only a revoked certificate can be reinstated.")

    def allowed(self) -> bool:
        return self.object.status == Certificate.Status.REVOKED

    def perform(self, reason: str) -> Certificate:
        return services.certificate_reinstate(certificate=self.object, actor=self.request.user, reason=reason)


class CertificateViewSet(ModelViewSet):
    """Certificates are issued by the services, never typed in: list, inspect, revoke, reinstate."""

    model = Certificate
    icon = "success"
    menu_label = _("Certificates")
    url_prefix = "certification/certificates"
    add_to_admin_menu = False
    add_to_reference_index = False
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = CertificateIndexView
    inspect_view_class = CertificateInspectView
    filterset_class = CertificateFilterSet
    list_display = [
        "code",
        Column("holder_name", label=CERTIFICATE_LABELS["holder_name"], sort_key="holder_name"),
        Column("program", label=CERTIFICATE_LABELS["program"]),
        StateColumn("state", label=CERTIFICATE_LABELS["state"]),
        Column(
            "issued_at",
            label=CERTIFICATE_LABELS["issued_at"],
            accessor=lambda certificate: _date(certificate.issued_at),
            sort_key="issued_at",
        ),
        Column(
            "expires_at",
            label=CERTIFICATE_LABELS["expires_at"],
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
        "status",
        "issued_at",
        "expires_at",
        "revoked_at",
        "revocation_reason",
        "pdf",
        "rendered_at",
        "emailed_at",
        "reminders_sent",
        "status_list_index",
        "supersedes",
    ]

    def get_common_view_kwargs(self, **kwargs):
        return _without_write_urls(
            super().get_common_view_kwargs(**kwargs), ("add", "edit", "delete", "history", "usage")
        )

    def get_permissions_to_register(self):
        return super().get_permissions_to_register().filter(codename__in=["view_certificate", "change_certificate"])

    @property
    def revoke_view(self):
        return self.construct_view(
            CertificateRevokeView,
            index_url_name=self.get_url_name("index"),
            inspect_url_name=self.get_url_name("inspect"),
        )

    @property
    def reinstate_view(self):
        return self.construct_view(
            CertificateReinstateView,
            index_url_name=self.get_url_name("index"),
            inspect_url_name=self.get_url_name("inspect"),
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("revoke/<int:pk>/", self.revoke_view, name="revoke"),
            path("reinstate/<int:pk>/", self.reinstate_view, name="reinstate"),
        ]


# --- audit trail ----------------------------------------------------------------------------


class CertificateEventIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("certificate", "actor")


class CertificateEventViewSet(ModelViewSet):
    """The audit trail is append-only: no add, edit or delete view exists, for anyone."""

    model = CertificateEvent
    icon = "history"
    menu_label = _("Audit trail")
    url_prefix = "certification/events"
    add_to_admin_menu = False
    add_to_reference_index = False
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = CertificateEventIndexView
    list_display = [
        "action",
        Column("certificate", label=_("Certificate"), accessor="certificate.code"),
        Column("actor", label=_("By")),
        DateColumn("at", label=_("When"), sort_key="at"),
        Column("reason", label=_("Reason")),
    ]
    list_filter = ["action"]
    search_fields = ["certificate__code", "reason"]
    search_backend_name = None
    inspect_view_fields = ["certificate", "action", "actor", "at", "reason", "before", "after", "key"]

    def get_common_view_kwargs(self, **kwargs):
        return _without_write_urls(
            super().get_common_view_kwargs(**kwargs), ("add", "edit", "delete", "history", "usage")
        )

    def get_permissions_to_register(self):
        return super().get_permissions_to_register().filter(codename="view_certificateevent")

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]


# --- bulk re-issue progress ----------------------------------------------------------------


class BulkRenderIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("program", "requested_by")


class BulkRenderInspectView(InspectView):
    """Progress of a bulk re-issue; the page reloads itself every few seconds until done."""

    template_name = "certification/admin/bulk_render_inspect.html"
    refresh_seconds = 3

    def get_object(self, queryset=None):
        return get_object_or_404(BulkRender.objects.select_related("program", "requested_by"), pk=self.pk)

    def get_page_title(self):
        return _("Re-issue of all PDFs")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["bulk"] = self.object
        context["progress"] = selectors.bulk_render_progress(bulk=self.object)
        context["refresh_seconds"] = self.refresh_seconds
        context["program_edit_url"] = reverse(f"{PROGRAMMES}:edit", args=(self.object.program_id,))
        return context


class BulkRenderViewSet(ModelViewSet):
    model = BulkRender
    icon = "resubmit"
    menu_label = _("PDF re-issues")
    url_prefix = "certification/bulk-renders"
    add_to_admin_menu = False
    add_to_reference_index = False
    inspect_view_enabled = True
    copy_view_enabled = False
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

    def get_common_view_kwargs(self, **kwargs):
        return _without_write_urls(
            super().get_common_view_kwargs(**kwargs), ("add", "edit", "delete", "history", "usage")
        )

    def get_permissions_to_register(self):
        return super().get_permissions_to_register().filter(codename="view_bulkrender")

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]


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
