"""Reads of the courses layer. Query counts here do not grow with courses or questions."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from django.core.paginator import Paginator
from django.db.models import Exists, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from taggit.models import Tag

from courses.models import (
    QUESTION_TYPES,
    Attempt,
    CourseIndexPage,
    CoursePage,
    Enrollment,
    LessonPage,
    LessonProgress,
    QuizPage,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lms.people.models import User

    # Pages may be read by visitors who are not signed in.
    Visitor = User | AnonymousUser

CATALOGUE_PAGE_SIZE = 24


def _signed_in(user: Visitor) -> User | None:
    """``user`` if signed in; a visitor who is not has no progress or attempts to read."""
    if getattr(user, "is_authenticated", False):
        return cast("User", user)
    return None


CATALOGUE_LANGUAGES = ("fr", "en")
ALL_LANGUAGES = "all"


def search_terms(query: str) -> str:
    """The words of a learner's search, for the search backend.

    Only letters, digits and inner apostrophes or hyphens are kept: the database backends turn
    the query into a full-text expression (SQLite FTS5, PostgreSQL tsquery) in which a lone
    quote, a NUL byte or an operator character is a syntax error, not a search.
    """
    words = re.findall(r"\w+(?:['’-]\w+)*", query)
    return " ".join(words)[:200]


def catalogue(
    *, index_page: CourseIndexPage, params: Mapping[str, Any], user: Visitor, default_language: str
) -> dict[str, Any]:
    """Courses under ``index_page`` filtered by ``tag``, ``level``, ``language`` and ``q``.

    Without a valid ``language`` the catalogue shows the courses in ``default_language`` (the
    visitor's); ``language=all`` shows every language.
    """
    courses = CoursePage.objects.live().public().descendant_of(index_page).order_by("path")
    tag = (params.get("tag") or "").strip()[:100]
    level = (params.get("level") or "").strip()
    language = (params.get("language") or "").strip()
    if default_language not in CATALOGUE_LANGUAGES:
        default_language = CATALOGUE_LANGUAGES[0]
    query = (params.get("q") or "").strip()[:200]
    terms = search_terms(query)
    if level in CoursePage.Level.values:
        courses = courses.filter(level=level)
    else:
        level = ""
    if language != ALL_LANGUAGES:
        language = language if language in CATALOGUE_LANGUAGES else default_language
        courses = courses.filter(language=language)
    if tag:
        courses = courses.filter(tags__slug=tag).distinct()
    if terms:
        matches = CoursePage.objects.live().descendant_of(index_page).search(terms, operator="or")
        ids = [page.pk for page in matches]
        courses = courses.filter(pk__in=ids)
    # The cover renditions come with the page of courses: one query, not one per card.
    courses = courses.select_related("cover_image").prefetch_related("tags", "cover_image__renditions")
    paginator = Paginator(courses, CATALOGUE_PAGE_SIZE)
    page = paginator.get_page(params.get("page"))
    progress = course_progress_map(user=user, course_ids=[c.pk for c in page.object_list])
    tags = (
        Tag.objects.filter(
            courses_coursetag_items__content_object__in=CoursePage.objects.live().descendant_of(index_page)
        )
        .distinct()
        .order_by("name")
    )
    return {
        "courses": page,
        "progress": progress,
        "filters": {"tag": tag, "level": level, "language": language, "q": query},
        "levels": CoursePage.Level.choices,
        "tags": tags,
        "default_language": default_language,
    }


def course_progress_map(*, user: Visitor, course_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Progress per course for ``user``: percent of lessons read, and completion. 3 queries."""
    learner = _signed_in(user)
    if not course_ids or learner is None:
        return {}
    lesson_counts: dict[int, int] = {}
    read_counts: dict[int, int] = {}
    course_paths = {c.path: c.pk for c in CoursePage.objects.filter(pk__in=course_ids).only("pk", "path")}
    steplen = CoursePage.steplen
    lesson_course: dict[int, int] = {}
    if course_paths:
        prefix = Q(*[Q(path__startswith=p) for p in course_paths], _connector=Q.OR)
        for pk, path in LessonPage.objects.live().filter(prefix).values_list("pk", "path"):
            course_id = course_paths.get(path[:-steplen])
            if course_id is not None:
                lesson_course[pk] = course_id
                lesson_counts[course_id] = lesson_counts.get(course_id, 0) + 1
    for lesson_id in LessonProgress.objects.filter(user=learner, lesson_id__in=lesson_course).values_list(
        "lesson_id", flat=True
    ):
        course_id = lesson_course[lesson_id]
        read_counts[course_id] = read_counts.get(course_id, 0) + 1
    enrolments = {
        e["course_id"]: e
        for e in Enrollment.objects.filter(user=learner, course_id__in=course_ids).values("course_id", "completed_at")
    }
    result = {}
    for course_id in course_ids:
        total = lesson_counts.get(course_id, 0)
        read = read_counts.get(course_id, 0)
        enrolment = enrolments.get(course_id)
        completed = bool(enrolment and enrolment["completed_at"])
        result[course_id] = {
            "enrolled": enrolment is not None,
            "completed": completed,
            "completed_at": enrolment["completed_at"] if enrolment else None,
            "lessons_total": total,
            "lessons_read": read,
            "percent": 100 if completed else (int(read * 100 / (total + 1)) if total else 0),
        }
    return result


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
    if (learner := _signed_in(user)) is not None:
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
        "prerequisites": [page for page in course.prerequisites.all() if page.live],
    }


