"""Admin UI of the policy: guardrail rules (snippets), version history with diffs, and the
acknowledgement report with CSV export."""

from __future__ import annotations

import itertools

import django_filters
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic import InspectView
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from lms.people.models import Department
from lms.viewsets import ExportRateLimitMixin, ReadOnlyModelViewSet
from policy import selectors
from policy.admin_views import AcknowledgementReminderView
from policy.models import (
    BlockedPhraseRule,
    DisclosureRule,
    EmbargoRule,
    LengthRule,
    LinkDomainRule,
    PolicyAcknowledgement,
    PolicyVersion,
)

RULE_COMMON = [
    FieldPanel("name"),
    FieldRowPanel([FieldPanel("severity"), FieldPanel("clause"), FieldPanel("active")]),
    FieldPanel("message"),
    FieldPanel("message_en"),
]


RULE_ACTIONS = ("add", "change", "delete", "view")


class RuleRightRequiredMixin:
    """Wagtail's snippet chooser lists every row to anyone with admin access: the rules' chooser
    is for the people who work on the rules (an advocacy manager has no right to read them)."""

    def dispatch(self, request, *args, **kwargs):
        if not ModelPermissionPolicy(self.model_class).user_has_any_permission(request.user, RULE_ACTIONS):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RuleChooseView(RuleRightRequiredMixin, snippet_chooser.ChooseView):
    pass


class RuleChooseResultsView(RuleRightRequiredMixin, snippet_chooser.ChooseResultsView):
    pass


class RuleChosenView(RuleRightRequiredMixin, snippet_chooser.SnippetChosenView):
    pass


class RuleChosenMultipleView(RuleRightRequiredMixin, snippet_chooser.SnippetChosenMultipleView):
    pass


class RuleChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = RuleChooseView
    choose_results_view_class = RuleChooseResultsView
    chosen_view_class = RuleChosenView
    chosen_multiple_view_class = RuleChosenMultipleView


class RuleViewSet(SnippetViewSet):
    chooser_viewset_class = RuleChooserViewSet
    list_display = ["name", "severity", "clause", BooleanColumn("active", label=_("Active")), "updated_at"]
    list_filter = ["severity", "active"]
    search_fields = ["name", "message"]


class BlockedPhraseRuleViewSet(RuleViewSet):
    model = BlockedPhraseRule
    icon = "cross"
    url_prefix = "guardrails/blocked-phrases"
    panels = [*RULE_COMMON, FieldPanel("category"), FieldPanel("phrases"), FieldPanel("patterns")]
    list_display = [
        *RuleViewSet.list_display,
        # Patterns saved before the admin checked them with RE2, which the checker skips.
        Column(
            "skipped_patterns",
            label=_("Patterns not applied"),
            accessor=lambda rule: "; ".join(rule.skipped_patterns()) or "—",
        ),
    ]


class EmbargoRuleViewSet(RuleViewSet):
    model = EmbargoRule
    icon = "date"
    url_prefix = "guardrails/embargoes"
    panels = [*RULE_COMMON, FieldPanel("phrases"), FieldPanel("not_before")]


class DisclosureRuleViewSet(RuleViewSet):
    model = DisclosureRule
    icon = "tag"
    url_prefix = "guardrails/disclosures"
    panels = [
        *RULE_COMMON,
        FieldPanel("required_text"),
        FieldPanel("on_company_name"),
        FieldPanel("trigger_phrases"),
        FieldPanel("on_advocacy"),
    ]
    list_display = [
        *RuleViewSet.list_display,
        Column("applies_when", label=_("Applies when"), accessor=lambda rule: rule.applies_when()),
    ]


class LinkDomainRuleViewSet(RuleViewSet):
    model = LinkDomainRule
    icon = "link"
    url_prefix = "guardrails/link-domains"
    panels = [*RULE_COMMON, FieldPanel("domains")]


class LengthRuleViewSet(RuleViewSet):
    model = LengthRule
    icon = "resubmit"
    url_prefix = "guardrails/lengths"
    panels = [*RULE_COMMON, FieldRowPanel([FieldPanel("network"), FieldPanel("max_length"), FieldPanel("link_length")])]


class GuardrailsViewSetGroup(SnippetViewSetGroup):
    """The rules under their own menu item; a snippet group, so the Snippets menu does not list
    them a second time."""

    menu_label = _("Guardrails")
    menu_icon = "warning"
    menu_order = 220
    items = (
        BlockedPhraseRuleViewSet,
        EmbargoRuleViewSet,
        DisclosureRuleViewSet,
        LinkDomainRuleViewSet,
        LengthRuleViewSet,
    )


class PolicyVersionInspectView(InspectView):
    """A version with its summary and the diff against the version before it."""

    template_name = "policy/admin/version_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.object
        previous = (
            PolicyVersion.objects.filter(page=version.page, number__lt=version.number).order_by("-number").first()
        )
        context["previous"] = previous
        context["diff_fr"] = selectors.version_diff(older=previous, newer=version, language="fr") if previous else []
        context["diff_en"] = selectors.version_diff(older=previous, newer=version, language="en") if previous else []
        return context


class PolicyVersionViewSet(ReadOnlyModelViewSet):
    """Read-only history: versions are made by publishing the policy page, never by hand."""

    model = PolicyVersion
    icon = "history"
    menu_label = _("Policy versions")
    url_prefix = "policy/versions"
    add_to_admin_menu = False
    inspect_view_enabled = True
    inspect_view_class = PolicyVersionInspectView
    list_display = [
        "__str__",
        "published_at",
        # Versions published by the scheduler or the demo loader have no publisher.
        Column("published_by", label=_("Published by"), accessor=lambda version: version.published_by or "—"),
        "summary",
    ]


