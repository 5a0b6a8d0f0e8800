"""Admin views of the certification layer that change something, each behind a form:
"Re-issue all PDFs" of a programme, and Revoke / Reinstate of a certificate with a reason.
``certification.viewsets`` mounts them; they call the services and read through selectors.

Permissions are the models' own: ``change_certificationprogram`` to re-issue a programme's
PDFs, ``change_certificate`` to revoke and reinstate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import FormView
from wagtail.admin.views.generic import EditView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy

from certification import lifecycle, selectors, services
from certification.forms import BulkRenderConfirmForm, ProgramAssignForm, ReasonForm
from certification.models import Certificate, CertificationProgram, ReminderBatch
from certification.report import BUCKET_LABELS, CertificationReportFilterSet
from courses import api as courses_api
from lms.reminders import ReminderBatchBase, ReminderConfirmViewBase

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from lms.people.models import User

# URL namespaces of the viewsets (``certification.viewsets.CertificationViewSetGroup``).
PROGRAMMES = "certification_programmes"
CERTIFICATES = "certificates"
EVENTS = "certificate_events"
BULK_RENDERS = "certificate_bulk_renders"
# URL names of the certification report (``certification.viewsets.report_urls``).
REPORT = "certification_report"
REPORT_RESULTS = "certification_report_results"
REPORT_REMIND = "certification_report_remind"
REPORT_REMINDERS = "certification_report_reminders"

# Assigning a programme's courses is assigning courses: the courses layer's right.
ASSIGN_PERMISSION = "courses.add_assignment"

STATE_LABELS = {"valid": _("Valid"), "expired": _("Expired"), "revoked": _("Revoked")}


def _editor(request: HttpRequest) -> User | None:
    """The signed-in editor behind an action (these views are behind the admin's login)."""
    user = request.user
    return user if user.is_authenticated else None


# --- programmes: re-issue all PDFs ----------------------------------------------------------------


class ProgramEditView(EditView):
    """The programme form, with "Re-issue all PDFs" in the header."""

    @cached_property
    def header_buttons(self) -> list[HeaderButton]:
        buttons = list(super().header_buttons)
        if self.user_has_permission("change"):
            buttons.append(
                HeaderButton(
                    _("Re-issue all PDFs"),
                    url=reverse(f"{PROGRAMMES}:reissue", args=(self.object.pk,)),
                    icon_name="resubmit",
                )
            )
        if self.request.user.has_perm(ASSIGN_PERMISSION):
            buttons.append(
                HeaderButton(
                    _("Assign to…"),
                    url=reverse(f"{PROGRAMMES}:assign", args=(self.object.pk,)),
                    icon_name="calendar-check",
                )
            )
        return buttons


class ProgramActionMixin(WagtailAdminTemplateMixin):
    """An admin page acting on one programme (``pk`` in the URL): the programme, the page's
    subtitle, breadcrumbs back to the programme list and its edit view, and ``edit_url``."""

    index_url_name: str = ""
    edit_url_name: str = ""

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(CertificationProgram, pk=kwargs["pk"])

    def get_page_subtitle(self) -> str:
        return str(self.object)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": capfirst(CertificationProgram._meta.verbose_name_plural)},
            {"url": self.edit_url, "label": str(self.object)},
            {"url": "", "label": self.get_page_title(), "sublabel": str(self.object)},
        ]

    @cached_property
    def edit_url(self) -> str:
        return reverse(self.edit_url_name, args=(self.object.pk,))


class ProgramReissueView(ProgramActionMixin, PermissionCheckedMixin, FormView):
    """GET: what a re-issue will do. POST: start it (``BulkRender`` + task enqueued on
    commit) and go to its progress page."""

    model = CertificationProgram
    permission_required = "change"
    form_class = BulkRenderConfirmForm
    template_name = "certification/admin/program_reissue.html"
    page_title = _("Re-issue all PDFs")
    header_icon = "resubmit"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["program"] = self.object
        context["certificate_count"] = selectors.program_certificates_to_render_count(program=self.object)
        context["running"] = selectors.bulk_render_running(program=self.object)
        context["edit_url"] = self.edit_url
        return context

    def form_valid(self, form: Form) -> HttpResponse:
        with transaction.atomic():
            bulk = lifecycle.bulk_render_create(program=self.object, requested_by=_editor(self.request))
        messages.success(self.request, _("The PDFs are being rendered again."))
        if self.request.user.has_perm("certification.view_bulkrender"):
            return redirect(reverse(f"{BULK_RENDERS}:inspect", args=(bulk.pk,)))
        return redirect(self.edit_url)


# --- programmes: assign the required courses -------------------------------------------------------


