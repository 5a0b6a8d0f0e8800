"""Admin UI of the advocacy layer: the content library (shareable content with its suggested
texts per network and language, tags, image and campaign), campaigns, the programme goals per
department, the moderation queue of
employees' suggestions, the read-only audit of the crisis switch, and the points ledger with
its corrections (views in ``advocacy_share.points_admin``).

Suggestions are a snippet state (``ShareableContent.status``), not a Wagtail workflow: see
``advocacy_share.services.content``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import EditView, SnippetViewSet, SnippetViewSetGroup

from advocacy_share import points_admin
from advocacy_share.models import Campaign, DepartmentGoal, PauseLog, PointsEntry, ShareableContent
from advocacy_share.points_forms import LedgerFilterSet
from advocacy_share.services import content as content_services
from lms.viewsets import ReadOnlyModelViewSet

MODERATION_PAGE_SIZE = 50


def publish_window(content: ShareableContent) -> str:
    """The publish window as read in a list: "from … until …", "from …", "until …" or "always"."""

    def when(value) -> str:
        return date_format(localtime(value), "SHORT_DATETIME_FORMAT")

    if content.publish_from and content.publish_until:
        return gettext("from %(start)s until %(end)s") % {
            "start": when(content.publish_from),
            "end": when(content.publish_until),
        }
    if content.publish_from:
        return gettext("from %(start)s") % {"start": when(content.publish_from)}
    if content.publish_until:
        return gettext("until %(end)s") % {"end": when(content.publish_until)}
    return gettext("always")


def status_and_window(content: ShareableContent) -> str:
    return f"{content.get_status_display()} · {publish_window(content)}"


def waiting_suggestions_count() -> int:
    return ShareableContent.objects.filter(status=ShareableContent.Status.SUGGESTED).count()


class ShareableContentEditView(EditView):
    """Saves as usual, then writes an audit entry with the address before and after when the
    URL changed (Wagtail's own ``wagtail.edit`` entry says that something changed, not what)."""

    def save_instance(self):
        before = ShareableContent.objects.filter(pk=self.object.pk).values_list("url", flat=True).first() or ""
        instance = super().save_instance()
        content_services.url_change_log(content=instance, before=before, actor=self.request.user)
        return instance


class ModerationView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """The suggestions waiting for a decision, newest first, each with publish and reject.
    POST ``decision=publish|reject`` to ``moderate/<pk>/`` decides one."""

    template_name = "advocacy/admin/moderation.html"
    page_title = _("Suggestions to review")
    header_icon = "help"
    permission_required = "change"
    permission_policy = ModelPermissionPolicy(ShareableContent)
    viewset: Any = None

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.viewset.get_url_name("list")), "label": ShareableContent._meta.verbose_name_plural},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        waiting = (
            ShareableContent.objects.filter(status=ShareableContent.Status.SUGGESTED)
            .select_related("suggested_by")
            .order_by("-created_at", "-pk")
        )
        context["suggestions"] = waiting[:MODERATION_PAGE_SIZE]
        context["waiting_count"] = waiting.count()
        context["moderate_url_name"] = self.viewset.get_url_name("moderate")
        context["edit_url_name"] = self.viewset.get_url_name("edit")
        return context


class ModerateView(PermissionCheckedMixin, TemplateView):
    """POST only: publish or reject one suggestion, then back to the queue with a message."""

    http_method_names = ["post"]
    permission_required = "change"
    permission_policy = ModelPermissionPolicy(ShareableContent)
    viewset: Any = None

    def post(self, request, pk: int):
        decision = request.POST.get("decision")
        if decision not in ("publish", "reject"):
            raise Http404
        content = get_object_or_404(ShareableContent, pk=pk)
        try:
            content = content_services.content_moderate(
                content_id=content.pk, publish=decision == "publish", actor=request.user
            )
        except content_services.ContentError as error:
            messages.warning(request, error.message)
        else:
            if decision == "publish":
                messages.success(request, gettext("“%(title)s” is published in the library.") % {"title": content})
            else:
                messages.success(request, gettext("“%(title)s” was rejected.") % {"title": content})
        return HttpResponseRedirect(reverse(self.viewset.get_url_name("moderation")))