def lesson_detail(*, lesson: LessonPage, user: Visitor) -> dict[str, Any]:
    course = lesson.get_parent().specific
    lessons = list(course_lessons(course).only("pk", "title", "path", "url_path", "depth"))
    index = next((i for i, item in enumerate(lessons) if item.pk == lesson.pk), 0)
    read_ids: set[int] = set()
    if (learner := _signed_in(user)) is not None:
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


def attempt_for_user(*, quiz: QuizPage, user: Visitor, attempt_id: UUID) -> Attempt:
    """The attempt, if it belongs to ``user`` on ``quiz``; otherwise 404, the same as unknown."""
    learner = _signed_in(user)
    if learner is None:
        raise Http404
    attempt = Attempt.objects.filter(public_id=attempt_id, user=learner, quiz=quiz).first()
    if attempt is None:
        raise Http404
    # Known already: later steps (grading, completion) need not read them again.
    attempt.user, attempt.quiz = learner, quiz
    return attempt


def quiz_landing(*, quiz: QuizPage, user: Visitor) -> dict[str, Any]:
    learner = _signed_in(user)
    attempts = list(Attempt.objects.filter(user=learner, quiz=quiz).order_by("-attempt_no")) if learner else []
    in_progress = next((a for a in attempts if a.status == Attempt.Status.IN_PROGRESS), None)
    # After a restart (certificate renewal) only the attempts started since then count.
    counted = attempts
    if attempts:
        course = quiz.get_parent()
        restarted_at = (
            Enrollment.objects.filter(user=learner, course_id=course.pk).values_list("restarted_at", flat=True).first()
        )
        if restarted_at is not None:
            counted = [a for a in attempts if a.started_at >= restarted_at]
    used = len(counted)
    remaining = None if not quiz.max_attempts else max(0, quiz.max_attempts - used)
    return {
        "attempts": attempts,
        "in_progress": in_progress,
        "attempts_remaining": remaining,
        "best_score": max((a.score for a in counted if a.score is not None), default=None),
        "has_passed": any(a.passed for a in counted),
    }


def public_questions(attempt: Attempt, answers: dict[int, Any] | None = None) -> list[dict[str, Any]]:
    """The allow-listed view of every question of an attempt, with the learner's saved answer."""
    answers = answers or {}
    views = []
    for snapshot in attempt.questions:
        view = QUESTION_TYPES[snapshot["type"]].public_view(snapshot)
        view["position"] = snapshot["position"]
        saved = answers.get(snapshot["position"])
        view["saved"] = saved if isinstance(saved, list) else ([saved] if saved else [])
        views.append(view)
    return views


