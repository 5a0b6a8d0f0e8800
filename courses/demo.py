"""Demo data only: what ``manage.py load_demo`` needs from the courses layer beyond the course
files (``courses.importer``). Reached through ``courses.api``.

Never for production: it completes courses on behalf of users.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from courses import selectors, services
from courses.models import CoursePage


def demo_course_complete(*, user_id: int, course_id: int) -> bool:
    """Complete the course as a learner would, through the services: read every live lesson,
    then pass the quiz with the keys of the attempt's own snapshot.

    Idempotent: a course already completed is left as it is. Returns whether the course is
    complete. Raises ``QuizError`` when no attempt may start (attempt limit, delay).
    """
    if course_id in selectors.completed_course_ids(user_id=user_id):
        return True
    user = get_user_model().objects.get(pk=user_id)
    course = CoursePage.objects.get(pk=course_id)
    for lesson in selectors.course_lessons(course):
        services.lesson_complete(user=user, lesson=lesson)
    quiz = selectors.course_quiz(course)
    if quiz is not None and not selectors.course_requirements_met(user=user, course=course):
        attempt = services.attempt_start(user=user, quiz=quiz)
        answers = {
            f"q{question['position']}": list(question["key"])
            if isinstance(question["key"], list)
            else [question["key"]]
            for question in attempt.questions
        }
        services.attempt_submit(attempt=attempt, data=answers)
    services.enrollment_check_completion(user=user, course=course)
    return course_id in selectors.completed_course_ids(user_id=user_id)


def demo_assignments_ensure(
    *,
    course_ids: list[int],
    department_id: int,
    user_id: int,
    assigned_by_id: int | None,
    overdue_department_id: int | None = None,
) -> int:
    """Demo assignments, so that the training report and /me/ show them: the first course to
    a department, due in ten days; the second to a person, due five days ago (overdue, which
    ``assignments_create`` would refuse to make); and, given ``overdue_department_id``, the
    second course to that department, due twelve days ago (overdue for a whole group, so that
    readers who see only groups of at least five people see overdue figures too).
    Idempotent. Returns the number of assignments."""
    from datetime import timedelta

    from django.utils import timezone

    from courses.models import Assignment

    today = timezone.localdate()
    wanted = [
        ({"course_id": course_ids[0], "department_id": department_id}, today + timedelta(days=10)),
        ({"course_id": course_ids[1], "user_id": user_id}, today - timedelta(days=5)),
    ]
    if overdue_department_id is not None:
        wanted.append(
            ({"course_id": course_ids[1], "department_id": overdue_department_id}, today - timedelta(days=12))
        )
    for target, due_date in wanted:
        Assignment.objects.get_or_create(**target, defaults={"due_date": due_date, "assigned_by_id": assigned_by_id})
    return len(wanted)


def demo_completions_backdate(*, course_id: int, completed_days_ago: dict[int, int]) -> int:
    """Demo history for the HR overview's weekly chart: each user of ``completed_days_ago``
    (user id → days) gets the course completed that many days ago, every live lesson read,
    enrolled four days before. Written directly, dates in the past (the services stamp now);
    no signal is sent, so nothing is issued. Idempotent: a user already enrolled in the course
    is left as they are. Returns the number of enrolments made."""
    from datetime import timedelta

    from django.utils import timezone

    from courses.models import Enrollment, LessonProgress

    now = timezone.now()
    course = CoursePage.objects.get(pk=course_id)
    lessons = list(selectors.course_lessons(course))
    enrolled = set(
        Enrollment.objects.filter(course=course, user_id__in=completed_days_ago).values_list("user_id", flat=True)
    )
    made = 0
    for user_id, days in completed_days_ago.items():
        if user_id in enrolled:
            continue
        completed_at = now - timedelta(days=days)
        enrollment = Enrollment.objects.create(user_id=user_id, course=course, completed_at=completed_at)
        Enrollment.objects.filter(pk=enrollment.pk).update(enrolled_at=completed_at - timedelta(days=4))
        for lesson in lessons:
            progress, _created = LessonProgress.objects.get_or_create(user_id=user_id, lesson=lesson)
            LessonProgress.objects.filter(pk=progress.pk).update(completed_at=completed_at - timedelta(days=1))
        made += 1
    return made
