"""Admin forms of the certification layer."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
