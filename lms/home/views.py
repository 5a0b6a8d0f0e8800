"""Project-level views: the learner dashboard, language switch, health probes, uploaded images,
error pages."""

from __future__ import annotations

import json
import logging
import posixpath
import sys
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django.views.static import serve

from advocacy_share import api as advocacy_api
from certification import api as certification_api
from courses import api as courses_api
from lms.home import health
from lms.home.forms import AdvocacyPreferencesForm
from lms.http import error_response, wants_json
from lms.middleware import database_unavailable, unavailable_response
from lms.people import privacy
from policy import api as policy_api

logger = logging.getLogger(__name__)

# The folders of MEDIA_ROOT served at MEDIA_URL: Wagtail's original images and renditions,
# and the admin users' avatars.
MEDIA_IMAGE_FOLDERS = frozenset({"original_images", "images", "avatar_images"})


def _dashboard_response(request, preferences_form=None, status=200):
    advocacy = advocacy_api.advocacy_card(request.user)
    if preferences_form is None and advocacy is not None:
        initial = {f"audience_{code}": size for code, _label, size in advocacy.audience}
        initial["leaderboard_opt_in"] = advocacy.leaderboard_opt_in
        preferences_form = AdvocacyPreferencesForm(initial=initial)
    context = {
        "learning": courses_api.learner_dashboard(request.user),
        "assigned": courses_api.assigned_courses(request.user),
        "certification": certification_api.dashboard(request.user),
        # The banner of the base template reads it too, rather than asking again.
        "policy_reading": policy_api.reading_state(request.user),
        "advocacy": advocacy,
        "preferences_form": preferences_form,
    }
    return TemplateResponse(request, "home/dashboard.html", context, status=status)


@never_cache
@login_required
def dashboard(request):
    return _dashboard_response(request)


@never_cache
@login_required
@require_safe
def my_data(request):
    """/me/data/: "download my data", everything the personal data registry holds about the
    signed-in person, as one JSON file (TESTPLAN 38). Never cached; other people's data (the
    visitors of the person's links) appears only as counts."""
    now = timezone.now()
    document = {
        "format": "porte-voix/personal-data",
        "version": 1,
        "generated_at": now.isoformat(),
        "account": request.user.email,
        "data": privacy.export_user(request.user),
    }
    body = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="my-data-{now.date().isoformat()}.json"'
    return response


@never_cache
@login_required
@require_POST
def advocacy_preferences(request):
    """/me/advocacy/: save the leaderboard opt-in and the declared audience sizes (CSRF
    protected); invalid values show /me/ again with the errors (400)."""
    form = AdvocacyPreferencesForm(request.POST)
    if not form.is_valid():
        return _dashboard_response(request, preferences_form=form, status=400)
    advocacy_api.preferences_save(
        request.user, leaderboard_opt_in=form.cleaned_data["leaderboard_opt_in"], audience=form.audience()
    )
    messages.success(request, _("Your advocacy preferences are saved."))
    return redirect("/me/#advocacy-preferences")


@require_POST
def set_language(request):
    """Switch the interface language, signed in or not: the choice is kept in the language
    cookie (which ``LocaleMiddleware`` reads before the browser's preference) and, for a
    signed-in person, in their profile too, which wins on any device. Then back to ``next``
    (a page of this site only). An unknown language changes nothing and says so (400)."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return error_response(
            request,
            code="unknown_language",
            message=_("This language is not offered. Choose French or English."),
            status=400,
            title=_("Unknown language"),
        )
    if request.user.is_authenticated:
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    fallback = "/me/" if request.user.is_authenticated else "/"
    target = request.POST.get("next", fallback)
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    response = redirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


def _check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return False, type(exc).__name__
    return True, "ok"


@never_cache
def readyz(request):
    """Ready when the database answers, a message can be published, a worker ran a task in the
    last minute and no message waited more than two minutes (``lms.home.health``). 503 with
    every check named otherwise."""
    started = time.monotonic()
    db_ok, db_detail = _check_database()
    checks = {"broker": health.check_broker(), "worker": health.check_worker(), "queue": health.check_queue()}
    ready = db_ok and all(check.ok for check in checks.values())
    body = {
        "status": "ok" if ready else "unavailable",
        "checks": {"database": db_detail, **{name: check.detail for name, check in checks.items()}},
        "elapsed_ms": round((time.monotonic() - started) * 1000, 1),
    }
    response = JsonResponse(body, status=200 if ready else 503)
    if not ready:
        response["Retry-After"] = "10"
    return response


def server_error(request):
    """handler500: a database out of reach (SQLite lock, PostgreSQL restarting or gone) is 503 +
    Retry-After wherever it was raised, middleware included; anything else is the 500 page."""
    if database_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)
    return defaults.server_error(request)


def not_found(request, exception=None):
    return TemplateResponse(
        request,
        "404.html",
        {"title": _("Page not found"), "message": _("This page does not exist or is not yours.")},
        status=404,
    )


def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: the project's JSON error to JSON clients, the "form expired" page otherwise.

    Django's own view renders ``403_csrf.html`` without its context, so the hint about
    cookies never showed; it gets ``no_cookie`` here. CsrfViewMiddleware logs the failure.
    """
    if wants_json(request):
        message = _("The request could not be verified. Reload the page and try again.")
        return JsonResponse({"error": {"code": "csrf_failed", "message": message}}, status=403)
    return render(request, "403_csrf.html", {"no_cookie": reason == REASON_NO_CSRF_COOKIE}, status=403)


@require_safe
def media_image(request, path: str):
    """An uploaded image from MEDIA_ROOT (when ``PORTE_VOIX_SERVE_MEDIA`` is on).

    Only the image folders: documents go through Wagtail's serve_view and certificate files
    through their views, which check access. The path is normalised first, so
    ``images/../certificates/…`` is refused too.
    """
    folder = posixpath.normpath(path).lstrip("/").split("/", 1)[0]
    if folder not in MEDIA_IMAGE_FOLDERS:
        raise Http404
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))
