"""Sign-in form: Django's AuthenticationForm with our own wording."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm


class LoginForm(AuthenticationForm):
    """Fields ``username`` (the email address) and ``password``, as Django's.

    Django builds its "invalid login" message from the field's verbose name, which reads
    badly once translated ("Saisissez un adresse e-mail…"); this one is a whole sentence.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Enter the email address and password of your account. The password is case-sensitive."),
    }


class AdminLoginForm(WagtailLoginForm):
    """Wagtail's admin sign-in form, with a label on the password field: Wagtail's leaves it
    out, so Django derives "Password" from the field's name, untranslated, on a French page."""

    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"placeholder": _("Enter password")}),
        strip=False,
    )
