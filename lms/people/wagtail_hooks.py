from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from lms.people import audit, erasure
from lms.people.viewsets import SignInLockoutViewSet


@hooks.register("register_admin_viewset")
def register_sign_in_lockouts():
    return SignInLockoutViewSet("sign_in_lockouts")


@hooks.register("register_admin_urls")
def register_erasure_url():
    return [path("people/erase/", erasure.erase_view, name=erasure.URL_NAME)]


class ErasureMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(erasure.PERMISSION)


@hooks.register("register_settings_menu_item")
def register_erasure_menu_item():
    return ErasureMenuItem(
        _("Erase personal data"), reverse(erasure.URL_NAME), name="erase-personal-data", icon_name="bin", order=960
    )


@hooks.register("register_log_actions")
def register_erasure_log_action(actions):
    @actions.register_action(erasure.LOG_ACTION)
    class UserErased(LogFormatter):
        label = _("Erase personal data")

        def format_message(self, log_entry):
            return gettext("Personal data erased: %(rows)s rows changed") % {"rows": log_entry.data.get("total", 0)}


@hooks.register("register_log_actions")
def register_roles_log_action(actions):
    @actions.register_action(audit.ROLES_CHANGED)
    class RolesChanged(LogFormatter):
        label = _("Change roles")

        def format_message(self, log_entry):
            data = log_entry.data
            parts = []
            if data.get("added"):
                parts.append(gettext("added to %(groups)s") % {"groups": ", ".join(data["added"])})
            if data.get("removed"):
                parts.append(gettext("removed from %(groups)s") % {"groups": ", ".join(data["removed"])})
            return gettext("Roles changed: %(changes)s") % {"changes": "; ".join(parts)}
