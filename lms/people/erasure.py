"""Admin: erase a former employee's personal data (``/admin/people/erase/``).

Two steps, both POST with CSRF: HR finds the person by email address and sees what the site
holds about them (the export's row counts) and what erasure will do; then confirms by typing
the address again. Erasure runs ``privacy.erase_user`` in one transaction and leaves an audit
entry (``porte_voix.user_erased``, with the rows changed per model) that nobody can edit.
Reserved to ``people.erase_user``; nobody erases their own account, and only a superuser
erases a superuser. Running it again on an erased account changes nothing and says so.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from lms.people import privacy
from lms.people.models import User

PERMISSION = "people.erase_user"
LOG_ACTION = "porte_voix.user_erased"
URL_NAME = "people_erase"


class FindForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the former employee"))


class ConfirmForm(forms.Form):
    email = forms.EmailField(widget=forms.HiddenInput)
    confirm_email = forms.CharField(
        label=_("Type the email address again to confirm"),
        help_text=_("Erasure cannot be undone."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("email") and data.get("confirm_email", "").strip().lower() != data["email"].lower():
            self.add_error("confirm_email", _("This is not the address of the person shown above."))
        return data


def _person(email: str) -> User | None:
    try:
        return User.objects.get_by_natural_key(email)
    except User.DoesNotExist:
        return None


def _refusal(actor: User, person: User) -> str:
    if person.pk == actor.pk:
        return gettext("You cannot erase your own account.")
    if person.is_superuser and not actor.is_superuser:
        return gettext("Only a superuser can erase a superuser's account.")
    return ""


def _holdings(person: User) -> list[tuple[str, int]]:
    """What the registry holds about ``person``: (model name, rows), non-empty ones only."""
    from django.apps import apps

    rows = []
    for label, exported in privacy.export_user(person).items():
        if exported:
            app_label, model_name = label.split(".")
            rows.append((str(apps.get_model(app_label, model_name)._meta.verbose_name_plural), len(exported)))
    return sorted(rows)


def erase_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if not isinstance(actor, User) or not actor.has_perm(PERMISSION):
        raise PermissionDenied
    context: dict[str, Any] = {"page_title": gettext("Erase personal data")}
    if request.method != "POST":
        context["find_form"] = FindForm()
        return TemplateResponse(request, "people/admin/erase.html", context)

    if "confirm_email" not in request.POST:
        find_form = FindForm(request.POST)
        context["find_form"] = find_form
        if not find_form.is_valid():
            return TemplateResponse(request, "people/admin/erase.html", context, status=400)
        person = _person(find_form.cleaned_data["email"])
        if person is None:
            find_form.add_error("email", gettext("Nobody has this email address."))
            return TemplateResponse(request, "people/admin/erase.html", context, status=404)
        context.update(_confirmation(request, person, ConfirmForm(initial={"email": person.email})))
        return TemplateResponse(request, "people/admin/erase.html", context)

    confirm_form = ConfirmForm(request.POST)
    person = _person(request.POST.get("email", ""))
    if person is None:
        context["find_form"] = FindForm()
        messages.error(request, gettext("Nobody has this email address."))
        return TemplateResponse(request, "people/admin/erase.html", context, status=404)
    if not confirm_form.is_valid():
        context.update(_confirmation(request, person, confirm_form))
        return TemplateResponse(request, "people/admin/erase.html", context, status=400)
    refusal = _refusal(actor, person)
    if refusal:
        context.update(_confirmation(request, person, confirm_form))
        return TemplateResponse(request, "people/admin/erase.html", context, status=403)

    report = privacy.erase_user(person)
    person.refresh_from_db()
    log(instance=person, action=LOG_ACTION, user=actor, data={"rows": report.rows, "total": report.total})
    if report.total:
        messages.success(
            request,
            gettext("Personal data erased: %(rows)s rows changed. The account is now %(account)s.")
            % {"rows": report.total, "account": person.email},
        )
    else:
        messages.info(request, gettext("Nothing left to erase: this account was already erased."))
    return redirect(reverse(URL_NAME))


def _confirmation(request: HttpRequest, person: User, confirm_form: ConfirmForm) -> dict[str, Any]:
    actor = request.user
    if not isinstance(actor, User):  # erase_view lets only a signed-in user with the right in
        raise PermissionDenied
    return {
        "person": person,
        "holdings": _holdings(person),
        "confirm_form": confirm_form,
        "refusal": _refusal(actor, person),
        "already_erased": person.erased_at is not None,
    }
