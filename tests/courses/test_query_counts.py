"""The number of SQL queries of learner pages does not grow with the content (DESIGN
performance budgets): catalogue 5 → 50 courses, course and lesson pages 2 → 10 lessons, quiz
pages and submit 5 → 40 questions."""

import json
from collections import Counter

import pytest
import wagtail_factories
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag
from wagtail.signal_handlers import disable_reference_index_auto_update

from courses import services
from courses.models import LessonProgress
from tests.factories.answers import correct_answers, route
from tests.factories.courses import CoursePageFactory, LessonPageFactory

ALL_TYPES = ["single_choice", "multiple_choice", "true_false", "ordering", "post_scenario"]


def measure(fn) -> tuple[int, list[str]]:
    cache.clear()  # Wagtail keeps site root paths in the cache; both sizes start cold
    with CaptureQueriesContext(connection) as queries:
        response = fn()
    assert response.status_code in (200, 302), response
    return len(queries), [q["sql"] for q in queries.captured_queries]


def assert_same_count(small, large):
    (small_count, small_sql), (large_count, large_sql) = small, large
    extra = Counter(large_sql) - Counter(small_sql)
    assert large_count <= small_count, f"{large_count} > {small_count} queries; repeated: {list(extra.items())[:5]}"


@pytest.fixture
def build_catalogue(course_index, employee):
    def build(n: int) -> None:
        with disable_reference_index_auto_update():
            tags = [Tag.objects.get_or_create(name=name, slug=name)[0] for name in ("ethics", "linkedin")]
            for _ in range(n):
                course = CoursePageFactory(parent=course_index, cover_image=wagtail_factories.ImageFactory())
                course.tags.add(*tags)
                course.save()
                lesson = LessonPageFactory(parent=course)
                LessonProgress.objects.create(user=employee, lesson=lesson)
                services.enrollment_ensure(user=employee, course=course)

    return build


@pytest.mark.slow
def test_catalogue_queries_do_not_grow_with_courses(build_catalogue, employee_client):
    # given / when: 5 courses, then 50 (two pages of 24); a first visit renders the covers
    build_catalogue(5)
    employee_client.get("/courses/")
    small = measure(lambda: employee_client.get("/courses/"))
    build_catalogue(45)
    employee_client.get("/courses/")
    large = measure(lambda: employee_client.get("/courses/"))

    # then
    assert_same_count(small, large)


def _course_with_lessons(quiz_factory, employee, lessons: int):
    quiz = quiz_factory(types=["single_choice"], lessons=lessons)
    for lesson in quiz.lesson_pages[: lessons // 2]:
        LessonProgress.objects.create(user=employee, lesson=lesson)
    services.enrollment_ensure(user=employee, course=quiz.course_page)
    return quiz


def test_course_page_queries_do_not_grow_with_lessons(quiz_factory, employee, employee_client):
    # given
    small_quiz = _course_with_lessons(quiz_factory, employee, 2)
    large_quiz = _course_with_lessons(quiz_factory, employee, 10)

    # when
    small = measure(lambda: employee_client.get(small_quiz.course_page.url))
    large = measure(lambda: employee_client.get(large_quiz.course_page.url))

    # then
    assert_same_count(small, large)


def test_lesson_page_queries_do_not_grow_with_lessons(quiz_factory, employee, employee_client):
    # given
    small_quiz = _course_with_lessons(quiz_factory, employee, 2)
    large_quiz = _course_with_lessons(quiz_factory, employee, 10)

    # when
    small = measure(lambda: employee_client.get(small_quiz.lesson_pages[1].url))
    large = measure(lambda: employee_client.get(large_quiz.lesson_pages[1].url))

    # then
    assert_same_count(small, large)


@pytest.fixture
def quizzes(quiz_factory):
    """A quiz of 5 questions and one of 40, every question type in both."""
    return quiz_factory(types=ALL_TYPES), quiz_factory(types=ALL_TYPES * 8)


@pytest.mark.parametrize("page", ["landing", "take", "result", "review"])
def test_quiz_pages_queries_do_not_grow_with_questions(page, quizzes, employee, employee_client):
    # given
    urls = []
    for quiz in quizzes:
        attempt = services.attempt_start(user=employee, quiz=quiz)
        services.attempt_save_answers(attempt=attempt, data=correct_answers(attempt))
        if page in ("result", "review"):
            services.attempt_submit(attempt=attempt)
        urls.append(
            quiz.url if page == "landing" else route(quiz, f"attempt_{page}" if page != "take" else "attempt", attempt)
        )

    # when
    small, large = (measure(lambda url=url: employee_client.get(url)) for url in urls)

    # then
    assert_same_count(small, large)


def _write(client, quiz, action: str, employee):
    """The request of ``action`` on ``quiz``, ready to be measured."""
    if action == "start":
        return lambda: client.post(route(quiz, "start"))
    attempt = services.attempt_start(user=employee, quiz=quiz)
    answers = correct_answers(attempt)
    if action == "autosave":
        body = json.dumps({"answers": answers})
        return lambda: client.post(route(quiz, "attempt_save", attempt), body, content_type="application/json")
    return lambda: client.post(route(quiz, "attempt", attempt), {**answers, "action": action})


@pytest.mark.parametrize("action", ["start", "save", "submit", "autosave"])
def test_quiz_writes_queries_do_not_grow_with_questions(action, quizzes, employee, employee_client):
    # given
    small_quiz, large_quiz = quizzes
    small_call, large_call = (
        _write(employee_client, small_quiz, action, employee),
        _write(employee_client, large_quiz, action, employee),
    )

    # when
    small, large = measure(small_call), measure(large_call)

    # then
    assert_same_count(small, large)


def test_a_complete_submit_writes_the_answers_once_and_reads_none_back(quiz_factory, employee, employee_client):
    # given: an attempt on 40 questions, every one answered in the submitted form
    quiz = quiz_factory(types=ALL_TYPES * 8, pass_mark=100)
    submit = _write(employee_client, quiz, "submit", employee)
    attempt = services.attempt_start(user=employee, quiz=quiz)  # the one in progress

    # when
    _count, sql = measure(submit)

    # then: one upsert of answers with their credits, one status flip, no answer read back
    answer_sql = [q for q in sql if '"courses_attemptanswer"' in q]
    assert [q.split(" ", 1)[0] for q in answer_sql] == ["INSERT"]
    assert "ON CONFLICT" in answer_sql[0]
    assert sum(q.startswith('UPDATE "courses_attempt" ') for q in sql) == 1
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score) == ("submitted", 100)
