"""``/advocacy/analytics/``: the advocacy dashboard, for the people holding
``advocacy_share.view_analytics`` (the Advocacy managers). Not behind the advocacy gate: a
manager need not be a certified advocate. Reads the roll-ups only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from advocacy_share.selectors.analytics import PERIOD_WEEKS, dashboard
from lms.http import DomainError

PERMISSION = "advocacy_share.view_analytics"
DEFAULT_WEEKS = 12


class AnalyticsError(DomainError):
    status = 400


@require_safe
@login_required
def analytics_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    raw = request.GET.get("weeks", str(DEFAULT_WEEKS))
    if raw not in {str(weeks) for weeks in PERIOD_WEEKS}:
        raise AnalyticsError("bad_period", _("Unknown period: choose the last 4, 12 or 26 weeks."))
    data = dashboard(weeks=int(raw))
    context = {
        "dash": data,
        "periods": PERIOD_WEEKS,
        "funnel": [
            (_("Employees"), data.employees),
            (_("Enrolled in a course"), data.enrolled),
            (_("Certified"), data.certified),
            (_("Active advocates"), data.active_advocates),
        ],
        "posts_per_week": [(date_format(week.week, "MONTH_DAY_FORMAT"), week.posts) for week in data.series],
        "clicks_per_week": [
            (date_format(week.week, "MONTH_DAY_FORMAT"), week.qualified_clicks) for week in data.series
        ],
        "shares_by_network": [(n.label, n.posts) for n in data.networks],
        "mix": [
            (_("Company content"), data.company_posts),
            (_("Industry content"), data.industry_posts),
            (_("Own posts"), data.own_posts),
        ],
        "top_content": [(item.label, item.shares) for item in data.top_content],
        "top_campaigns": [(item.label, item.shares) for item in data.top_campaigns],
        "series_rows": [(week.week, week.shares_by_network, week.posts) for week in data.series],
    }
    return TemplateResponse(request, "advocacy/analytics.html", context)
