"""``/advocacy/leaderboard/``: the leaderboard page and its JSON form (``?format=json`` or
``Accept: application/json``), same data. Behind the advocacy gate on every request."""

from __future__ import annotations

from dataclasses import asdict

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from advocacy_share.selectors.leaderboard import DEPARTMENT, PERIODS, SCOPES, leaderboard
from advocacy_share.views.gate import advocacy_required, api_rate_limit
from lms.http import DomainError, wants_json


class LeaderboardError(DomainError):
    status = 400


@require_safe
@advocacy_required
def leaderboard_view(request: HttpRequest) -> HttpResponse:
    period = request.GET.get("period", "week")
    scope = request.GET.get("scope", "company")
    if period not in PERIODS:
        raise LeaderboardError("bad_period", _("Unknown period: choose week, month, quarter or all."))
    if scope not in SCOPES:
        raise LeaderboardError("bad_scope", _("Unknown scope: choose company or department."))
    user = request.user
    if scope == DEPARTMENT and user.department_id is None:  # type: ignore[union-attr]
        raise LeaderboardError("no_department", _("You belong to no department: see the company leaderboard."))
    if wants_json(request) and (refused := api_rate_limit(request)) is not None:
        return refused
    board = leaderboard(user, period, scope)  # type: ignore[arg-type]
    if wants_json(request):
        data = asdict(board)
        data["period_start"] = board.period_start.isoformat()
        return JsonResponse(data)
    context = {
        "board": board,
        "periods": _period_labels(),
        "has_department": user.department_id is not None,  # type: ignore[union-attr]
    }
    return TemplateResponse(request, "advocacy/leaderboard.html", context)


def _period_labels() -> list[tuple[str, str]]:
    return [
        ("week", _("This week")),
        ("month", _("This month")),
        ("quarter", _("This quarter")),
        ("all", _("All time")),
    ]
