"""The public surface of the courses layer. Higher layers import this, never the models."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from courses import selectors
from courses.data import (
    AssignedCourse,
    AssignmentCreated,
    AttemptSummary,
    CourseProgress,
    CourseSummary,
    LearnerDashboard,
    TrainingPerson,
    TrainingReportRow,
)
from courses.models import Attempt, CoursePage
from courses.services.assignments import AssignmentError as AssignmentError

if TYPE_CHECKING:
    from wagtail.models import Page

    from lms.people.models import User


def course_summaries(course_ids: list[int]) -> list[CourseSummary]:
    pages = CoursePage.objects.filter(pk__in=course_ids).order_by("path")
    return [CourseSummary(id=p.pk, title=p.title, url=p.url or "", language=p.language) for p in pages]


def all_courses() -> list[CourseSummary]:
    return [
        CourseSummary(id=p.pk, title=p.title, url=p.url or "", language=p.language)
        for p in CoursePage.objects.live().order_by("path")
    ]


def completed_course_ids(user_id: int) -> set[int]:
    return selectors.completed_course_ids(user_id=user_id)


def learner_dashboard(user: User) -> LearnerDashboard:
    """The courses part of ``user``'s space (/me/): enrolments with their progress and the
    latest attempts with the links to continue them or read their result. A fixed number of
    queries, whatever the number of courses and attempts."""
    dashboard = selectors.learner_dashboard(user=user)
    return LearnerDashboard(
        courses=tuple(_course_progress(row["course"], row["progress"]) for row in dashboard["enrolments"]),
        attempts=tuple(_attempt_summary(attempt) for attempt in dashboard["attempts"]),
        completed_count=dashboard["completed_count"],
    )


def _course_progress(course: CoursePage, progress: dict[str, Any]) -> CourseProgress:
    return CourseProgress(
        course_id=course.pk,
        title=course.title,
        url=course.url or "",
        percent=progress.get("percent", 0),
        lessons_read=progress.get("lessons_read", 0),
        lessons_total=progress.get("lessons_total", 0),
        completed=bool(progress.get("completed")),
        completed_at=progress.get("completed_at"),
    )


def _attempt_summary(attempt: Attempt) -> AttemptSummary:
    quiz = attempt.quiz
    return AttemptSummary(
        quiz_title=quiz.title,
        quiz_url=quiz.url or "",
        number=attempt.attempt_no,
        started_at=attempt.started_at,
        status_label=str(attempt.get_status_display()),
        score=attempt.score,
        passed=bool(attempt.passed),
        is_open=attempt.is_open,
        url=quiz.attempt_url("attempt" if attempt.is_open else "attempt_result", attempt),
    )


def import_courses(data: dict[str, object], *, source: str = "<data>") -> list[CourseSummary]:
    """Create or update the course described by ``data`` (one fixtures file) in the catalogue.

    Idempotent; see ``courses.importer.courses_import``. Raises ``ValueError`` naming
    ``source`` and the entry when the data is invalid, or when there is no catalogue page.
    """
    from courses.importer import courses_import
    from courses.models import CourseIndexPage

    index_page = CourseIndexPage.objects.first()
    if index_page is None:
        raise ValueError("There is no course catalogue page yet: create the site structure first.")
    pages = courses_import(data=data, index_page=index_page, source=source)
    return [CourseSummary(id=p.pk, title=p.title, url=p.url or "", language=p.language) for p in pages]


# The title the catalogue page was first created with, in English whatever the site's language.
UNTRANSLATED_CATALOGUE_TITLE = "Courses"


def catalogue_ensure(*, parent: Page) -> int:
    """Create the catalogue page (``courses/``) under ``parent`` if there is none, titled in the
    site's language (``LANGUAGE_CODE``: "Formations"); a catalogue still titled with the old
    English default "Courses" is renamed so (a title an editor chose is kept). Idempotent.

    Returns the catalogue page id.
    """
    from django.conf import settings
    from django.utils import translation
    from django.utils.translation import gettext

    from courses.models import CourseIndexPage

    with translation.override(settings.LANGUAGE_CODE):
        title = gettext("Courses")
    index = CourseIndexPage.objects.first()
    if index is None:
        index = CourseIndexPage(title=title, slug="courses")
        parent.add_child(instance=index)
        index.save_revision().publish()
    elif index.title == UNTRANSLATED_CATALOGUE_TITLE and title != index.title:
        index.title = title
        index.draft_title = title
        index.save_revision().publish()
    return int(index.pk)


def course_completions(user_id: int) -> dict[int, datetime]:
    """``{course_id: completed_at}`` for every course ``user_id`` has completed."""
    return selectors.course_completions(user_id=user_id)


def enrolled_user_count() -> int:
    """How many active people are enrolled in at least one course."""
    return selectors.enrolled_user_count()


def users_with_completions_since(since: datetime) -> set[int]:
    """Users who completed a course at or after ``since`` (for reconciliation jobs)."""
    return selectors.users_with_completions_since(since=since)


def enrollment_restart(user_id: int, course_id: int) -> None:
    """Send the user through the course again (certificate renewal): the enrolment is no
    longer complete, its lessons are to be read again, and only quiz attempts started from
    now count against the attempt limit. Enrols the user if needed. See
    ``courses.services.enrollment_restart``."""
    from django.contrib.auth import get_user_model

    from courses import services

    user = get_user_model().objects.get(pk=user_id)
    services.enrollment_restart(user=user, course=CoursePage.objects.get(pk=course_id))


def demo_course_complete(user_id: int, course_id: int) -> bool:
    """Demo data only: complete the course as a learner would (see ``courses.demo``)."""
    from courses import demo

    return demo.demo_course_complete(user_id=user_id, course_id=course_id)


def demo_assignments_ensure(
    *,
    course_ids: list[int],
    department_id: int,
    user_id: int,
    assigned_by_id: int | None,
    overdue_department_id: int | None = None,
) -> int:
    """Demo data only: a department assignment, an overdue personal one and, given
    ``overdue_department_id``, an overdue department one (see ``courses.demo``)."""
    from courses import demo

    return demo.demo_assignments_ensure(
        course_ids=course_ids,
        department_id=department_id,
        user_id=user_id,
        assigned_by_id=assigned_by_id,
        overdue_department_id=overdue_department_id,
    )


# --- the HR editors' rights in the admin ---------------------------------------------------

QUESTION_BANK_ACTIONS = ("add", "change", "delete", "view")


def hr_editor_permissions() -> list[str]:
    """The model permissions (``app_label.codename``) HR editors need: every action on every
    question type (new subtypes included, found in the app registry) and on the categories."""
    from django.apps import apps
    from django.db.models import Model

    from courses.models import Question, QuestionCategory

    models: list[type[Model]] = [m for m in apps.get_app_config("courses").get_models() if issubclass(m, Question)]
    models.append(QuestionCategory)
    names = sorted(str(model._meta.model_name) for model in models)
    return [
        *(f"courses.{action}_{name}" for name in names for action in QUESTION_BANK_ACTIONS),
        *(f"courses.{action}_assignment" for action in QUESTION_BANK_ACTIONS),
        "courses.view_training_individuals",
    ]


def hr_editor_page_ids() -> list[int]:
    """The pages below which HR editors add, edit, publish, lock and unlock: the catalogue."""
    from courses.models import CourseIndexPage

    first = CourseIndexPage.objects.order_by("path").values_list("pk", flat=True).first()
    return [] if first is None else [int(first)]


# --- training report and course assignments ------------------------------------------------


def training_report(
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    department_id: int | None = None,
    course_id: int | None = None,
    today: date | None = None,
    merge_small_groups: bool = False,
) -> list[TrainingReportRow]:
    """The training report: one row per course and department (see ``TrainingReportRow`` and
    ``training_figures`` for what each figure means). ``department_id`` 0 means people without
    a department. A fixed number of queries.

    ``merge_small_groups`` for readers who may not see individuals: per course, the rows of
    fewer than 5 people become one "Other departments (fewer than 5 people each)" row, itself
    left out when it has fewer than 5 people."""
    filters = selectors.ReportFilters(
        date_from=date_from, date_to=date_to, department_id=department_id, course_id=course_id
    )
    rows = selectors.training_report(filters=filters, today=today, merge_small_groups=merge_small_groups)
    return [TrainingReportRow(**row) for row in rows]


def training_people(
    *,
    course_id: int,
    date_from: date | None = None,
    date_to: date | None = None,
    department_id: int | None = None,
    today: date | None = None,
) -> list[TrainingPerson]:
    """The people behind the report's rows of one course (enrolled in the period or assigned),
    overdue first. Individuals: only for roles allowed to see them."""
    filters = selectors.ReportFilters(
        date_from=date_from, date_to=date_to, department_id=department_id, course_id=course_id
    )
    return [TrainingPerson(**row) for row in selectors.training_people(filters=filters, today=today)]


def training_figures() -> list[tuple[str, str, str]]:
    """``(field, label, definition)`` of every figure of the report, in the active language."""
    return [(key, str(label), str(definition)) for key, label, definition in selectors.TRAINING_FIGURES]


def assignments_create(
    *,
    course_id: int,
    due_date: date,
    department_ids: Sequence[int] = (),
    user_ids: Sequence[int] = (),
    assigned_by_id: int | None = None,
    programme_id: int | None = None,
    programme_label: str = "",
    alternative_course_ids: Sequence[int] = (),
) -> AssignmentCreated:
    """Assign a course to departments and/or people by ``due_date`` (see
    ``courses.services.assignments_create``); completing one of ``alternative_course_ids``
    counts as completing it. Raises ``AssignmentError`` (400) on bad input."""
    from django.contrib.auth import get_user_model

    from courses import services

    assigned_by = get_user_model().objects.filter(pk=assigned_by_id).first() if assigned_by_id else None
    created = services.assignments_create(
        course_id=course_id,
        due_date=due_date,
        department_ids=department_ids,
        user_ids=user_ids,
        assigned_by=assigned_by,
        programme_id=programme_id,
        programme_label=programme_label,
        alternative_course_ids=alternative_course_ids,
    )
    return AssignmentCreated(assignment_ids=tuple(a.pk for a in created))


def assigned_courses(user: User, *, today: date | None = None) -> list[AssignedCourse]:
    """The live courses assigned to ``user`` (directly or through their department) for /me/,
    by due date, with their status: "done", "due" or "overdue". Two queries."""
    rows = selectors.assigned_courses(user=user, today=today)
    return [
        AssignedCourse(
            course_id=row["course"].pk,
            title=row["course"].title,
            url=row["course"].url or "",
            due_date=row["due_date"],
            days_left=row["days_left"],
            status="done" if row["done"] else ("overdue" if row["days_left"] < 0 else "due"),
        )
        for row in rows
    ]


# --- HR overview ---------------------------------------------------------------------------

if TYPE_CHECKING:
    from courses.data import TrainingOverview


def training_overview(*, weeks: int = 12, today: date | None = None) -> TrainingOverview:
    """Training per department (the training report summed over courses) and course
    completions per week over the last ``weeks`` weeks. Aggregates only; a fixed number of
    queries whatever the number of people."""
    from courses.data import DepartmentTraining, TrainingOverview, WeeklyCount
    from courses.selectors import overview

    return TrainingOverview(
        departments=tuple(DepartmentTraining(**cell) for cell in overview.training_by_department(today=today)),
        weekly_completions=tuple(
            WeeklyCount(week_start=start, count=n)
            for start, n in overview.completions_per_week(weeks=weeks, today=today)
        ),
    )


def demo_completions_backdate(*, course_id: int, completed_days_ago: dict[int, int]) -> int:
    """Demo data only: the course completed days ago by each user (see ``courses.demo``)."""
    from courses import demo

    return demo.demo_completions_backdate(course_id=course_id, completed_days_ago=completed_days_ago)