def attempt_answers(attempt: Attempt) -> dict[int, Any]:
    return dict(attempt.answers.values_list("position", "response"))


# What the review of a finished attempt may show: nothing, the outcome (right or wrong per
# question, the feedback of the options the learner chose), or everything (keys, every
# option's feedback, explanations).
REVIEW_NONE = ""
REVIEW_OUTCOME = "outcome"
REVIEW_FULL = "full"


def passed_since_restart(*, user: User, quiz: QuizPage) -> bool:
    """Whether ``user`` passed ``quiz`` since the last restart of their enrolment in its course
    (certificate renewal), or ever when it was never restarted. One query."""
    restarted = Enrollment.objects.filter(user=user, course__path=quiz.path[: -quiz.steplen]).exclude(restarted_at=None)
    since_restart = Q(started_at__gte=Subquery(restarted.values("restarted_at")[:1])) | ~Exists(restarted)
    return Attempt.objects.filter(since_restart, user=user, quiz_id=quiz.pk, passed=True).exists()


def review_mode(*, attempt: Attempt, user: User) -> str:
    """What the review of ``attempt`` may show ``user``: ``REVIEW_NONE``, ``REVIEW_OUTCOME`` or
    ``REVIEW_FULL``, by the review policy captured when the attempt started.

    The keys are shown after a pass by ``user`` on the same quiz since their last restart, so
    a renewal's new attempts stay unknown until the learner passes again.
    """
    if attempt.status == Attempt.Status.IN_PROGRESS:
        return REVIEW_NONE
    policy = attempt.snapshot.get("review_policy", QuizPage.ReviewPolicy.NEVER)
    if policy == QuizPage.ReviewPolicy.AFTER_SUBMIT:
        return REVIEW_FULL
    if policy not in (QuizPage.ReviewPolicy.AFTER_PASS, QuizPage.ReviewPolicy.RIGHT_OR_WRONG):
        return REVIEW_NONE
    if passed_since_restart(user=user, quiz=attempt.quiz):
        return REVIEW_FULL
    return REVIEW_OUTCOME if policy == QuizPage.ReviewPolicy.RIGHT_OR_WRONG else REVIEW_NONE


def _answers_and_credits(attempt: Attempt) -> tuple[dict[int, Any], dict[int, Any]]:
    answers, credits = {}, {}
    for position, response, credit in attempt.answers.values_list("position", "response", "credit"):
        answers[position], credits[position] = response, credit
    return answers, credits


def review_questions(attempt: Attempt) -> list[dict[str, Any]]:
    """The full review: keys, every option's feedback, explanations (``REVIEW_FULL`` only)."""
    answers, credits = _answers_and_credits(attempt)
    rows = []
    for snapshot in attempt.questions:
        qtype = QUESTION_TYPES[snapshot["type"]]
        response = answers.get(snapshot["position"])
        row = {
            **qtype.public_view(snapshot),
            **qtype.review_view(snapshot, response),
            "position": snapshot["position"],
            "credit": credits.get(snapshot["position"]),
        }
        rows.append(row)
    return rows


def outcome_questions(attempt: Attempt) -> list[dict[str, Any]]:
    """The outcome review (``REVIEW_OUTCOME``): per question, the credit earned and the learner's
    own answer with the feedback of the options they chose. Built from an allow-list
    (``OUTCOME_QUESTION_KEYS``): no key, no feedback of an option not chosen, no explanation."""
    answers, credits = _answers_and_credits(attempt)
    rows = []
    for snapshot in attempt.questions:
        qtype = QUESTION_TYPES[snapshot["type"]]
        position = snapshot["position"]
        rows.append(
            {
                **qtype.outcome_view(snapshot, answers.get(position)),
                "position": position,
                "credit": credits.get(position),
            }
        )
    return rows


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