class AcknowledgementFilterSet(WagtailFilterSet):
    department = django_filters.ModelChoiceFilter(
        label=_("Department"),
        queryset=Department.objects.all(),
        empty_label=_("All departments"),
        method="by_department",
    )
    has_acknowledged = django_filters.BooleanFilter(label=_("Accepted the current version"))

    def by_department(self, queryset, name, value):
        return queryset.filter(department=value) if value else queryset

    class Meta:
        model = PolicyAcknowledgement._meta.get_field("user").related_model
        fields = ["department"]


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _yes_no(value) -> str:
    return str(_("Yes") if value else _("No"))


def _local_date(value) -> str:
    return timezone.localtime(value).date().isoformat() if value else ""


def _department(user) -> str:
    return user.department.name if user.department_id else str(_("No department"))


def _last_version(user) -> str:
    number = user.last_version_number
    return str(_("Version %(number)s") % {"number": number}) if number else ""


class AcknowledgementReportView(ExportRateLimitMixin, ReportView):
    """Who accepted the current version, the last version each person accepted and when,
    since when the others have had to accept it, "x of y" per department; CSV and XLSX export
    with the columns of the screen, and "remind these people" for those who have not accepted."""

    page_title = _("Policy acknowledgements")
    header_icon = "tick-inverse"
    template_name = "policy/admin/acknowledgement_report.html"
    index_url_name = "policy_acknowledgement_report"
    index_results_url_name = "policy_acknowledgement_report_results"
    filterset_class = AcknowledgementFilterSet
    any_permission_required = ["view", "change"]
    permission_policy = ModelPermissionPolicy(PolicyAcknowledgement)
    # One list of (field, heading, value) for the screen and for the export: the same names.
    report_columns = [
        ("email", _("Email"), lambda view, user: user.email),
        ("name", _("Name"), lambda view, user: user.get_display_name()),
        ("department", _("Department"), lambda view, user: _department(user)),
        ("has_acknowledged", _("Accepted the current version"), lambda view, user: _yes_no(user.has_acknowledged)),
        ("last_version", _("Last version accepted"), lambda view, user: _last_version(user)),
        ("last_acknowledged_at", _("Accepted on"), lambda view, user: _local_date(user.last_acknowledged_at)),
        ("pending_since", _("To accept since"), lambda view, user: view.pending_since(user)),
    ]
    list_export = [field for field, _label, _value in report_columns]
    export_headings = {field: label for field, label, _value in report_columns}

    @property
    def columns(self):
        return [
            Column(field, label=label, accessor=lambda user, value=value: value(self, user) or "—")
            for field, label, value in self.report_columns
        ]

    def pending_since(self, user) -> str:
        """Since when the person has had to accept the current version: its publication, or
        the day they joined when later; empty once accepted."""
        if user.has_acknowledged or self.current_version is None:
            return ""
        return _local_date(max(self.current_version.published_at, user.date_joined))

    def to_row_dict(self, item):
        return {field: value(self, item) for field, _label, value in self.report_columns}

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        # Spreadsheets run a CSV cell starting with one of these as a formula (CSV injection);
        # a leading quote keeps it text. The XLSX export already stores such cells as text.
        if export_format == self.FORMAT_CSV and isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
            return "'" + value
        return value

    def write_csv_response(self, queryset):
        # UTF-8 with a byte order mark, and said so: spreadsheet programs otherwise read
        # "Ingénierie" as "IngÃ©nierie".
        response = StreamingHttpResponse(
            itertools.chain(["\ufeff"], self.stream_csv(queryset)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.get_filename()}.csv"'
        return response

    def get_filename(self):
        return f"policy-acknowledgements-{timezone.localdate().isoformat()}"

    def get_queryset(self):
        users, current = selectors.acknowledgement_report()
        self.current_version = current
        return users

    @cached_property
    def can_remind(self) -> bool:
        return self.request.user.has_perm("policy.remind_policyacknowledgement")

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["current_version"] = self.current_version
        valid = self.filters is None or self.filters.is_valid()
        department = self.filters.form.cleaned_data.get("department") if valid and self.filters else None
        users, current = selectors.acknowledgement_report(department_id=department.pk if department else None)
        totals = [
            (name or str(_("No department")), accepted, people)
            for name, accepted, people in (selectors.acknowledgement_totals(users) if current else [])
        ]
        context["totals"] = totals
        context["total_accepted"] = sum(accepted for _name, accepted, _people in totals)
        context["total_people"] = sum(people for _name, _accepted, people in totals)
        context["remind_url"] = ""
        if self.can_remind and valid and self.current_version is not None:
            query = f"?department={department.pk}" if department else ""
            context["remind_url"] = reverse("policy_acknowledgement_remind") + query
        return context


def report_urls():
    return [
        path(
            "reports/policy-acknowledgements/",
            AcknowledgementReportView.as_view(),
            name="policy_acknowledgement_report",
        ),
        path(
            "reports/policy-acknowledgements/results/",
            AcknowledgementReportView.as_view(results_only=True),
            name="policy_acknowledgement_report_results",
        ),
        path(
            "reports/policy-acknowledgements/remind/",
            AcknowledgementReminderView.as_view(),
            name="policy_acknowledgement_remind",
        ),
    ]


def say_which_version(request, page) -> None:
    """After the policy page is published in the admin: which version that created, if any."""
    from django.contrib import messages

    from policy import publication
    from policy.models import PolicyPage

    if not isinstance(page, PolicyPage):
        return
    sentence = publication.published_sentence(page)
    if sentence:
        messages.success(request, sentence)
