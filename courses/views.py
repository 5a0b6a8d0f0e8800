"""Views behind the lesson and quiz page routes. Thin: validate, call a service, redirect.

Every quiz write path (form "save", form "submit", JSON autosave) goes through the same
services, so the same rules hold whichever entry point is used (TESTPLAN 7).
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from courses import selectors, services
from courses.models import LessonPage, QuizPage
from courses.services import QuizError

ALLOWED_FORM_KEYS = {"csrfmiddlewaretoken", "action"}
MAX_JSON_BYTES = 64 * 1024


def error_response(request, error: QuizError, *, as_json: bool = False, back_url: str = "") -> HttpResponse:
    if as_json:
        return JsonResponse({"error": {"code": error.code, "message": error.message}}, status=error.status)
    return TemplateResponse(
        request,
        "error.html",
        {"title": _("This cannot be done"), "message": error.message, "code": error.code, "back_url": back_url},
        status=error.status,
    )


def _login_required(request) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def _form_answers(request) -> dict[str, list[str]]:
    """Answers from a form post: only ``q<n>`` keys; any other field (score, passed…) is ignored."""
    return {
        key: request.POST.getlist(key) for key in request.POST if key not in ALLOWED_FORM_KEYS and key.startswith("q")
    }


# --- lessons --------------------------------------------------------------------------


def lesson_complete(request, lesson: LessonPage) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if (response := _login_required(request)) is not None:
        return response
    services.lesson_complete(user=request.user, lesson=lesson)
    context = selectors.lesson_detail(lesson=lesson, user=request.user)
    if context["next_lesson"] is not None:
        return redirect(context["next_lesson"].url)
    if context["quiz"] is not None:
        return redirect(context["quiz"].url)
    return redirect(context["course"].url)


# --- quiz -----------------------------------------------------------------------------


@require_safe
@never_cache
def quiz_landing(request, quiz: QuizPage) -> HttpResponse:
    if (response := _login_required(request)) is not None:
        return response
    context = {
        "page": quiz,
        "self": quiz,
        "course": quiz.course,
        **selectors.quiz_landing(quiz=quiz, user=request.user),
    }
    return TemplateResponse(request, "courses/quiz_page.html", context)


def quiz_start(request, quiz: QuizPage) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if (response := _login_required(request)) is not None:
        return response
    try:
        attempt = services.attempt_start(user=request.user, quiz=quiz)
    except QuizError as error:
        return error_response(request, error, back_url=quiz.url)
    return redirect(quiz.url + quiz.reverse_subpage("attempt", kwargs={"attempt_id": attempt.public_id}))


@never_cache
def attempt_take(request, quiz: QuizPage, attempt_id: UUID) -> HttpResponse:
    if (response := _login_required(request)) is not None:
        return response
    attempt = selectors.attempt_for_user(quiz=quiz, user=request.user, attempt_id=attempt_id)
    result_url = quiz.url + quiz.reverse_subpage("attempt_result", kwargs={"attempt_id": attempt.public_id})
    if request.method == "POST":
        # The two buttons of the form; a form sent without one (time up, Enter key in some
        # browsers) submits. Anything else is refused rather than taken for a submit.
        action = request.POST.get("action", "submit")
        if action not in ("save", "submit"):
            return error_response(
                request, QuizError("invalid_action", _("Unknown action."), 400), back_url=request.path
            )
        answers = _form_answers(request)
        try:
            if action == "save":
                services.attempt_save_answers(attempt=attempt, data=answers)
                return redirect(request.path)
            services.attempt_submit(attempt=attempt, data=answers)
        except QuizError as error:
            if error.status == 400:
                # Nothing was kept: show the form again as it was sent, with the reason.
                return _take_page(request, quiz, attempt, posted=answers, error=error)
            return error_response(request, error, back_url=quiz.url)
        return redirect(result_url)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    # Coming back after the time limit: close the attempt with the answers saved in time.
    attempt = services.attempt_close_if_expired(attempt=attempt)
    if not attempt.is_open:
        return redirect(result_url)
    return _take_page(request, quiz, attempt)


def _take_page(
    request, quiz: QuizPage, attempt, *, posted: dict[str, list[str]] | None = None, error: QuizError | None = None
) -> HttpResponse:
    """The attempt form with the saved answers; after a refused post (``error``), with the
    answers as they were sent instead, so the learner corrects one question and loses nothing."""
    answers = selectors.attempt_answers(attempt)
    for key, values in (posted or {}).items():
        if services.ANSWER_KEY.fullmatch(key) and int(key[1:]) < len(attempt.questions):
            answers[int(key[1:])] = [v for v in values if v]
    context = {
        "page": quiz,
        "self": quiz,
        "course": quiz.course,
        "attempt": attempt,
        "questions": selectors.public_questions(attempt, answers),
        "save_url": quiz.url + quiz.reverse_subpage("attempt_save", kwargs={"attempt_id": attempt.public_id}),
        "error": error,
        "code": error.code if error else "",
    }
    return TemplateResponse(request, "courses/attempt_take.html", context, status=400 if error else 200)


def attempt_save(request, quiz: QuizPage, attempt_id: UUID) -> HttpResponse:
    """JSON autosave: ``{"answers": {"q0": ["token"], ...}}`` → ``{"saved": n}``.

    Unknown top-level fields are refused (400 ``unexpected_field``) rather than ignored, so a
    forged ``score`` is visible to whoever sends it.
    """
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return JsonResponse({"error": {"code": "not_authenticated", "message": _("Sign in first.")}}, status=403)
    try:
        attempt = selectors.attempt_for_user(quiz=quiz, user=request.user, attempt_id=attempt_id)
    except Http404:
        return JsonResponse({"error": {"code": "not_found", "message": _("This attempt does not exist.")}}, status=404)
    try:
        data = _json_answers(request)
        saved = services.attempt_save_answers(attempt=attempt, data=data)
    except QuizError as error:
        return error_response(request, error, as_json=True)
    return JsonResponse({"saved": saved})


class DuplicateKey(Exception):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json.loads`` keeps the last of duplicated keys; refuse them instead."""
    result = dict(pairs)
    if len(result) != len(pairs):
        raise DuplicateKey
    return result


