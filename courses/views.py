"""Views behind the lesson and quiz page routes. Thin: validate, call a service, redirect.

Every quiz write path (form "save", form "submit", JSON autosave) goes through the same
services, so the same rules hold whichever entry point is used. Refusals follow the project's
error contract (``lms.http``): the page for browsers, ``{"error": {code, message}}`` for the
JSON autosave.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from courses import selectors, services
from courses.forms import AttemptForm, autosave_answers
from courses.services import QuizError
from lms.http import domain_error_response, error_response, rate_limit

if TYPE_CHECKING:
    from courses.models import Attempt, LessonPage, QuizPage
    from lms.people.models import User

    class AuthenticatedRequest(HttpRequest):
        """A request ``login_required`` let through: its user is signed in."""

        user: User
else:
    AuthenticatedRequest = HttpRequest


# --- lessons --------------------------------------------------------------------------


@require_POST
@login_required
def lesson_complete(request: AuthenticatedRequest, lesson: LessonPage) -> HttpResponse:
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
@login_required
def quiz_landing(request: AuthenticatedRequest, quiz: QuizPage) -> HttpResponse:
    context = selectors.quiz_landing(quiz=quiz, user=request.user)
    return quiz.render(request, context_overrides={"course": quiz.course, **context})


@require_POST
@login_required
def quiz_start(request: AuthenticatedRequest, quiz: QuizPage) -> HttpResponse:
    try:
        attempt = services.attempt_start(user=request.user, quiz=quiz)
    except QuizError as error:
        return domain_error_response(request, error, back_url=quiz.url)
    return redirect(quiz.attempt_url("attempt", attempt))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def attempt_take(request: AuthenticatedRequest, quiz: QuizPage, attempt_id: UUID) -> HttpResponse:
    attempt = selectors.attempt_for_user(quiz=quiz, user=request.user, attempt_id=attempt_id)
    if request.method == "POST":
        return _attempt_post(request, quiz, attempt)
    # Coming back after the time limit: close the attempt with the answers saved in time.
    attempt = services.attempt_close_if_expired(attempt=attempt)
    if not attempt.is_open:
        return redirect(quiz.attempt_url("attempt_result", attempt))
    return _take_page(request, quiz, attempt)


def _attempt_post(request: AuthenticatedRequest, quiz: QuizPage, attempt: Attempt) -> HttpResponse:
    """The two buttons of the attempt form: "save" keeps the answers and shows the form again,
    "submit" grades them and leads to the result."""
    refused = rate_limit(
        request,
        group="quiz-submit",
        setting="QUIZ_SUBMIT_RATE",
        message=_("You have sent this quiz many times in a short time. Wait a minute, then try again."),
    )
    if refused is not None:
        return refused
    form = AttemptForm(request.POST)
    if not form.is_valid():
        error = QuizError("invalid_action", _("Unknown action."), 400)
        return domain_error_response(request, error, back_url=request.path)
    answers = form.answers()
    try:
        if form.cleaned_data["action"] == "save":
            services.attempt_save_answers(attempt=attempt, data=answers)
            return redirect(request.path)
        services.attempt_submit(attempt=attempt, data=answers)
    except QuizError as error:
        if error.status == 400:
            # Nothing was kept: show the form again as it was sent, with the reason.
            return _take_page(request, quiz, attempt, posted=answers, error=error)
        return domain_error_response(request, error, back_url=quiz.url)
    return redirect(quiz.attempt_url("attempt_result", attempt))


def _take_page(
    request: AuthenticatedRequest,
    quiz: QuizPage,
    attempt: Attempt,
    *,
    posted: dict[str, list[str]] | None = None,
    error: QuizError | None = None,
) -> HttpResponse:
    """The attempt form with the saved answers; after a refused post (``error``), with the
    answers as they were sent instead, so the learner corrects one question and loses nothing."""
    answers = selectors.attempt_answers(attempt)
    for key, values in (posted or {}).items():
        if services.ANSWER_KEY.fullmatch(key) and int(key[1:]) < len(attempt.questions):
            answers[int(key[1:])] = [v for v in values if v]
    response = quiz.render(
        request,
        template="courses/attempt_take.html",
        context_overrides={
            "course": quiz.course,
            "attempt": attempt,
            "questions": selectors.public_questions(attempt, answers),
            "save_url": quiz.attempt_url("attempt_save", attempt),
            "error": error,
            "code": error.code if error else "",
        },
    )
    if error is not None:
        response.status_code = 400
    return response


@require_POST
def attempt_save(request: HttpRequest, quiz: QuizPage, attempt_id: UUID) -> HttpResponse:
    """JSON autosave: ``{"answers": {"q0": ["token"], ...}}`` → ``{"saved": n}``.

    A JSON endpoint: every refusal is the JSON error, signed in or not. Unknown top-level
    fields are refused (400 ``unexpected_field``) rather than ignored, so a forged ``score``
    is visible to whoever sends it.
    """
    if not request.user.is_authenticated:
        return error_response(request, code="not_authenticated", message=_("Sign in first."), status=403, as_json=True)
    try:
        attempt = selectors.attempt_for_user(quiz=quiz, user=request.user, attempt_id=attempt_id)
    except Http404:
        return error_response(
            request, code="not_found", message=_("This attempt does not exist."), status=404, as_json=True
        )
    try:
        saved = services.attempt_save_answers(attempt=attempt, data=autosave_answers(request.body))
    except QuizError as error:
        return error_response(request, code=error.code, message=error.message, status=error.status, as_json=True)
    return JsonResponse({"saved": saved})


@require_safe
@never_cache
@login_required
def attempt_result(request: AuthenticatedRequest, quiz: QuizPage, attempt_id: UUID) -> HttpResponse:
    attempt = selectors.attempt_for_user(quiz=quiz, user=request.user, attempt_id=attempt_id)
    attempt = services.attempt_close_if_expired(attempt=attempt)
    if attempt.is_open:
        return redirect(quiz.attempt_url("attempt", attempt))
    course = quiz.course
    context = {
        "course": course,
        "attempt": attempt,
        "pass_mark": attempt.snapshot["pass_mark"],
        "review_mode": selectors.review_mode(attempt=attempt, user=request.user),
        "review_url": quiz.attempt_url("attempt_review", attempt),
        "course_progress": selectors.course_progress_map(user=request.user, course_ids=[course.pk]).get(course.pk),
        **selectors.quiz_landing(quiz=quiz, user=request.user),
    }
    return quiz.render(request, template="courses/attempt_result.html", context_overrides=context)


@require_safe
@never_cache
@login_required
def attempt_review(request: AuthenticatedRequest, quiz: QuizPage, attempt_id: UUID) -> HttpResponse:
    attempt = selectors.attempt_for_user(quiz=quiz, user=request.user, attempt_id=attempt_id)
    if attempt.is_open:
        error = QuizError("attempt_in_progress", _("Finish the attempt before reviewing it."), 403)
        return domain_error_response(request, error, back_url=quiz.url)
    mode = selectors.review_mode(attempt=attempt, user=request.user)
    if mode == selectors.REVIEW_NONE:
        error = QuizError("review_not_allowed", _("The review of this quiz is not available."), 403)
        return domain_error_response(request, error, back_url=quiz.url)
    full = mode == selectors.REVIEW_FULL
    context = {
        "course": quiz.course,
        "attempt": attempt,
        "full_review": full,
        # Before a pass under "right or wrong", only the allow-listed outcome rows reach the
        # template: what it does not get, it cannot show.
        "questions": selectors.review_questions(attempt) if full else selectors.outcome_questions(attempt),
    }
    return quiz.render(request, template="courses/attempt_review.html", context_overrides=context)


def quiz_preview(request: HttpRequest, quiz: QuizPage) -> HttpResponse:
    """Editor preview: a sample draw with keys, nothing saved, no attempt, no certificate."""
    sample = services.quiz_preview_sample(quiz)
    return quiz.render(request, template="courses/quiz_preview.html", context_overrides={"questions": sample})