class ShareableContentViewSet(SnippetViewSet):
    model = ShareableContent
    icon = "link"
    menu_label = _("Content library")
    url_prefix = "advocacy/content"
    edit_view_class = ShareableContentEditView
    list_display = [
        "title",
        "campaign",
        "kind",
        "language",
        Column("status", label=_("Status and publish window"), accessor=status_and_window),
        BooleanColumn("featured", label=_("Featured")),
    ]
    list_filter = ["status", "campaign", "kind", "language", "featured"]
    search_fields = ["title", "url"]
    ordering = ["-featured", "-created_at"]

    @cached_property
    def moderation_view(self):
        return self.construct_view(ModerationView)

    @cached_property
    def moderate_view(self):
        return self.construct_view(ModerateView)

    def construct_view(self, view_class, **kwargs):
        if view_class in (ModerationView, ModerateView):
            return view_class.as_view(viewset=self)
        return super().construct_view(view_class, **kwargs)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("moderation/", self.moderation_view, name="moderation"),
            path("moderate/<int:pk>/", self.moderate_view, name="moderate"),
        ]


class CampaignViewSet(SnippetViewSet):
    model = Campaign
    icon = "folder-open-1"
    menu_label = _("Campaigns")
    url_prefix = "advocacy/campaigns"
    list_display = ["name", "slug", BooleanColumn("active", label=_("Active"))]
    list_filter = ["active"]
    search_fields = ["name", "slug"]


class PauseLogViewSet(ReadOnlyModelViewSet):
    """Every flip of the crisis switch, read-only: it is the audit trail."""

    model = PauseLog
    icon = "warning"
    menu_label = _("Sharing pauses")
    url_prefix = "advocacy/pauses"
    list_display = [
        "at",
        BooleanColumn("paused", label=_("Paused")),
        Column("actor", label=_("By"), accessor=lambda entry: entry.actor or "—"),
        "reason",
    ]
    list_filter = ["paused"]


class PointsLedgerViewSet(ReadOnlyModelViewSet):
    """The append-only points ledger: read it, reverse an entry, adjust a person's points,
    rebuild the totals. Entries are never edited or deleted."""

    model = PointsEntry
    name = "points_ledger"
    icon = "pick"
    menu_label = _("Points ledger")
    url_prefix = "advocacy/points"
    index_view_class = points_admin.LedgerIndexView
    filterset_class = LedgerFilterSet
    ordering = ("-at", "-pk")
    list_per_page = 50

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            reverse_url_name=self.get_url_name("reverse"),
            adjust_url_name=self.get_url_name("adjust"),
            recompute_url_name=self.get_url_name("recompute"),
            **kwargs,
        )

    def extra_urlpatterns(self):
        index = self.get_url_name("index")
        return [
            path("reverse/<int:pk>/", points_admin.ReverseView.as_view(index_url_name=index), name="reverse"),
            path("adjust/", points_admin.AdjustView.as_view(index_url_name=index), name="adjust"),
            path("recompute/", points_admin.RecomputeView.as_view(index_url_name=index), name="recompute"),
        ]


def goal_department(goal: DepartmentGoal) -> str:
    return goal.department.name if goal.department else gettext("Whole company")


def goal_dates(goal: DepartmentGoal) -> str:
    if goal.starts_on and goal.ends_on:
        return gettext("from %(start)s until %(end)s") % {
            "start": date_format(goal.starts_on, "SHORT_DATE_FORMAT"),
            "end": date_format(goal.ends_on, "SHORT_DATE_FORMAT"),
        }
    if goal.starts_on:
        return gettext("from %(start)s") % {"start": date_format(goal.starts_on, "SHORT_DATE_FORMAT")}
    if goal.ends_on:
        return gettext("until %(end)s") % {"end": date_format(goal.ends_on, "SHORT_DATE_FORMAT")}
    return gettext("always")


class GoalIndexView(IndexView):
    """The goals, with the privacy rule the dashboard applies to a department's figures."""

    template_name = "advocacy/admin/goals_index.html"


class DepartmentGoalViewSet(ModelViewSet):
    """Programme goals per department (or for the whole company), tracked on the advocacy
    dashboard ``/advocacy/analytics/``."""

    model = DepartmentGoal
    icon = "pick"
    menu_label = _("Goals")
    url_prefix = "advocacy/goals"
    add_to_admin_menu = False
    copy_view_enabled = False
    index_view_class = GoalIndexView
    form_fields = ["department", "metric", "target", "starts_on", "ends_on"]
    list_display = [
        Column("department", label=_("Department"), accessor=goal_department),
        "metric",
        "target",
        Column("starts_on", label=_("When"), accessor=goal_dates),
    ]
    list_filter = ["metric", "department"]
    ordering = ["department__name", "metric", "starts_on"]


class AdvocacyViewSetGroup(SnippetViewSetGroup):
    """A snippet group: the Snippets menu does not list its snippets a second time."""

    menu_label = _("Advocacy")
    menu_icon = "group"
    menu_order = 230
    items = (ShareableContentViewSet, CampaignViewSet, DepartmentGoalViewSet, PauseLogViewSet, PointsLedgerViewSet)