def _json_answers(request) -> dict[str, list[str]]:
    if len(request.body) > MAX_JSON_BYTES:
        raise QuizError("invalid_json", _("The request is too large."), 400)
    try:
        payload: Any = json.loads(request.body or b"{}", object_pairs_hook=_unique_keys)
    except DuplicateKey:
        raise QuizError("invalid_choice", _("An answer was sent twice."), 400) from None
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise QuizError("invalid_json", _("The request body is not valid JSON."), 400) from None
    if not isinstance(payload, dict):
        raise QuizError("invalid_json", _("The request body must be a JSON object."), 400)
    unexpected = set(payload) - {"answers"}
    if unexpected:
        raise QuizError(
            "unexpected_field", _("Unexpected field: %(field)s.") % {"field": sorted(unexpected)[0][:40]}, 400
        )
    answers = payload.get("answers", {})
    if not isinstance(answers, dict):
        raise QuizError("invalid_json", _("“answers” must be an object."), 400)
    data: dict[str, list[str]] = {}
    for key, value in answers.items():
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) for v in values):
            raise QuizError("invalid_choice", _("Answers must be option identifiers."), 400)
        data[str(key)] = values
    return data


@require_safe
@never_cache
def attempt_result(request, quiz: QuizPage, attempt_id: UUID) -> HttpResponse:
    if (response := _login_required(request)) is not None:
        return response
    attempt = selectors.attempt_for_user(quiz=quiz, user=request.user, attempt_id=attempt_id)
    attempt = services.attempt_close_if_expired(attempt=attempt)
    if attempt.is_open:
        return redirect(quiz.url + quiz.reverse_subpage("attempt", kwargs={"attempt_id": attempt.public_id}))
    landing = selectors.quiz_landing(quiz=quiz, user=request.user)
    context = {
        "page": quiz,
        "self": quiz,
        "course": quiz.course,
        "attempt": attempt,
        "pass_mark": attempt.snapshot["pass_mark"],
        "review_mode": selectors.review_mode(attempt=attempt, user=request.user),
        "review_url": quiz.url + quiz.reverse_subpage("attempt_review", kwargs={"attempt_id": attempt.public_id}),
        "course_progress": selectors.course_progress_map(user=request.user, course_ids=[quiz.course.pk]).get(
            quiz.course.pk
        ),
        **landing,
    }
    return TemplateResponse(request, "courses/attempt_result.html", context)


@require_safe
@never_cache
def attempt_review(request, quiz: QuizPage, attempt_id: UUID) -> HttpResponse:
    if (response := _login_required(request)) is not None:
        return response
    attempt = selectors.attempt_for_user(quiz=quiz, user=request.user, attempt_id=attempt_id)
    if attempt.is_open:
        return error_response(
            request,
            QuizError("attempt_in_progress", _("Finish the attempt before reviewing it."), 403),
            back_url=quiz.url,
        )
    mode = selectors.review_mode(attempt=attempt, user=request.user)
    if mode == selectors.REVIEW_NONE:
        return error_response(
            request,
            QuizError("review_not_allowed", _("The review of this quiz is not available."), 403),
            back_url=quiz.url,
        )
    full = mode == selectors.REVIEW_FULL
    context = {
        "page": quiz,
        "self": quiz,
        "course": quiz.course,
        "attempt": attempt,
        "full_review": full,
        # Before a pass under "right or wrong", only the allow-listed outcome rows reach the
        # template: what it does not get, it cannot show.
        "questions": selectors.review_questions(attempt) if full else selectors.outcome_questions(attempt),
    }
    return TemplateResponse(request, "courses/attempt_review.html", context)


def quiz_preview(request, quiz: QuizPage) -> HttpResponse:
    """Editor preview: a sample draw with keys, nothing saved, no attempt, no certificate."""
    sample = services.quiz_preview_sample(quiz)
    return TemplateResponse(request, "courses/quiz_preview.html", {"page": quiz, "self": quiz, "questions": sample})
