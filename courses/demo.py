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
