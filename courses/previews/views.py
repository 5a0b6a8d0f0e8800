"""The editor's "as a learner" previews, in the admin:

- ``/admin/questions/preview/<id>/``: one question as a learner sees it in a quiz, answered and
  checked: the credit, the right answer and every choice's feedback;
- ``/admin/courses/quiz/<id>/try/``: a draw of the quiz, taken like an attempt and graded, with
  its review. No ``Attempt`` is recorded, no progress, no certificate: the draw travels signed in
  the form, and grading happens in memory (``courses.previews.grading``).

Who may: a question, whoever may edit questions; a quiz, whoever may edit the quiz page.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.permission_policies import ModelPermissionPolicy

from courses import services
from courses.admin_views import user_may_analyse
from courses.models import Question, QuizPage
from courses.previews.grading import PreviewInvalidAnswer, preview_grade, take_views
from courses.services import QuizError

QUESTION_URL = "courses_question_preview"
QUIZ_URL = "courses_quiz_try"
SALT = "courses.previews.draw"
MAX_AGE = 12 * 60 * 60
SINGLE_QUESTION_PASS_MARK = 100
question_permission_policy = ModelPermissionPolicy(Question)


def _posted(request: HttpRequest, questions: list[dict[str, Any]]) -> dict[int, list[str]]:
    return {q["position"]: request.POST.getlist(f"q{q['position']}") for q in questions}


def _draw(request: HttpRequest) -> dict[str, Any]:
    try:
        return dict(signing.loads(request.POST.get("draw", ""), salt=SALT, max_age=MAX_AGE))
    except signing.BadSignature:
        raise Http404 from None


class _PreviewView(View):
    template_name = "courses/learner_preview.html"

    @method_decorator(never_cache)
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return super().dispatch(request, *args, **kwargs)

    # What each preview says: its target (a draw grades only there), its pass mark, its title.
    def target(self) -> str:
        raise NotImplementedError

    def pass_mark(self, draw: dict[str, Any]) -> Decimal:
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        raise NotImplementedError

    def render_take(self, request: HttpRequest, draw: dict[str, Any], *, error=None, posted=None, status=200):
        context = {
            **self.describe(),
            "draw": signing.dumps(draw, salt=SALT, compress=True),
            "questions": take_views(draw["questions"], posted),
            "error": error,
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        draw = _draw(request)
        if draw.get("target") != self.target():
            raise Http404
        posted = _posted(request, draw["questions"])
        try:
            outcome = preview_grade(draw["questions"], posted, self.pass_mark(draw))
        except PreviewInvalidAnswer as error:
            return self.render_take(request, draw, error=error, posted=posted, status=400)
        context = {**self.describe(), "outcome": outcome, "again_url": request.path}
        return render(request, self.template_name, context)


class QuestionPreviewView(_PreviewView):
    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.question = get_object_or_404(Question, pk=kwargs["pk"])

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not question_permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def target(self) -> str:
        return f"question:{self.question.pk}"

    def pass_mark(self, draw: dict[str, Any]) -> Decimal:
        return Decimal(SINGLE_QUESTION_PASS_MARK)

    def describe(self) -> dict[str, Any]:
        return {"title": _("Question preview"), "single": True, "question_object": self.question}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        draw = {"target": self.target(), "questions": [{**self.question.build_snapshot(), "position": 0}]}
        return self.render_take(request, draw)


class QuizTryView(_PreviewView):
    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.quiz = get_object_or_404(QuizPage, pk=kwargs["quiz_id"])

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not user_may_analyse(self.quiz, request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def target(self) -> str:
        return f"quiz:{self.quiz.pk}"

    def pass_mark(self, draw: dict[str, Any]) -> Decimal:
        return Decimal(draw["pass_mark"])

    def describe(self) -> dict[str, Any]:
        return {"title": self.quiz.title, "quiz": self.quiz, "single": False}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            snapshot = services.quiz_snapshot(self.quiz)
        except QuizError as error:
            return render(request, self.template_name, {**self.describe(), "empty": error.message}, status=409)
        draw = {"target": self.target(), "questions": snapshot["questions"], "pass_mark": snapshot["pass_mark"]}
        return self.render_take(request, draw)


class QuizTryButton(PageMenuItem):
    """ "Try as a learner" in a quiz page's header and in its "more" menu of the page listing."""

    label = gettext_lazy("Try as a learner")
    icon_name = "view"
    url_name = QUIZ_URL

    def is_shown(self, user: Any) -> bool:
        return self.page.specific_class is QuizPage and user_may_analyse(self.page, user)


def admin_urls() -> list[Any]:
    return [
        path("questions/preview/<int:pk>/", QuestionPreviewView.as_view(), name=QUESTION_URL),
        path("courses/quiz/<int:quiz_id>/try/", QuizTryView.as_view(), name=QUIZ_URL),
    ]


def question_preview_url(question_id: int) -> str:
    return reverse(QUESTION_URL, args=(question_id,))


def quiz_try_url(quiz_id: int) -> str:
    return reverse(QUIZ_URL, args=(quiz_id,))
