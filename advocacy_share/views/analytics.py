"""``/advocacy/analytics/``: the advocacy dashboard, for the people holding
``advocacy_share.view_analytics`` (the Advocacy managers). Not behind the advocacy gate: a
manager need not be a certified advocate. Reads the roll-ups only.

GET parameters: ``weeks`` (4, 12 or 26: the period), and ``pilot_start`` and ``pilot_end``
(the pilot to compare with the weeks before and after it; by default the programme settings'
pilot, from the day it started to the day before the programme opened to everyone). A bad
period is a 400; bad pilot dates show the form with its errors, with a 400 too.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from advocacy_share.data import PilotComparison
from advocacy_share.forms import PilotForm
from advocacy_share.models import AdvocacySettings
from advocacy_share.selectors.analytics import PERIOD_WEEKS, dashboard
from advocacy_share.selectors.goals import MAX_PILOT_WEEKS, goal_progress, pilot_comparison
from lms.http import DomainError

PERMISSION = "advocacy_share.view_analytics"
DEFAULT_WEEKS = 12


class AnalyticsError(DomainError):
    status = 400


def _pilot(request: HttpRequest, today: date) -> tuple[PilotForm, PilotComparison | None]:
    """The pilot form, bound to the GET parameters when given (else filled with the programme
    settings' pilot), and the comparison when its dates are valid."""
    if "pilot_start" in request.GET or "pilot_end" in request.GET:
        form = PilotForm(request.GET, today=today, max_weeks=MAX_PILOT_WEEKS)
        if not form.is_valid():
            return form, None
        start, end = form.cleaned_data["pilot_start"], form.cleaned_data["pilot_end"]
    else:
        settings = AdvocacySettings.load()
        start, end = settings.pilot_started_on, settings.opens_to_all_on
        end = end - timedelta(days=1) if end else None
        form = PilotForm(initial={"pilot_start": start, "pilot_end": end}, today=today, max_weeks=MAX_PILOT_WEEKS)
        if start is None or end is None or start > today or end < start:
            return form, None
    return form, pilot_comparison(start=start, end=end, today=today)


@require_safe
@login_required
def analytics_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    raw = request.GET.get("weeks", str(DEFAULT_WEEKS))
    if raw not in {str(weeks) for weeks in PERIOD_WEEKS}:
        raise AnalyticsError("bad_period", _("Unknown period: choose the last 4, 12 or 26 weeks."))
    today = timezone.localdate()
    data = dashboard(weeks=int(raw), today=today)
    pilot_form, pilot = _pilot(request, today)
    context = {
        "dash": data,
        "periods": PERIOD_WEEKS,
        "longest_weeks": PERIOD_WEEKS[-1],
        "goals": goal_progress(start=data.start, today=today),
        "pilot_form": pilot_form,
        "pilot": pilot,
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
    return TemplateResponse(request, "advocacy/analytics.html", context, status=400 if pilot_form.errors else 200)
