"""Admin forms of the certification layer."""

from __future__ import annotations

from django import forms
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import BaseChooser

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
