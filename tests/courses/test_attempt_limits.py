"""``attempt_start``'s own rules: the attempt limit, and one attempt in progress at a time."""

import pytest

from courses import services
from courses.models import Attempt
from courses.services import QuizError
from tests.factories.answers import route, wrong_answers


def _fail(quiz, user) -> Attempt:
    attempt = services.attempt_start(user=user, quiz=quiz)
    return services.attempt_submit(attempt=attempt, data=wrong_answers(attempt))


def _numbers(quiz, user) -> list[int]:
    return list(
        Attempt.objects.filter(user=user, quiz=quiz).order_by("attempt_no").values_list("attempt_no", flat=True)
    )


@pytest.mark.parametrize("limit", [2, 3])
def test_the_last_allowed_attempt_starts(limit, quiz_factory, employee):
    # given: every attempt but one used
    quiz = quiz_factory(max_attempts=limit)
    for _ in range(limit - 1):
        _fail(quiz, employee)

    # when
    attempt = services.attempt_start(user=employee, quiz=quiz)

    # then
    assert (attempt.attempt_no, attempt.status) == (limit, Attempt.Status.IN_PROGRESS)


@pytest.mark.parametrize("limit", [2, 3])
def test_one_attempt_more_than_the_limit_is_refused(limit, quiz_factory, employee):
    # given: every attempt used
    quiz = quiz_factory(max_attempts=limit)
    for _ in range(limit):
        _fail(quiz, employee)

    # when
    with pytest.raises(QuizError) as refused:
        services.attempt_start(user=employee, quiz=quiz)

    # then: refused, and nothing created
    assert (refused.value.code, refused.value.status) == ("attempt_limit_reached", 409)
    assert _numbers(quiz, employee) == list(range(1, limit + 1))


@pytest.mark.parametrize("limit", [2, 3])
def test_the_start_form_is_answered_409_once_the_limit_is_reached(limit, quiz_factory, employee, employee_client):
    # given
    quiz = quiz_factory(max_attempts=limit)
    for _ in range(limit):
        _fail(quiz, employee)

    # when
    response = employee_client.post(route(quiz, "start"))
    landing = employee_client.get(quiz.url)

    # then
    assert response.status_code == 409
    assert response.context["code"] == "attempt_limit_reached"
    assert landing.context["attempts_remaining"] == 0
    assert route(quiz, "start").encode() not in landing.content
    assert _numbers(quiz, employee) == list(range(1, limit + 1))


def test_someone_elses_attempts_do_not_count(quiz_factory, employee, other_employee):
    # given: the other employee used both attempts
    quiz = quiz_factory(max_attempts=2)
    _fail(quiz, other_employee)
    _fail(quiz, other_employee)

    # when
    attempt = services.attempt_start(user=employee, quiz=quiz)

    # then
    assert attempt.attempt_no == 1


def test_no_limit_means_no_limit(quiz_factory, employee):
    # given
    quiz = quiz_factory(max_attempts=0)
    for _ in range(5):
        _fail(quiz, employee)

    # when
    attempt = services.attempt_start(user=employee, quiz=quiz)

    # then
    assert attempt.attempt_no == 6


@pytest.mark.parametrize("limit", [2, 3])
def test_starting_again_returns_the_attempt_in_progress_even_on_the_last_one(limit, quiz_factory, employee):
    # given: the last allowed attempt is in progress
    quiz = quiz_factory(max_attempts=limit)
    for _ in range(limit - 1):
        _fail(quiz, employee)
    current = services.attempt_start(user=employee, quiz=quiz)

    # when: a second tab, a double click
    again = services.attempt_start(user=employee, quiz=quiz)

    # then: the same attempt, not a new one and not "limit reached"
    assert (again.pk, again.attempt_no) == (current.pk, limit)
    assert _numbers(quiz, employee) == list(range(1, limit + 1))
    assert Attempt.objects.filter(user=employee, quiz=quiz, status=Attempt.Status.IN_PROGRESS).count() == 1


def test_the_start_form_posted_twice_leads_to_the_same_attempt(quiz_factory, employee, employee_client):
    # given
    quiz = quiz_factory(max_attempts=3)

    # when
    first = employee_client.post(route(quiz, "start"))
    second = employee_client.post(route(quiz, "start"))

    # then
    attempt = Attempt.objects.get(user=employee, quiz=quiz)
    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] == second["Location"] == route(quiz, "attempt", attempt)
