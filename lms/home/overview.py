"""The HR overview on the Wagtail admin's dashboard: training, certification and advocacy by
department, each with its last 12 weeks as a column chart and a link to the full report.

Each part is shown only to the roles that may see its report: the training part to those who
may read the training report (HR editors), the certification part to those who may read the
certification report (HR editors), the advocacy part to those who may read the advocacy
dashboard (``advocacy_share.view_analytics``, the advocacy managers). Someone with
none of these rights gets no panel. Only aggregates are shown; the advocacy figures by
department only for groups of at least ``advocacy_share.api.MINIMUM_GROUP`` certified people.
A fixed number of queries whatever the number of people.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Protocol

from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from wagtail.admin.ui.components import Component

from advocacy_share import api as advocacy_api
from certification import api as certification_api
from courses import api as courses_api

WEEKS = 12
RECENT_WEEKS = 4
TRAINING_PERMISSION = "courses.view_assignment"  # the training report's right
CERTIFICATION_PERMISSION = "certification.report_certificate"  # the certification report's right
# The advocacy part and its link need the advocacy dashboard's own right
# (``advocacy_api.OVERVIEW_PERMISSION``); its page lives at a fixed address of the URL contract.
ANALYTICS_PATH = "/advocacy/analytics/"


class Weekly(Protocol):
    """A week's figure from any app's ``data`` (each app has its own ``WeeklyCount``)."""

    @property
    def week_start(self) -> date: ...

    @property
    def count(self) -> int: ...


def week_items(weeks: Iterable[Weekly]) -> list[tuple[str, int]]:
    """``(label, count)`` for a column chart: each week named by its Monday ("7 Dec")."""
    return [(date_format(week.week_start, "j M"), week.count) for week in weeks]


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:  # the report's app is not installed
        return ""


def overview_parts(user: Any) -> dict[str, Any]:
    """What ``user`` may see of the overview: ``training``, ``certification`` and ``advocacy``
    (each ``None`` when not allowed), with their chart items and report links."""
    parts: dict[str, Any] = {"training": None, "certification": None, "advocacy": None}
    no_department = _("No department")
    if user.has_perm(TRAINING_PERMISSION):
        training = courses_api.training_overview(weeks=WEEKS)
        parts["training"] = {
            "departments": training.departments,
            "weeks": week_items(training.weekly_completions),
            "report_url": _url("courses_training_report"),
            "no_department": no_department,
        }
    if user.has_perm(CERTIFICATION_PERMISSION):
        certification = certification_api.certification_overview(weeks=WEEKS, no_department_label=no_department)
        parts["certification"] = {
            "departments": certification.departments,
            "weeks": week_items(certification.weekly_issued),
            "report_url": _url("certification_report"),
        }
    if user.has_perm(advocacy_api.OVERVIEW_PERMISSION):
        advocacy = advocacy_api.advocacy_overview(weeks=WEEKS, recent_weeks=RECENT_WEEKS, other_label=_("Other"))
        parts["advocacy"] = {
            "departments": advocacy.departments,
            "weeks": week_items(advocacy.weekly_shares),
            "recent_weeks": advocacy.recent_weeks,
            "minimum_group": advocacy.minimum_group,
            "report_url": ANALYTICS_PATH,
        }
    return parts


class HROverviewPanel(Component):
    """The overview as a dashboard panel, first on the page."""

    name = "hr_overview"
    template_name = "home/admin/hr_overview.html"
    order = 50

    class Media:
        css = {"all": ["css/hr_overview.css"]}

    def __init__(self, user: Any) -> None:
        self.parts = overview_parts(user)

    def get_context_data(self, parent_context: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
        return {**self.parts, "weeks": WEEKS}

    def render_html(self, parent_context: Mapping[str, Any] | None = None) -> SafeString:
        if not any(self.parts.values()):
            return SafeString("")
        return super().render_html(parent_context)
