from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from advocacy_share.people_chooser import person_chooser_viewset
from advocacy_share.services.content import PUBLISH_ACTION, REJECT_ACTION, URL_CHANGE_ACTION
from advocacy_share.services.corrections import ADJUST_ACTION, RECOMPUTE_ACTION, REVERSE_ACTION
from advocacy_share.viewsets import AdvocacyViewSetGroup, waiting_suggestions_count


@hooks.register("register_admin_viewset")
def register_advocacy_viewsets():
    return AdvocacyViewSetGroup()


@hooks.register("register_admin_viewset")
def register_person_chooser():
    return person_chooser_viewset


class SuggestionsMenuItem(MenuItem):
    """ "Suggestions (n)": the moderation queue, with the number of suggestions waiting."""

    def is_shown(self, request):
        return request.user.has_perm("advocacy_share.change_shareablecontent")

    def render_component(self, request):
        component = super().render_component(request)
        count = waiting_suggestions_count()
        if count:
            component.label = gettext("Suggestions to review (%(count)d)") % {"count": count}
        return component


@hooks.register("register_admin_menu_item")
def register_suggestions_menu_item():
    return SuggestionsMenuItem(
        _("Suggestions to review"),
        reverse("wagtailsnippets_advocacy_share_shareablecontent:moderation"),
        name="advocacy-suggestions",
        icon_name="help",
        order=231,
    )


@hooks.register("register_log_actions")
def register_content_log_actions(actions):
    @actions.register_action(URL_CHANGE_ACTION)
    class UrlChanged(LogFormatter):
        label = _("Change the URL")

        def format_message(self, log_entry):
            return gettext("URL changed from %(before)s to %(after)s") % {
                "before": log_entry.data.get("before", ""),
                "after": log_entry.data.get("after", ""),
            }

    actions.register_action(PUBLISH_ACTION, _("Publish suggestion"), _("Suggestion published"))
    actions.register_action(REJECT_ACTION, _("Reject suggestion"), _("Suggestion rejected"))


@hooks.register("register_log_actions")
def register_points_log_actions(actions):
    @actions.register_action(REVERSE_ACTION)
    class PointsReversed(LogFormatter):
        label = _("Reverse points")

        def format_message(self, log_entry):
            data = log_entry.data
            return gettext("%(points)s points for %(person)s (reversal of entry #%(entry)s): %(note)s") % {
                "points": f"{data.get('points', 0):+d}",
                "person": data.get("person", ""),
                "entry": data.get("entry", ""),
                "note": data.get("note", ""),
            }

    @actions.register_action(ADJUST_ACTION)
    class PointsAdjusted(LogFormatter):
        label = _("Adjust points")

        def format_message(self, log_entry):
            data = log_entry.data
            return gettext("%(points)s points for %(person)s: %(note)s") % {
                "points": f"{data.get('points', 0):+d}",
                "person": data.get("person", ""),
                "note": data.get("note", ""),
            }

    actions.register_action(
        RECOMPUTE_ACTION, _("Recompute points totals"), _("Points totals to be rebuilt from the ledger")
    )
