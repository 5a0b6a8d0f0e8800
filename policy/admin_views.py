"""The acknowledgement report's "remind these people" (``policy.viewsets.report_urls`` mounts
it), on ``lms.reminders.ReminderConfirmViewBase`` like the certification report's: a
confirmation page with the counts, then the reminders queued by ``policy.reminders``.

Needs ``policy.remind_policyacknowledgement`` and ``policy.view_policyacknowledgement``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies import ModelPermissionPolicy

from lms.people.models import Department
from lms.reminders import ReminderConfirmViewBase
from policy import reminders
from policy.models import AcknowledgementReminderBatch, PolicyAcknowledgement

REPORT = "policy_acknowledgement_report"


class ReminderFilterForm(forms.Form):
    """The report's department filter (empty: everyone)."""

    department = forms.ModelChoiceField(queryset=Department.objects.all(), required=False)


class AcknowledgementReminderView(ReminderConfirmViewBase):
    """ "Remind these people" for the people of the report (one department, or everyone) who
    have not accepted the current version. A department that does not exist, or no published
    version, answers 400 and queues nothing."""

    permission_policy = ModelPermissionPolicy(PolicyAcknowledgement)
    view_permission = "policy.view_policyacknowledgement"
    report_label = _("Policy acknowledgements")
    form_class = forms.Form
    template_name = "policy/admin/acknowledgement_remind.html"

    def read_filter(self, data: Any) -> None:
        self.filter_form = ReminderFilterForm(data)
        self.error = ""
        self.selection = None
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

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["department"] = self.filter_form.cleaned_data.get("department") if not self.error else None
        return context

    def queue(self) -> AcknowledgementReminderBatch | None:
        department = self.filter_form.cleaned_data.get("department")
        user = self.request.user
        return reminders.acknowledgement_reminder_batch_create(
            requested_by=user if user.is_authenticated else None,
            department_id=self.department_id,
            filters={"department": department.name} if department else {},
        )
