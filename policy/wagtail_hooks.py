from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from policy import api
from policy.reminders import REMIND_ACTION
from policy.viewsets import GuardrailsViewSetGroup, PolicyVersionViewSet, report_urls, say_which_version


@hooks.register("register_admin_viewset")
def register_guardrails():
    return GuardrailsViewSetGroup()


@hooks.register("register_admin_viewset")
def register_policy_versions():
    return PolicyVersionViewSet("policy_versions")


@hooks.register("register_admin_urls")
def register_policy_report_urls():
    return report_urls()


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs):
        self.permission = permission
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_reports_menu_item")
def register_acknowledgement_report_menu_item():
    return PermissionMenuItem(
        _("Policy acknowledgements"),
        reverse("policy_acknowledgement_report"),
        icon_name="tick-inverse",
        order=700,
        permission="policy.view_policyacknowledgement",
    )


@hooks.register("register_reports_menu_item")
def register_policy_versions_menu_item():
    return PermissionMenuItem(
        _("Policy versions"),
        reverse("policy_versions:index"),
        icon_name="history",
        order=710,
        permission="policy.view_policyversion",
    )


@hooks.register("register_log_actions")
def register_policy_log_actions(actions):
    @actions.register_action(REMIND_ACTION)
    class AcknowledgementsReminded(LogFormatter):
        label = _("Remind people to accept the policy")

        def format_message(self, log_entry):
            data = log_entry.data
            return gettext(
                "Reminders to accept version %(version)s queued: %(queued)s; already reminded that day: %(already)s"
            ) % {
                "version": data.get("version", "?"),
                "queued": data.get("queued", 0),
                "already": data.get("already_reminded", 0),
            }


@hooks.register("policy_clauses")
def policy_clauses(language):
    """The published policy's clauses for the forms of other apps that cite one (a quiz
    question's feedback), which read this hook instead of importing the policy."""
    return api.published_clauses(language)


@hooks.register("after_publish_page")
def after_policy_published(request, page):
    say_which_version(request, page)
