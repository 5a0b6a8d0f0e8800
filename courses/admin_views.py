"""Admin views of the courses layer that read: the item analysis of a quiz
(``/admin/courses/quiz/<id>/items/``), as a page and as a CSV file.

Who may open it: whoever may edit the quiz page (HR editors below the catalogue, superusers).
It shows figures over groups of attempts only, never who answered what.
"""

from __future__ import annotations

import csv
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.models import Page

from courses.data import ItemAnalysis, QuizItem
from courses.models import QuizPage
from courses.selectors import item_analysis as analysis
from lms.http import error_response
from lms.viewsets import export_rate_limit

URL_NAME = "courses_quiz_item_analysis"

FLAG_LABELS = analysis.FLAG_LABELS
SCOPE_LABELS = {
    analysis.FIRST_ATTEMPTS: _("First attempts"),
    analysis.ALL_ATTEMPTS: _("All attempts"),
}
# Spreadsheets run a CSV cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class ItemAnalysisParameters(forms.Form):
    """The query string: which attempts count, and whether to download the table."""

    attempts = forms.ChoiceField(choices=list(SCOPE_LABELS.items()), required=False)
    export = forms.ChoiceField(choices=[("csv", "CSV")], required=False)


def item_analysis_url(quiz_id: int, **query: str) -> str:
    url = reverse(URL_NAME, args=(quiz_id,))
    return f"{url}?{urlencode(query)}" if query else url


def user_may_analyse(quiz: Page, user: Any) -> bool:
    """Whoever may edit the quiz page may read its item analysis."""
    return bool(quiz.permissions_for_user(user).can_edit())


class QuizItemAnalysisView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "courses/admin/item_analysis.html"
    page_title = _("Item analysis")
    header_icon = "table"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.quiz = get_object_or_404(QuizPage, pk=kwargs["quiz_id"])

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not user_may_analyse(self.quiz, request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        parameters = ItemAnalysisParameters(request.GET)
        if not parameters.is_valid():
            field, errors = next(iter(parameters.errors.items()))
            return error_response(
                request,
                code="invalid_parameter",
                message=gettext("The parameter “%(name)s” is not valid: %(reason)s")
                % {"name": field, "reason": " ".join(str(error) for error in errors)},
                status=400,
                title=gettext("Item analysis"),
                back_url=item_analysis_url(self.quiz.pk),
                back_label=gettext("Back to the item analysis"),
            )
        if parameters.cleaned_data["export"] == "csv" and (refused := export_rate_limit(request)) is not None:
            return refused
        self.scope = parameters.cleaned_data["attempts"] or analysis.FIRST_ATTEMPTS
        self.analysis = analysis.quiz_item_analysis(quiz=self.quiz, scope=self.scope)
        if parameters.cleaned_data["export"] == "csv":
            return self.csv_response(self.analysis)
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self) -> str:
        return self.quiz.title

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailadmin_explore", args=(self.quiz.get_parent().pk,)), "label": _("Pages")},
            {"url": reverse("wagtailadmin_pages:edit", args=(self.quiz.pk,)), "label": self.quiz.title},
            {"url": "", "label": self.get_page_title(), "sublabel": self.quiz.title},
        ]

    @cached_property
    def header_buttons(self) -> list[HeaderButton]:
        return [
            HeaderButton(
                _("Download CSV"),
                url=item_analysis_url(self.quiz.pk, attempts=self.scope, export="csv"),
                icon_name="download",
            )
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            quiz=self.quiz,
            analysis=self.analysis,
            scopes=[
                {"label": label, "url": item_analysis_url(self.quiz.pk, attempts=key), "current": key == self.scope}
                for key, label in SCOPE_LABELS.items()
            ],
            thresholds={
                "group_share": analysis.GROUP_SHARE,
                "min_reliable": analysis.MIN_RELIABLE_ATTEMPTS,
                "too_easy": analysis.TOO_EASY_ABOVE,
                "too_hard": analysis.TOO_HARD_BELOW,
                "weak": analysis.WEAK_DISCRIMINATION_BELOW,
            },
        )
        return context

    # --- CSV -------------------------------------------------------------------------------

    def csv_response(self, result: ItemAnalysis) -> HttpResponse:
        # UTF-8 with a byte order mark, so that spreadsheet programs read accents right.
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"item-analysis-quiz-{result.quiz_id}-{result.scope}-{timezone.localdate().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([str(heading) for heading in CSV_HEADINGS])
        for item in result.items:
            for row in _csv_rows(item):
                writer.writerow([_cell(value) for value in row])
        return response


CSV_HEADINGS = (
    _("Question ID"),
    _("Version"),
    _("Type"),
    _("Question"),
    _("Attempts"),
    _("Blank"),
    _("Facility"),
    _("Upper group facility"),
    _("Lower group facility"),
    _("Discrimination"),
    _("Flags"),
    _("Choice"),
    _("Keyed"),
    _("Picked"),
    _("Picked share"),
    _("Picked in upper group"),
    _("Picked in lower group"),
)


def _csv_rows(item: QuizItem) -> list[list[Any]]:
    """One row per choice (the question's figures repeated), or one row for a question
    without choices: a long table a spreadsheet can pivot."""
    common = [
        item.question_id,
        item.version,
        item.type_label,
        item.prompt,
        item.served,
        item.blank,
        item.facility,
        item.upper_facility,
        item.lower_facility,
        item.discrimination,
        "; ".join(str(FLAG_LABELS[flag]) for flag in item.flags),
    ]
    if not item.choices:
        return [[*common, "", "", "", "", "", ""]]
    yes, no = gettext("Yes"), gettext("No")
    return [
        [
            *common,
            choice.text,
            yes if choice.keyed else no,
            choice.picked,
            choice.share,
            choice.upper_picked,
            choice.lower_picked,
        ]
        for choice in item.choices
    ]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class ItemAnalysisButton(PageMenuItem):
    """ "Item analysis" in a quiz page's header and in its "more" menu of the page listing."""

    label = _("Item analysis")
    icon_name = "table"
    url_name = URL_NAME

    def is_shown(self, user: Any) -> bool:
        return self.page.specific_class is QuizPage and user_may_analyse(self.page, user)


def admin_urls() -> list[Any]:
    return [path("courses/quiz/<int:quiz_id>/items/", QuizItemAnalysisView.as_view(), name=URL_NAME)]
