"""Admin: sign-in lock-outs (django-axes), which HR can see and lift.

A row is the failure count of an account or of an address; "Unlock" clears it, so the next
sign-in is checked as usual. Rows are made by failed sign-ins only: there is no add or edit.
"""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import DeleteView, IndexView

from lms.viewsets import ReadOnlyModelViewSet


def describe(attempt: AccessAttempt) -> str:
    """Who the row counts against, in words: the account, the address, or both."""
    return " · ".join(part for part in (attempt.username, attempt.ip_address) if part) or "—"


def is_locked(attempt: AccessAttempt) -> bool:
    return attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT


class UnlockView(DeleteView):
    page_title = _("Unlock sign-in")
    template_name = "people/admin/lockout_unlock.html"

    def get_page_subtitle(self):
        return describe(self.object)

    @property
    def confirmation_message(self):
        return _(
            "Clear the %(count)s failed sign-ins of %(who)s? The next sign-in is checked as usual; "
            "the password is not changed."
        ) % {"count": self.object.failures_since_start, "who": describe(self.object)}

    def get_success_message(self):
        return _("Unlocked: %(who)s.") % {"who": describe(self.object)}


class LockoutIndexView(IndexView):
    """The listing: each row's title and its menu lead to "Unlock" (the only action there is)."""

    page_title = _("Sign-in lock-outs")

    @cached_property
    def columns(self):
        title = self._get_title_column_class(TitleColumn)(
            "who", label=_("Account and address"), accessor=describe, get_url=self.get_delete_url
        )
        return [title, *super().columns]

    def get_list_more_buttons(self, instance):
        url = self.get_delete_url(instance)
        return [MenuItem(_("Unlock"), url=url, icon_name="lock-open", priority=30)] if url else []


class SignInLockoutViewSet(ReadOnlyModelViewSet):
    model = AccessAttempt
    icon = "lock-open"
    menu_label = _("Sign-in lock-outs")
    url_prefix = "sign-in-lockouts"
    add_to_settings_menu = True
    menu_order = 950
    inspect_view_enabled = False
    delete_path = "unlock"
    delete_view_class = UnlockView
    index_view_class = LockoutIndexView
    ordering = ["-attempt_time"]
    search_fields = ["username", "ip_address"]
    list_display = [
        Column("failures_since_start", label=_("Failed sign-ins")),
        Column(
            "state",
            label=_("State"),
            accessor=lambda attempt: _("Locked") if is_locked(attempt) else _("Counting"),
        ),
        Column("attempt_time", label=_("Last failure")),
    ]
