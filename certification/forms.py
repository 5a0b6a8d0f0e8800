"""Admin forms of the certification layer."""

from __future__ import annotations

import re

from django import forms
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput, BaseChooser

from lms.people.models import Department, User

REASON_MAX_LENGTH = 2000


class ReasonForm(forms.Form):
    """The reason HR gives for a revocation or a reinstatement; it goes to the audit trail."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Kept in the certificate's audit trail. The holder and verifiers do not see it."),
        error_messages={"required": _("Give a reason: it is kept in the audit trail.")},
    )


class BulkRenderConfirmForm(forms.Form):
    """An empty form: the POST that starts a bulk re-issue (GET only shows what will happen)."""


class ChooserBoundField(BoundField):
    """A field whose chooser widget draws nothing for a value that failed validation.

    Wagtail's chooser widgets look the submitted value up as a primary key to draw the chosen
    item, and a tampered hidden input ("abc", "1 OR 1=1") raises there: the form would answer
    500 instead of showing the field's error. Here such a value renders as an empty chooser,
    next to the field's "Select a valid choice" error; a valid value renders as usual.
    """

    def value(self):
        if isinstance(self.field.widget, BaseChooser) and self.form.is_bound and self.errors:
            return None
        return super().value()


class CertificationProgramForm(WagtailAdminModelForm):
    """The programme admin form: logo, signature image and refresher course are choosers."""

    bound_field_class = ChooserBoundField


class ProgramAssignForm(forms.Form):
    """Assign every required course of a programme: departments and/or people, one due date."""

    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"),
        queryset=Department.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone in these departments, including people who join them later."),
    )
    emails = forms.CharField(
        label=_("People"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Email addresses, separated by commas or line breaks."),
    )
    due_date = forms.DateField(label=_("Due date"), widget=AdminDateInput)

    def clean_emails(self) -> list[int]:
        emails = [email.lower() for email in re.split(r"[\s,;]+", self.cleaned_data["emails"]) if email]
        found = dict(User.objects.filter(email__in=emails, is_active=True).values_list("email", "pk"))
        unknown = [email for email in emails if email not in found]
        if unknown:
            raise forms.ValidationError(
                _("No active person has the email address: %(emails)s."), params={"emails": ", ".join(unknown)}
            )
        return [found[email] for email in dict.fromkeys(emails)]
