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
    *, course_ids: list[int], department_id: int, user_id: int, assigned_by_id: int | None
) -> int:
    """Two demo assignments, so that the training report and /me/ show them: the first course
    to a department, due in ten days; the second to a person, due five days ago (overdue, which
    ``assignments_create`` would refuse to make). Idempotent. Returns the number of assignments."""
    from datetime import timedelta

    from django.utils import timezone

    from courses.models import Assignment

    today = timezone.localdate()
    wanted = [
        ({"course_id": course_ids[0], "department_id": department_id}, today + timedelta(days=10)),
        ({"course_id": course_ids[1], "user_id": user_id}, today - timedelta(days=5)),
    ]
    for target, due_date in wanted:
        Assignment.objects.get_or_create(**target, defaults={"due_date": due_date, "assigned_by_id": assigned_by_id})
    return len(wanted)
