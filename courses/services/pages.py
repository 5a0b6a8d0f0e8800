"""Where a new page goes in a course: lessons before the quiz, as learners read them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from courses.models import LessonPage, QuizPage

if TYPE_CHECKING:
    from lms.people.models import User


@transaction.atomic
def lesson_place_before_quiz(*, lesson: LessonPage, user: User | None = None) -> bool:
    """Move ``lesson`` just before the first quiz of its course when it was added after it.

    Learners read the lessons in tree order and take the quiz last; the admin explorer lists a
    course's pages in tree order (``CoursePage.admin_default_ordering``): with the lesson moved,
    both read lesson 1, lesson 2, …, quiz. Writes the page tree (Wagtail's move, logged with
    ``user``). Idempotent: a lesson already before every quiz stays where it is. Returns whether
    the lesson moved.
    """
    course = lesson.get_parent()
    quiz = QuizPage.objects.child_of(course).filter(path__lt=lesson.path).order_by("path").first()
    if quiz is None:
        return False
    lesson.move(quiz, pos="left", user=user)
    return True
