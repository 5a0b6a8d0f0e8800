"""Admin UI of training follow-up: the training report (per course and department) with its
drill-down of people, and the course assignments.

The report's figures come from ``courses.api`` (``training_report``, ``training_people``);
their definitions are shown in each column's header. Individuals (the drill-down) are shown
only to people with the "see individual learners" right.
"""

from __future__ import annotations

import datetime
import itertools
from urllib.parse import urlencode

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from courses import api
from courses.models import Assignment, CoursePage
from lms.people.models import Department
from lms.viewsets import ExportRateLimitMixin

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
INDIVIDUALS_PERMISSION = "courses.view_training_individuals"
NO_DEPARTMENT = 0


class PlainColumn(Column):
    """A column whose cells are rendered without a template (the same ``<td>`` as
    ``wagtailadmin/tables/cell.html``, value localised and escaped): the report has a cell per
    row and column, and rendering each through the template took most of the page's time
    over a whole company."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        return format_html("<td>{}</td>", "" if value is None else formats.localize(value))


class FigureColumn(PlainColumn):
    """A column whose header carries the definition of its figure, one click away."""

    header_template_name = "courses/admin/figure_column_header.html"

    def __init__(self, name, *, definition, **kwargs):
        super().__init__(name, **kwargs)
        self.definition = definition

    def get_header_context_data(self, parent_context):
        context = super().get_header_context_data(parent_context)
        context["definition"] = self.definition
        return context

    def get_value(self, instance):
        value = super().get_value(instance)
        return "—" if value is None else value


class TrainingFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        period = cleaned.get("period")
        if period and period.start and period.stop and period.start > period.stop:
            self.add_error("period", _("The start of the period is after its end."))
        return cleaned


def _unfiltered(queryset, name, value):
    # The reporting function applies the filters; the filter set only reads them.
    return queryset


class TrainingFilterSet(WagtailFilterSet):
    period = django_filters.DateFromToRangeFilter(
        label=_("Period"),
        widget=DateRangePickerWidget,
        method=_unfiltered,
        help_text=_("Enrolments started, and due dates, in this period (both days included)."),
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"),
        queryset=Department.objects.all(),
        empty_label=_("All departments"),
        method=_unfiltered,
    )
    course = django_filters.ModelChoiceFilter(
        label=_("Course"),
        queryset=CoursePage.objects.order_by("title"),
        empty_label=_("All courses"),
        method=_unfiltered,
    )

    class Meta:
        model = Assignment
        fields: list[str] = []
        form = TrainingFilterForm


class SpreadsheetReportView(ExportRateLimitMixin, ReportView):
    """A report over rows from a reporting function: filters read by the function, exports
    as UTF-8 CSV with a byte order mark (CSV-injection guarded) and XLSX."""

    filterset_class = TrainingFilterSet
    permission_policy = ModelPermissionPolicy(Assignment)
    any_permission_required = ["view"]
    paginate_by = 100

    def preprocess_field_value(self, field, value, export_format):
        if value is None:
            return ""
        value = super().preprocess_field_value(field, value, export_format)
        # Spreadsheets run a CSV cell starting with one of these as a formula (CSV injection);
        # a leading quote keeps it text. The XLSX export already stores such cells as text.
        if export_format == self.FORMAT_CSV and isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
            return "'" + value
        return value

    def write_csv_response(self, queryset):
        # UTF-8 with a byte order mark, and said so: spreadsheet programs otherwise read
        # "Ingénierie" as "IngÃ©nierie".
        response = StreamingHttpResponse(
            itertools.chain(["\ufeff"], self.stream_csv(queryset)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.get_filename()}.csv"'
        return response

    @cached_property
    def report_filters(self):
        """The filters as the reporting functions take them, or None when they are invalid."""
        if not self.filters or not self.filters.is_valid():
            return None
        data = self.filters.form.cleaned_data
        period = data.get("period")
        return {
            "date_from": period.start if period else None,
            "date_to": period.stop if period else None,
            "course_id": data["course"].pk if data.get("course") else None,
            "department_id": self.department_id(data.get("department")),
        }

    def department_id(self, value):
        return value.pk if value else None

    def filter_queryset(self, queryset):
        return queryset

    def get(self, request, *args, **kwargs):
        if self.is_export and self.report_filters is None:
            errors = "; ".join(str(e) for errors in self.filters.form.errors.values() for e in errors)
            return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
        return super().get(request, *args, **kwargs)


class TrainingReportView(SpreadsheetReportView):
    """Per course and department: assigned, enrolled, in progress, completed, completion rate,
    median days to complete, average best score, overdue. CSV and XLSX export."""

    page_title = _("Training")
    header_icon = "list-ul"
    results_template_name = "courses/admin/training_report_results.html"
    index_url_name = "courses_training_report"
    index_results_url_name = "courses_training_report_results"
    list_export = [
        "course_title",
        "department_name",
        "assigned",
        "enrolled",
        "in_progress",
        "completed",
        "completion_rate",
        "median_days_to_complete",
        "average_best_score",
        "overdue",
    ]

    @cached_property
    def figures(self):
        return api.training_figures()

    @property
    def export_headings(self):
        return {
            "course_title": str(_("Course")),
            "department_name": str(_("Department")),
            **{key: label for key, label, _definition in self.figures},
        }

    @cached_property
    def can_see_people(self):
        return self.request.user.has_perm(INDIVIDUALS_PERMISSION)

    @property
    def columns(self):
        return [
            TitleColumn("course_title", label=_("Course"), get_url=self.people_url),
            PlainColumn(
                "department_name",
                label=_("Department"),
                accessor=lambda row: row.department_name or _("No department"),
            ),
            *(FigureColumn(key, label=label, definition=definition) for key, label, definition in self.figures),
        ]

    def people_url(self, row):
        if not self.can_see_people or row.merged_groups:
            return None
        params = {"course": row.course_id, "department": row.department_id or NO_DEPARTMENT}
        period = self.report_filters or {}
        if period.get("date_from"):
            params["period_from"] = period["date_from"].isoformat()
        if period.get("date_to"):
            params["period_to"] = period["date_to"].isoformat()
        return f"{reverse('courses_training_people')}?{urlencode(params)}"

    def preprocess_field_value(self, field, value, export_format):
        if field == "department_name" and value == "":
            return str(_("No department"))
        return super().preprocess_field_value(field, value, export_format)

    def get_filename(self):
        return f"training-{timezone.localdate().isoformat()}"

    @cached_property
    def report_rows(self):
        # Those who may not see individuals do not see groups of fewer than 5 people either.
        if self.report_filters is None:
            return []
        return api.training_report(**self.report_filters, merge_small_groups=not self.can_see_people)

    def get_queryset(self):
        return self.report_rows

    def completion_chart(self):
        """``(title, [(label, completion rate)])``: per course, or per department when the
        report is filtered to one course; over the rows shown (an "other departments" row included),
        leaving out what has no enrolment."""
        rows = self.report_rows
        if (self.report_filters or {}).get("course_id") is not None:
            items = [
                (row.department_name or _("No department"), row.completion_rate)
                for row in rows
                if row.completion_rate is not None
            ]
            return _("Completion rate by department (%)"), items
        totals = {}
        for row in rows:
            enrolled, completed = totals.get(row.course_id, (row.course_title, 0, 0))[1:]
            totals[row.course_id] = (row.course_title, enrolled + row.enrolled, completed + row.completed)
        items = [
            (title, round(completed * 100 / enrolled, 1)) for title, enrolled, completed in totals.values() if enrolled
        ]
        return _("Completion rate by course (%)"), items

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["figures"] = self.figures
        context["chart_title"], context["chart_items"] = self.completion_chart()
        context["small_groups_merged"] = not self.can_see_people
        return context


STATUS_LABELS = {
    "completed": _("Completed"),
    "overdue": _("Overdue"),
    "in_progress": _("In progress"),
    "not_started": _("Not started"),
}


def _day(moment):
    return timezone.localtime(moment).date() if moment else "—"


class PeopleFilterSet(TrainingFilterSet):
    department = django_filters.NumberFilter(label=_("Department"), method=_unfiltered, widget=forms.HiddenInput)
    course = django_filters.ModelChoiceFilter(
        label=_("Course"), queryset=CoursePage.objects.order_by("title"), required=True, method=_unfiltered
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=list(STATUS_LABELS.items()), empty_label=_("Any status"), method=_unfiltered
    )

    class Meta(TrainingFilterSet.Meta):
        pass


class TrainingPeopleView(SpreadsheetReportView):
    """The people of one course (and department): who is overdue, in progress, done."""

    page_title = _("Training: people")
    header_icon = "user"
    index_url_name = "courses_training_people"
    index_results_url_name = "courses_training_people_results"
    filterset_class = PeopleFilterSet
    list_export = [
        "name",
        "email",
        "department_name",
        "status",
        "enrolled_at",
        "completed_at",
        "best_score",
        "due_date",
    ]
    export_headings = {
        "name": _("Name"),
        "email": _("Email"),
        "department_name": _("Department"),
        "status": _("Status"),
        "enrolled_at": _("Enrolled on"),
        "completed_at": _("Completed on"),
        "best_score": _("Best score"),
        "due_date": _("Due date"),
    }
    columns = [
        Column("name", label=_("Name")),
        Column("email", label=_("Email")),
        Column("department_name", label=_("Department")),
        Column("status", label=_("Status"), accessor=lambda person: STATUS_LABELS[person.status]),
        Column(
            "enrolled_at", label=_("Enrolled on"), accessor=lambda p: p.enrolled_at.date() if p.enrolled_at else "—"
        ),
        Column("completed_at", label=_("Completed on"), accessor=lambda p: _day(p.completed_at)),
        Column("best_score", label=_("Best score"), accessor=lambda p: "—" if p.best_score is None else p.best_score),
        Column("due_date", label=_("Due date"), accessor=lambda p: p.due_date or "—"),
    ]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(INDIVIDUALS_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def department_id(self, value):
        # A department's id, or 0 for people without one (``None``: everyone).
        return None if value is None else int(value)

    def preprocess_field_value(self, field, value, export_format):
        if field == "status":
            return str(STATUS_LABELS[value])
        if isinstance(value, datetime.datetime):
            # The day in the site's time zone, as the listing shows it.
            value = timezone.localtime(value).date()
            return value.isoformat() if export_format == self.FORMAT_CSV else value
        return super().preprocess_field_value(field, value, export_format)

    def get_filename(self):
        return f"training-people-{timezone.localdate().isoformat()}"

    def get_queryset(self):
        if self.report_filters is None:
            return []
        people = api.training_people(**self.report_filters)
        status = self.filters.form.cleaned_data.get("status")
        return [person for person in people if person.status == status] if status else people


def report_urls():
    return [
        path("reports/training/", TrainingReportView.as_view(), name="courses_training_report"),
        path(
            "reports/training/results/",
            TrainingReportView.as_view(results_only=True),
            name="courses_training_report_results",
        ),
        path("reports/training/people/", TrainingPeopleView.as_view(), name="courses_training_people"),
        path(
            "reports/training/people/results/",
            TrainingPeopleView.as_view(results_only=True),
            name="courses_training_people_results",
        ),
    ]