class ProgramAssignView(ProgramActionMixin, FormView):
    """Assign every required course of the programme (the first course of each requirement)
    to departments and/or people by a due date, through ``courses.api.assignments_create``;
    the requirement's other courses are the assignment's alternatives (completing any of them
    is done). All or nothing: a refused course leaves no assignment."""

    form_class = ProgramAssignForm
    template_name = "certification/admin/program_assign.html"
    page_title = _("Assign to…")
    header_icon = "calendar-check"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.has_perm(ASSIGN_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def assignable(self) -> dict[int, list[int]]:
        return selectors.program_assignable_courses(program=self.object)

    @property
    def course_ids(self) -> list[int]:
        return list(self.assignable)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["program"] = self.object
        context["courses"] = courses_api.course_summaries(self.course_ids)
        context["edit_url"] = self.edit_url
        return context

    def form_invalid(self, form: Form) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form: Form) -> HttpResponse:
        data = form.cleaned_data
        if not data["departments"] and not data["emails"]:
            form.add_error(None, _("Choose at least one department or one person."))
            return self.form_invalid(form)
        if not self.course_ids:
            form.add_error(None, _("This programme has no published required course to assign."))
            return self.form_invalid(form)
        try:
            with transaction.atomic():
                for course_id, alternatives in self.assignable.items():
                    courses_api.assignments_create(
                        course_id=course_id,
                        due_date=data["due_date"],
                        department_ids=[department.pk for department in data["departments"]],
                        user_ids=data["emails"],
                        assigned_by_id=self.request.user.pk,
                        programme_id=self.object.pk,
                        programme_label=self.object.name,
                        alternative_course_ids=alternatives,
                    )
        except courses_api.AssignmentError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                "%(count)d required course assigned.", "%(count)d required courses assigned.", len(self.course_ids)
            )
            % {"count": len(self.course_ids)},
        )
        return redirect(self.edit_url)


# --- certificates: revoke and reinstate --------------------------------------------------------------


class CertificateReasonView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """Revoke or reinstate with a reason. An empty reason answers 400 and changes nothing;
    a certificate already in the target state answers 409."""

    model = Certificate
    permission_required = "change"
    form_class = ReasonForm
    template_name = "certification/admin/certificate_reason.html"
    index_url_name: str = ""
    inspect_url_name: str = ""
    header_icon = "cross"
    # Set by subclasses.
    action_label: StrOrPromise = ""
    success_message: StrOrPromise = ""
    conflict_message: StrOrPromise = ""
    button_classname = ""

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(Certificate.objects.select_related("program"), pk=kwargs["pk"])

    def allowed(self) -> bool:
        raise NotImplementedError

    def perform(self, reason: str) -> Certificate:
        raise NotImplementedError

    def get_page_title(self) -> StrOrPromise:
        return self.action_label

    def get_page_subtitle(self) -> str:
        return str(self.object)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": capfirst(Certificate._meta.verbose_name_plural)},
            {"url": self.inspect_url, "label": str(self.object)},
            {"url": "", "label": self.get_page_title(), "sublabel": str(self.object)},
        ]

    @cached_property
    def inspect_url(self) -> str:
        return reverse(self.inspect_url_name, args=(self.object.pk,))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
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

    def _conflict(self) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=self.get_form()), status=409)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.allowed():
            return self._conflict()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.allowed():
            return self._conflict()
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Form) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form: Form) -> HttpResponse:
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
        return services.certificate_revoke(certificate=self.object, actor=_editor(self.request), reason=reason)


class CertificateReinstateView(CertificateReasonView):
    action_label = _("Reinstate")
    header_icon = "rotate"
    success_message = _("Certificate %(code)s reinstated.")
    conflict_message = _("Only a revoked certificate can be reinstated.")

    def allowed(self) -> bool:
        return self.object.status == Certificate.Status.REVOKED

    def perform(self, reason: str) -> Certificate:
        return services.certificate_reinstate(certificate=self.object, actor=_editor(self.request), reason=reason)


# --- the certification report: remind these people ---------------------------------------------


class ReminderConfirmView(ReminderConfirmViewBase):
    """ "Remind these people" for the report's filtered list (an expiring or expired status):
    the holders of its certificates (``lifecycle.reminder_batch_create``: one reminder per
    certificate and day). A filter that does not validate, or a status whose holders cannot
    renew, answers 400 and queues nothing.
    Needs ``certification.remind_certificate`` and ``certification.view_certificate``.
    """

    permission_policy = ModelPermissionPolicy(Certificate)
    view_permission = "certification.view_certificate"
    report_label = _("Certification report")
    form_class = BulkRenderConfirmForm
    template_name = "certification/admin/report_remind.html"

    def read_filter(self, data: Any) -> None:
        self.filters = CertificationReportFilterSet(
            data=data, queryset=Certificate.objects.none(), request=self.request
        )
        self.error = ""
        self.selection = None
        if not self.filters.is_valid():
            self.error = str(_("The filter is not valid."))
            return
        try:
            self.selection = lifecycle.reminder_selection(**self.filters.selection())
        except services.CertificationError as error:
            self.error = str(error.message)

    @cached_property
    def report_url(self) -> str:
        query = self.filters.form.data.copy() if self.filters.is_bound else None
        if query is None:
            return reverse(REPORT)
        for key in list(query.keys()):
            if key not in self.filters.base_filters:
                del query[key]
        return f"{reverse(REPORT)}?{query.urlencode()}" if query else reverse(REPORT)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filter_errors"] = self.filters.form.errors if self.filters.is_bound else {}
        context["filters"] = {name: self.filters.form.data.get(name, "") for name in self.filters.base_filters}
        context["described"] = self.filters.described() if self.filters.is_valid() else {}
        bucket = self.filters.form.cleaned_data.get("bucket") if self.filters.is_valid() else ""
        context["bucket_label"] = BUCKET_LABELS.get(bucket, "")
        return context

    def queue(self) -> ReminderBatch:
        return lifecycle.reminder_batch_create(
            requested_by=_editor(self.request), filters=self.filters.described(), **self.filters.selection()
        )

    def progress_url(self, batch: ReminderBatchBase) -> str:
        return reverse(REPORT_REMINDERS, kwargs={"pk": batch.pk})
