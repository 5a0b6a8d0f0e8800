"""Concurrent requests: the attempt limit, double submit, lesson progress, and no "database
is locked" for the user at this concurrency.

Real threads and real commits (``transaction=True``), through the HTTP routes. Run on the
SQLite file database and, with ``DATABASE_URL`` pointing at PostgreSQL, on PostgreSQL.
"""

import json

import pytest
from django.test import Client

from courses.models import Attempt, AttemptAnswer, Enrollment, LessonProgress
from tests.factories.answers import correct_answers, route, wrong_answers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

THREADS = 10


def logged_in_clients(user, n: int) -> list[Client]:
    """One client per thread, signed in beforehand (a session row per client)."""
    clients = []
    for _ in range(n):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def test_parallel_starts_with_one_attempt_allowed_create_one_attempt(quiz_factory, employee, run_concurrently):
    # given
    quiz = quiz_factory(types=["single_choice", "true_false"], max_attempts=1)
    clients = logged_in_clients(employee, THREADS)

    # when
    responses = run_concurrently(THREADS, lambda i: clients[i].post(route(quiz, "start")))

    # then: one attempt; every request is sent to it or told the limit is reached
    attempts = list(Attempt.objects.filter(user=employee))
    assert len(attempts) == 1
    assert Enrollment.objects.filter(user=employee).count() == 1
    outcomes = set()
    for response in responses:
        assert not isinstance(response, Exception), response
        if response.status_code == 302:
            assert response["Location"] == route(quiz, "attempt", attempts[0])
            outcomes.add("same attempt")
        else:
            assert (response.status_code, response.context["code"]) == (409, "attempt_limit_reached")
            outcomes.add("limit reached")
    assert "same attempt" in outcomes


def test_parallel_starts_with_attempts_left_create_one_attempt_in_progress(quiz_factory, employee, run_concurrently):
    # given: attempts left, so the losers may get the winner's attempt or a conflict, never a second one
    quiz = quiz_factory(types=["single_choice"], max_attempts=5)
    clients = logged_in_clients(employee, THREADS)

    # when
    responses = run_concurrently(THREADS, lambda i: clients[i].post(route(quiz, "start")))

    # then
    attempts = list(Attempt.objects.filter(user=employee))
    assert [(a.attempt_no, a.status) for a in attempts] == [(1, "in_progress")]
    for response in responses:
        assert not isinstance(response, Exception), response
        assert response.status_code in (302, 409)
        if response.status_code == 302:
            assert response["Location"] == route(quiz, "attempt", attempts[0])
        else:
            assert response.context["code"] in {"attempt_conflict", "attempt_limit_reached"}


def test_parallel_submits_grade_once_and_complete_once(quiz_factory, employee, run_concurrently, course_completions):
    # given: a passing set of answers, submitted from 10 tabs at once
    from courses import services

    quiz = quiz_factory(types=["single_choice", "multiple_choice", "ordering"])
    attempt = services.attempt_start(user=employee, quiz=quiz)
    post = {**correct_answers(attempt), "action": "submit"}
    clients = logged_in_clients(employee, THREADS)

    # when
    responses = run_concurrently(THREADS, lambda i: clients[i].post(route(quiz, "attempt", attempt), post))

    # then: every tab is sent to the one result
    for response in responses:
        assert not isinstance(response, Exception), response
        assert (response.status_code, response["Location"]) == (302, route(quiz, "attempt_result", attempt))
    graded = Attempt.objects.get(pk=attempt.pk)
    assert (graded.status, graded.score, graded.passed) == ("submitted", 100, True)
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 3
    assert Attempt.objects.filter(user=employee).count() == 1
    assert course_completions == [(employee.pk, quiz.course_page.pk)]
    assert Enrollment.objects.get(user=employee).completed_at is not None


def test_saves_racing_a_submit_never_change_a_finished_attempt(quiz_factory, employee, run_concurrently):
    # given: 5 tabs autosave wrong answers while 5 submit the right ones
    from courses import services

    quiz = quiz_factory(types=["single_choice", "true_false"])
    attempt = services.attempt_start(user=employee, quiz=quiz)
    right, wrong = correct_answers(attempt), wrong_answers(attempt)
    clients = logged_in_clients(employee, THREADS)

    def act(i):
        if i % 2:
            return clients[i].post(route(quiz, "attempt", attempt), {**right, "action": "submit"})
        return clients[i].post(
            route(quiz, "attempt_save", attempt), json.dumps({"answers": wrong}), content_type="application/json"
        )

    # when
    responses = run_concurrently(THREADS, act)

    # then: the grade matches the answers stored, none of which was written after the end
    graded = Attempt.objects.get(pk=attempt.pk)
    answers = list(AttemptAnswer.objects.filter(attempt=attempt))
    assert graded.status == "submitted"
    assert all(answer.saved_at <= graded.finished_at for answer in answers)
    assert graded.score == (100 if all(a.response == right[f"q{a.position}"][0] for a in answers) else 0)
    for i, response in enumerate(responses):
        assert not isinstance(response, Exception), response
        if i % 2:
            assert response.status_code in (302, 409)
        else:
            assert response.status_code in (200, 409)
            if response.status_code == 409:
                assert response.json()["error"]["code"] == "attempt_already_submitted"


def test_parallel_lesson_completion_records_one_progress_row(quiz_factory, employee, run_concurrently):
    # given
    quiz = quiz_factory(types=["single_choice"], lessons=2)
    lesson = quiz.lesson_pages[0]
    clients = logged_in_clients(employee, THREADS)

    # when
    responses = run_concurrently(THREADS, lambda i: clients[i].post(lesson.url + lesson.reverse_subpage("complete")))

    # then
    for response in responses:
        assert not isinstance(response, Exception), response
        assert (response.status_code, response["Location"]) == (302, quiz.lesson_pages[1].url)
    assert list(LessonProgress.objects.filter(user=employee).values_list("lesson_id", flat=True)) == [lesson.pk]
    assert Enrollment.objects.filter(user=employee).count() == 1


def test_completing_the_last_lesson_in_parallel_completes_the_course_once(
    quiz_factory, employee, run_concurrently, course_completions
):
    # given: the quiz is passed; only the lesson is left
    from courses import services

    quiz = quiz_factory(types=["single_choice"], lessons=1)
    attempt = services.attempt_start(user=employee, quiz=quiz)
    services.attempt_submit(attempt=attempt, data=correct_answers(attempt))
    assert course_completions == []
    lesson = quiz.lesson_pages[0]
    clients = logged_in_clients(employee, THREADS)

    # when
    responses = run_concurrently(THREADS, lambda i: clients[i].post(lesson.url + lesson.reverse_subpage("complete")))

    # then
    assert all(not isinstance(r, Exception) and r.status_code == 302 for r in responses), responses
    assert course_completions == [(employee.pk, quiz.course_page.pk)]
    assert LessonProgress.objects.filter(user=employee).count() == 1
