"""The admin explorer lists a course's pages in the order learners meet them: lesson 1,
lesson 2, …, the quiz — not the latest edited first."""

import json
import re

from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from courses import services
from courses.models import LessonPage
from tests.factories.courses import LessonPageFactory

PARAGRAPH = {
    "blocks": [
        {
            "key": "a1b2c",
            "text": "Read me.",
            "type": "unstyled",
            "depth": 0,
            "inlineStyleRanges": [],
            "entityRanges": [],
            "data": {},
        }
    ],
    "entityMap": {},
}


def explorer_titles(client, course, titles):
    """The given titles in the order the explorer of ``course`` shows them."""
    response = client.get(reverse("wagtailadmin_explore", args=[course.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    positions = {title: [m.start() for m in re.finditer(re.escape(title), text)] for title in titles}
    assert all(positions.values()), positions
    return sorted(titles, key=lambda title: positions[title][0])


def test_the_explorer_lists_lessons_then_the_quiz_even_when_the_quiz_was_edited_last(quiz_factory, hr_editor_client):
    # given: two lessons, then the quiz, each saved after the one before (newest: the quiz)
    quiz = quiz_factory(lessons=2)
    first, second = quiz.lesson_pages
    first.title, second.title, quiz.title = "Lesson one", "Lesson two", "Final quiz of the course"
    for page in (first, second, quiz):
        page.save_revision().publish()

    # when
    order = explorer_titles(
        hr_editor_client, quiz.course_page, ["Final quiz of the course", "Lesson two", "Lesson one"]
    )

    # then
    assert order == ["Lesson one", "Lesson two", "Final quiz of the course"]


def test_a_lesson_added_after_the_quiz_goes_before_it(quiz_factory, hr_editor_client):
    # given: a course with a lesson and its quiz
    quiz = quiz_factory(lessons=1)
    course = quiz.course_page
    data = nested_form_data(
        {
            "title": "Lesson added later",
            "slug": "lesson-added-later",
            "intro": "",
            "estimated_minutes": "5",
            "body": streamfield([("paragraph", json.dumps(PARAGRAPH))]),
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )

    # when
    response = hr_editor_client.post(reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", course.pk]), data)

    # then: in the tree (what the explorer and the learners follow), before the quiz
    assert response.status_code == 302
    children = [
        page.specific_class.__name__ + ":" + page.slug for page in Page.objects.child_of(course).order_by("path")
    ]
    assert children == [
        f"LessonPage:{quiz.lesson_pages[0].slug}",
        "LessonPage:lesson-added-later",
        f"QuizPage:{quiz.slug}",
    ]


def test_a_lesson_already_before_the_quiz_stays_in_place(quiz_factory):
    # given
    quiz = quiz_factory(lessons=2)
    first = LessonPage.objects.get(pk=quiz.lesson_pages[0].pk)
    before = list(Page.objects.child_of(quiz.course_page).order_by("path").values_list("pk", flat=True))

    # when
    moved = services.lesson_place_before_quiz(lesson=first)

    # then
    assert moved is False
    assert list(Page.objects.child_of(quiz.course_page).order_by("path").values_list("pk", flat=True)) == before


def test_placing_a_lesson_twice_moves_it_once(quiz_factory):
    # given: a lesson created after the quiz, outside the admin
    quiz = quiz_factory(lessons=1)
    late = LessonPageFactory(parent=quiz.course_page, title="Late lesson")

    # when
    first = services.lesson_place_before_quiz(lesson=LessonPage.objects.get(pk=late.pk))
    second = services.lesson_place_before_quiz(lesson=LessonPage.objects.get(pk=late.pk))

    # then
    assert (first, second) == (True, False)
    assert list(Page.objects.child_of(quiz.course_page).order_by("path").values_list("pk", flat=True)) == [
        quiz.lesson_pages[0].pk,
        late.pk,
        quiz.pk,
    ]
