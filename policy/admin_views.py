"""The acknowledgement report's "remind these people" (``policy.viewsets.report_urls`` mounts
it), shaped like the certification report's: a confirmation page with the counts, then the
reminders queued by ``policy.reminders``.

Needs ``policy.remind_policyacknowledgement`` and ``policy.view_policyacknowledgement``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.permission_policies import ModelPermissionPolicy

from lms.people.models import Department
from policy import reminders
from policy.models import PolicyAcknowledgement

REPORT = "policy_acknowledgement_report"


class ReminderFilterForm(forms.Form):
    """The report's department filter (empty: everyone)."""

    department = forms.ModelChoiceField(queryset=Department.objects.all(), required=False)


class AcknowledgementReminderView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """GET: how many people who have not accepted the current version will be reminded, and
    how many were already reminded today. POST: queue the reminders (one per person, version
    and day; a log entry; one task on commit) and go back to the report. A department that
    does not exist, or no published version, answers 400 and queues nothing."""

    permission_policy = ModelPermissionPolicy(PolicyAcknowledgement)
    permission_required = "remind"
    form_class = forms.Form
    template_name = "policy/admin/acknowledgement_remind.html"
    page_title = _("Remind these people")
    header_icon = "mail"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.has_perm("policy.view_policyacknowledgement"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _read_filter(self, data: Any) -> None:
        self.filter_form = ReminderFilterForm(data)
        self.error = ""
        self.selection: reminders.ReminderSelection | None = None
        if not self.filter_form.is_valid():
            self.error = str(_("The filter is not valid: choose a department from the list."))
            return
        self.selection = reminders.reminder_selection(department_id=self.department_id)
        if self.selection is None:
            self.error = str(_("No version of the policy is published yet: there is nothing to accept."))

    @property
    def department_id(self) -> int | None:
        department = self.filter_form.cleaned_data.get("department")
        return department.pk if department else None

    @cached_property
    def report_url(self) -> str:
        department = self.filter_form.data.get("department", "") if self.filter_form.is_valid() else ""
        return f"{reverse(REPORT)}?department={department}" if department else reverse(REPORT)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return self.breadcrumbs_items + [
            {"url": self.report_url, "label": _("Policy acknowledgements")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["error"] = self.error
        context["selection"] = self.selection
        context["department"] = self.filter_form.cleaned_data.get("department") if not self.error else None
        context["report_url"] = self.report_url
        return context

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._read_filter(request.GET)
        if self.error:
            return self.render_to_response(self.get_context_data(), status=400)
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._read_filter(request.POST)
        if self.error:
            return self.render_to_response(self.get_context_data(), status=400)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: forms.Form) -> HttpResponse:
        department = self.filter_form.cleaned_data.get("department")
        user = self.request.user
        batch = reminders.acknowledgement_reminder_batch_create(
            requested_by=user if user.is_authenticated else None,
            department_id=self.department_id,
            filters={"department": department.name} if department else {},
        )
        if batch is not None:
            messages.success(
                self.request,
                ngettext(
                    "%(count)d reminder queued; %(already)d already reminded today.",
                    "%(count)d reminders queued; %(already)d already reminded today.",
                    batch.queued,
                )
                % {"count": batch.queued, "already": batch.already_reminded},
            )
        return redirect(self.report_url)
