"""/me/: the courses a learner is enrolled in, with their progress, and their quiz attempts,
each linking to the course, the quiz, and the attempt to continue or its result."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from courses import services
from courses.models import LessonProgress
from tests.factories.answers import correct_answers, route, wrong_answers

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PARIS = ZoneInfo("Europe/Paris")
# For /me/, whatever the number of courses and attempts (one of them finds the programme whose
# first unfinished course is the next step of a learner without a certificate; six are the
# advocacy card: the gate and programme settings, points, badges and preferences; one reads the
# courses assigned to the learner).
QUERIES = 24


def section_html(response, name: str) -> str:
    """The HTML of the section labelled ``name``."""
    match = re.search(
        rf'<section class="section" aria-labelledby="{name}">(.*?)</section>', response.content.decode(), re.S
    )
    assert match is not None, name
    return match.group(1)


def section(response, name: str) -> str:
    """The HTML of the section labelled ``name``, its whitespace collapsed."""
    return " ".join(section_html(response, name).split())


def course_cards(response) -> list[tuple[str, str, str, str, str]]:
    """(link, title, badge, progress value, meta) per enrolment card."""
    cards = re.findall(
        r'<h3 class="progress-card__title"><a href="([^"]*)">([^<]*)</a></h3>\s*'
        r'<span class="badge[^"]*">([^<]*)</span>.*?'
        r'<span class="progress__value">([^<]*)</span>.*?'
        r'<p class="progress-card__meta muted small">(.*?)</p>',
        response.content.decode(),
        re.S,
    )
    return [(url, title, badge, value, " ".join(meta.split())) for url, title, badge, value, meta in cards]


def attempt_rows(response) -> list[tuple[str, ...]]:
    """(quiz link, quiz title, number, status, score, result link, result label) per row."""
    return re.findall(
        r'<tr>\s*<th scope="row"[^>]*><a href="([^"]*)">([^<]*)</a></th>\s*'
        r"<td[^>]*>([^<]*)</td>\s*<td[^>]*><time[^>]*>[^<]*</time></td>\s*<td[^>]*>([^<]*)</td>\s*"
        r'<td class="num"[^>]*>([^<]*)</td>\s*<td[^>]*>\s*<a[^>]* href="([^"]*)">([^<]*)</a>',
        section_html(response, "my-attempts"),
        re.S,
    )


@pytest.fixture
def learner(quiz_factory, employee):
    """Three courses: one completed (quiz passed), one with every lesson read and a failed
    attempt then one in progress, one just started."""
    done = quiz_factory(types=["single_choice"], lessons=1, title="Final quiz")
    done.course_page.title = "Basics"
    done.course_page.save_revision().publish()
    with time_machine.travel(datetime(2026, 3, 2, 9, 30, tzinfo=PARIS), tick=False):
        LessonProgress.objects.create(user=employee, lesson=done.lesson_pages[0])
        passed = services.attempt_start(user=employee, quiz=done)
        services.attempt_submit(attempt=passed, data=correct_answers(passed))
        services.enrollment_check_completion(user=employee, course=done.course_page)
    open_quiz = quiz_factory(types=["single_choice"], lessons=2, title="Check")
    with time_machine.travel(datetime(2026, 3, 3, 10, 0, tzinfo=PARIS), tick=False):
        for lesson in open_quiz.lesson_pages:
            services.lesson_complete(user=employee, lesson=lesson)
        failed = services.attempt_start(user=employee, quiz=open_quiz)
        services.attempt_submit(attempt=failed, data=wrong_answers(failed))
    with time_machine.travel(datetime(2026, 3, 4, 11, 0, tzinfo=PARIS), tick=False):
        in_progress = services.attempt_start(user=employee, quiz=open_quiz)
    started = quiz_factory(types=["single_choice"], lessons=3)
    with time_machine.travel(datetime(2026, 3, 5, 12, 0, tzinfo=PARIS), tick=False):
        services.lesson_complete(user=employee, lesson=started.lesson_pages[0])
    return done, passed, open_quiz, failed, in_progress, started


def test_the_enrolled_courses_show_their_progress_most_recent_first(learner, employee_client):
    # given
    done, _passed, open_quiz, _failed, _in_progress, started = learner

    # when
    response = employee_client.get("/me/", **EN)

    # then
    assert response.status_code == 200
    assert course_cards(response) == [
        (started.course_page.url, started.course_page.title, "In progress", "25%", "Lessons read: 1 of 3"),
        (
            open_quiz.course_page.url,
            open_quiz.course_page.title,
            "In progress",
            "66%",
            "Lessons read: 2 of 2 · the quiz is left",
        ),
        (done.course_page.url, "Basics", "Completed", "100%", "Lessons read: 1 of 1 · completed on 2 March 2026"),
    ]
    assert "You have completed 1 course." in response.content.decode()


def test_the_attempts_link_to_the_attempt_to_continue_or_to_their_result(learner, employee_client):
    # given
    done, passed, open_quiz, failed, in_progress, _started = learner

    # when
    response = employee_client.get("/me/", **EN)

    # then
    assert attempt_rows(response) == [
        (open_quiz.url, "Check", "2", "In progress", "—", route(open_quiz, "attempt", in_progress), "Continue"),
        (open_quiz.url, "Check", "1", "Submitted", "0%", route(open_quiz, "attempt_result", failed), "Not passed"),
        (done.url, "Final quiz", "1", "Submitted", "100%", route(done, "attempt_result", passed), "Passed"),
    ]


def test_a_learner_with_nothing_yet_is_sent_to_the_catalogue(employee_client):
    # when
    response = employee_client.get("/me/", **EN)

    # then
    assert section(response, "my-courses") == (
        '<h2 id="my-courses">My courses</h2> <div class="empty"> <p>You are not enrolled in any course yet.</p> '
        '<p><a class="button" href="/courses/">Browse the courses</a></p> </div>'
    )
    assert section(response, "my-attempts") == (
        '<h2 id="my-attempts">My quiz attempts</h2> <p class="muted">No quiz attempt yet.</p>'
    )


def test_the_dashboard_queries_do_not_grow_with_courses_and_attempts(
    learner, quiz_factory, employee, employee_client, django_assert_num_queries
):
    # given: three courses and three attempts, then three more of each
    cache.clear()
    employee_client.get("/me/", **EN)
    with django_assert_num_queries(QUERIES):
        employee_client.get("/me/", **EN)
    for _ in range(3):
        quiz = quiz_factory(types=["single_choice"], lessons=1)
        services.attempt_start(user=employee, quiz=quiz)

    # when / then
    with django_assert_num_queries(QUERIES):
        response = employee_client.get("/me/", **EN)
    assert len(attempt_rows(response)) == 6
