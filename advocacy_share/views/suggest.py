"""``/advocacy/suggest/``: an employee with advocacy access suggests an article for the library.

The suggestion waits as ``ShareableContent(status=suggested)`` until a manager publishes or
rejects it in the admin's moderation queue. The gate (``certification.api.advocacy_access``)
with the pilot group, is evaluated on every request, GET and POST (``advocacy_required``).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from advocacy_share.forms import SuggestForm
from advocacy_share.services import content as content_services
from advocacy_share.views.gate import advocacy_required, api_rate_limit
from lms.http import error_response, wants_json
from lms.i18n import language_code


@require_http_methods(["GET", "POST"])
@advocacy_required
def suggest(request: HttpRequest) -> HttpResponse:
    form = SuggestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if (refused := api_rate_limit(request)) is not None:
            return refused
        status = 400
        if form.is_valid():
            try:
                result = content_services.content_suggest(
                    user=request.user,  # type: ignore[arg-type]  # signed in: advocacy_required
                    url=form.cleaned_data["url"],
                    title=form.cleaned_data["title"],
                    note=form.cleaned_data["note"],
                    language=language_code(getattr(request.user, "preferred_language", "") or None),
                )
            except content_services.ContentError as error:
                if wants_json(request):
                    return error_response(request, code=error.code, message=error.message, status=error.status)
                form.add_error("url" if error.code != "invalid_suggestion" else None, error.message)
                status = error.status
            else:
                if wants_json(request):
                    return JsonResponse({"id": result.content_id, "status": "suggested"}, status=201)
                messages.success(request, _("Thank you! A manager will review your suggestion."))
                return redirect("advocacy:suggest")
        if wants_json(request):
            first = next(iter(form.errors.values()))[0] if form.errors else _("Check the form.")
            return error_response(request, code="invalid_suggestion", message=str(first), status=status)
    return render(request, "advocacy/suggest.html", {"form": form}, status=status)
