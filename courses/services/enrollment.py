"""Enrolment, lessons read, course completion and restart (certificate renewal)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from courses import selectors, signals
from courses.models import Attempt, CoursePage, Enrollment, LessonPage, LessonProgress

if TYPE_CHECKING:
    from lms.people.models import User


def enrollment_ensure(*, user: User, course: CoursePage) -> Enrollment:
    """Enrol ``user`` in ``course``. Idempotent: a second call returns the same row."""
    try:
        with transaction.atomic():
            enrollment, _created = Enrollment.objects.get_or_create(user=user, course=course)
    except IntegrityError:
        enrollment = Enrollment.objects.get(user=user, course=course)
    return enrollment


@transaction.atomic
def lesson_complete(*, user: User, lesson: LessonPage) -> bool:
    """Mark ``lesson`` read by ``user``, enrolling them if needed. Idempotent.

    May complete the course (see ``enrollment_check_completion``). Returns whether the course
    is now complete.
    """
    course: CoursePage = lesson.get_parent().specific
    enrollment_ensure(user=user, course=course)
    LessonProgress.objects.get_or_create(user=user, lesson=lesson)
    return enrollment_check_completion(user=user, course=course)


@transaction.atomic
def enrollment_restart(*, user: User, course: CoursePage, now: datetime | None = None) -> Enrollment:
    """Send ``user`` through ``course`` again (certificate renewal), enrolling them if needed.

    Side effects: the enrolment is no longer complete (``completed_at`` cleared),
    ``restarted_at`` is set to ``now``, and the user's lesson progress in the course is
    deleted, so every lesson is read again. Quiz attempts are kept (their numbers keep
    increasing); only attempts started from ``restarted_at`` count against the attempt limit,
    and only an attempt passed since then completes the course again.
    Not idempotent in time: each call restarts from its own ``now``; callers guard it (the
    certification layer restarts once per renewal).
    """
    now = now or timezone.now()
    enrollment = enrollment_ensure(user=user, course=course)
    Enrollment.objects.filter(pk=enrollment.pk).update(completed_at=None, restarted_at=now)
    LessonProgress.objects.filter(user=user, lesson__in=LessonPage.objects.child_of(course)).delete()
    enrollment.refresh_from_db()
    return enrollment


def enrollment_check_completion(*, user: User, course: CoursePage) -> bool:
    """Complete the enrolment when the completion rule holds (``selectors.requirements_met``:
    every live lesson read, the quiz passed since the last restart). Returns whether the course
    is complete.

    Side effect: the conditional UPDATE of ``_mark_complete`` makes completion happen once,
    whatever the concurrency; only the call that flips ``completed_at`` sends
    ``course_completed``, on commit. Idempotent.
    """
    state = selectors.enrollment_state(user_id=user.pk, course_id=course.pk)
    if state is not None and state.completed_at is not None:
        return True
    restarted_at = state.restarted_at if state is not None else None
    if not selectors.requirements_met(user_id=user.pk, course_path=course.path, restarted_at=restarted_at):
        return False
    _mark_complete(user_id=user.pk, course_id=course.pk)
    return True


def enrollment_complete_after_pass(*, attempt: Attempt) -> bool:
    """``attempt`` has just passed: complete its course if that was the last requirement.

    The same rule as ``enrollment_check_completion``, given what the pass already tells (the
    course's path, a passed attempt and when it started): one read of the enrolment, and
    nothing more once it is complete; two small reads before (the course's quiz, a lesson
    left unread). Side effects and idempotency as ``enrollment_check_completion``. Returns
    whether this call completed the course.
    """
    quiz = attempt.quiz
    course_path = quiz.path[: -quiz.steplen]
    state = selectors.enrollment_state(user_id=attempt.user_id, course_path=course_path)
    if state is None or state.completed_at is not None:
        return False
    if not selectors.requirements_met(
        user_id=attempt.user_id, course_path=course_path, restarted_at=state.restarted_at, passed=attempt
    ):
        return False
    return _mark_complete(user_id=attempt.user_id, course_id=state.course_id)


def _mark_complete(*, user_id: int, course_id: int) -> bool:
    """Flip the enrolment to complete if it is not yet; only the call that flips it sends
    ``course_completed``, on commit. Returns whether this call flipped it."""
    flipped = Enrollment.objects.filter(user_id=user_id, course_id=course_id, completed_at__isnull=True).update(
        completed_at=timezone.now()
    )
    if flipped:
        transaction.on_commit(
            lambda: signals.course_completed.send(sender=CoursePage, user_id=user_id, course_id=course_id)
        )
    return bool(flipped)
