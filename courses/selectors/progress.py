"""Reads of the courses layer: progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from courses.models import (
    Attempt,
    CoursePage,
    Enrollment,
    LessonPage,
    LessonProgress,
    QuizPage,
)
from courses.selectors.catalogue import course_progress_map
from courses.selectors.common import Visitor, signed_in

if TYPE_CHECKING:
    from lms.people.models import User


def course_lessons(course: CoursePage) -> QuerySet[LessonPage]:
    lessons: QuerySet[LessonPage] = LessonPage.objects.live().child_of(course).order_by("path")
    return lessons


def course_quiz(course: CoursePage) -> QuizPage | None:
    quiz: QuizPage | None = QuizPage.objects.live().child_of(course).order_by("path").first()
    return quiz


def attempts_since_restart(*, user: User, quiz: QuizPage, course: CoursePage) -> QuerySet[Attempt]:
    """The user's attempts on ``quiz`` that count now: all of them, or, once the enrolment was
    restarted (certificate renewal), those started since."""
    attempts = Attempt.objects.filter(user=user, quiz=quiz)
    restarted_at = Enrollment.objects.filter(user=user, course=course).values_list("restarted_at", flat=True).first()
    if restarted_at is not None:
        attempts = attempts.filter(started_at__gte=restarted_at)
    return attempts


@dataclass(frozen=True)
class EnrollmentState:
    """What the completion of one enrolment depends on, read in one query."""

    course_id: int
    completed_at: datetime | None
    restarted_at: datetime | None


def enrollment_state(
    *, user_id: int, course_id: int | None = None, course_path: str | None = None
) -> EnrollmentState | None:
    """The enrolment of ``user_id`` in the course given by id or by page path, if any. One query."""
    enrolments = Enrollment.objects.filter(user_id=user_id)
    if course_id is not None:
        enrolments = enrolments.filter(course_id=course_id)
    if course_path is not None:
        enrolments = enrolments.filter(course__path=course_path)
    row = enrolments.values("course_id", "completed_at", "restarted_at").first()
    if row is None:
        return None
    return EnrollmentState(
        course_id=row["course_id"], completed_at=row["completed_at"], restarted_at=row["restarted_at"]
    )


def requirements_met(
    *, user_id: int, course_path: str, restarted_at: datetime | None, passed: Attempt | None = None
) -> bool:
    """The completion rule of a course (given by its page path): every live lesson read, and a
    passed attempt on the course's quiz (its first live one) started since the enrolment's last
    restart (``restarted_at``); a course without a quiz needs at least one lesson.

    ``passed`` is an attempt known to have just passed: when it is on the course's quiz and
    counts, the attempts are not read. Two queries then (the quiz, a lesson left unread).
    """
    children = {"path__startswith": course_path, "depth": len(course_path) // CoursePage.steplen + 1}
    quiz_id: int | None = (
        QuizPage.objects.live().filter(**children).order_by("path").values_list("pk", flat=True).first()
    )
    if LessonPage.objects.live().filter(**children).exclude(progress__user_id=user_id).exists():
        return False
    if quiz_id is None:
        has_lessons: bool = LessonPage.objects.live().filter(**children).exists()
        return has_lessons
    counts = restarted_at is None or (passed is not None and passed.started_at >= restarted_at)
    if passed is not None and passed.passed and passed.quiz_id == quiz_id and counts:
        return True
    attempts = Attempt.objects.filter(user_id=user_id, quiz_id=quiz_id, passed=True)
    if restarted_at is not None:
        attempts = attempts.filter(started_at__gte=restarted_at)
    return attempts.exists()


def course_requirements_met(*, user: User, course: CoursePage) -> bool:
    """Whether ``user`` meets the completion rule of ``course`` (``requirements_met``)."""
    state = enrollment_state(user_id=user.pk, course_id=course.pk)
    restarted_at = state.restarted_at if state is not None else None
    return requirements_met(user_id=user.pk, course_path=course.path, restarted_at=restarted_at)


def course_detail(*, course: CoursePage, user: Visitor) -> dict[str, Any]:
    lessons = list(course_lessons(course))
    quiz = course_quiz(course)
    read_ids: set[int] = set()
    if (learner := signed_in(user)) is not None:
        read_ids = set(
            LessonProgress.objects.filter(user=learner, lesson__in=lessons).values_list("lesson_id", flat=True)
        )
    progress = course_progress_map(user=user, course_ids=[course.pk]).get(course.pk)
    next_lesson = next((lesson for lesson in lessons if lesson.pk not in read_ids), None)
    return {
        "lessons": lessons,
        "read_ids": read_ids,
        "quiz": quiz,
        "course_progress": progress,
        "next_lesson": next_lesson,
        # In a preview the relation is an in-memory list of pages, not a queryset.
        # Never the course itself (a course saved before the admin refused it).
        "prerequisites": [page for page in course.prerequisites.all() if page.live and page.pk != course.pk],
    }


def lesson_detail(*, lesson: LessonPage, user: Visitor) -> dict[str, Any]:
    course = lesson.get_parent().specific
    lessons = list(course_lessons(course).only("pk", "title", "path", "url_path", "depth"))
    index = next((i for i, item in enumerate(lessons) if item.pk == lesson.pk), 0)
    read_ids: set[int] = set()
    if (learner := signed_in(user)) is not None:
        read_ids = set(
            LessonProgress.objects.filter(user=learner, lesson__in=lessons).values_list("lesson_id", flat=True)
        )
    total = len(lessons)
    return {
        "course": course,
        "lessons": lessons,
        "lesson_index": index + 1,
        "lessons_total": total,
        "read_ids": read_ids,
        "is_read": lesson.pk in read_ids,
        "previous_lesson": lessons[index - 1] if index > 0 else None,
        "next_lesson": lessons[index + 1] if index + 1 < total else None,
        "quiz": course_quiz(course),
        "percent": int(len(read_ids) * 100 / (total + 1)) if total else 0,
    }


def learner_dashboard(*, user: User) -> dict[str, Any]:
    """``/me/``: enrolled courses with progress, and attempts with scores. Constant queries."""
    enrolments = list(Enrollment.objects.filter(user=user).select_related("course").order_by("-enrolled_at"))
    progress = course_progress_map(user=user, course_ids=[e.course_id for e in enrolments])
    attempts = list(
        Attempt.objects.filter(user=user)
        .select_related("quiz")
        .only(
            "public_id",
            "attempt_no",
            "status",
            "started_at",
            "finished_at",
            "score",
            "passed",
            "quiz__title",
            "quiz__url_path",
            "quiz__path",
            "quiz_id",
        )
        .order_by("-started_at")[:50]
    )
    return {
        "enrolments": [{"course": e.course, "progress": progress.get(e.course_id, {})} for e in enrolments],
        "attempts": attempts,
        "completed_count": sum(1 for e in enrolments if e.completed_at),
        "now": timezone.now(),
    }


def completed_course_ids(*, user_id: int) -> set[int]:
    return set(
        Enrollment.objects.filter(user_id=user_id, completed_at__isnull=False).values_list("course_id", flat=True)
    )


def course_completions(*, user_id: int) -> dict[int, datetime]:
    completed = Enrollment.objects.filter(user_id=user_id, completed_at__isnull=False)
    return {
        course_id: completed_at
        for course_id, completed_at in completed.values_list("course_id", "completed_at")
        if completed_at is not None
    }


def users_with_completions_since(*, since: datetime) -> set[int]:
    return set(Enrollment.objects.filter(completed_at__gte=since).values_list("user_id", flat=True).distinct())


def enrolled_user_count() -> int:
    """Active people enrolled in at least one course (the funnel's second stage)."""
    return Enrollment.objects.filter(user__is_active=True).values("user_id").distinct().count()
