from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from certification.admin_views import REPORT
from certification.reminders import REMIND_ACTION
from certification.viewsets import CertificationViewSetGroup, report_urls


@hooks.register("register_admin_viewset")
def register_certification():
    return CertificationViewSetGroup()


@hooks.register("register_admin_urls")
def register_certification_report_urls():
    return report_urls()


class CertificationReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("certification.report_certificate")


@hooks.register("register_reports_menu_item")
def register_certification_report_menu_item():
    return CertificationReportMenuItem(
        _("Certification report"), reverse(REPORT), name="certification-report", icon_name="success", order=720
    )


@hooks.register("register_log_actions")
def register_certification_log_actions(actions):
    @actions.register_action(REMIND_ACTION)
    class HoldersReminded(LogFormatter):
        label = _("Remind certificate holders")

        def format_message(self, log_entry):
            data = log_entry.data
            return gettext("Renewal reminders queued: %(queued)s; already reminded that day: %(already)s") % {
                "queued": data.get("queued", 0),
                "already": data.get("already_reminded", 0),
            }
