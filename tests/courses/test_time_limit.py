"""Time limits hold on the server clock, on every path."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings

from courses import services, tasks
from courses.models import Attempt, AttemptAnswer
from tests.factories.answers import correct_answers, route, wrong_answers

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LIMIT = timedelta(minutes=10)
GRACE = timedelta(seconds=settings.QUIZ_DEADLINE_GRACE_SECONDS)


def at(delta: timedelta):
    return time_machine.travel(T0 + delta, tick=False)


def save(client, quiz, attempt, answers):
    return client.post(
        route(quiz, "attempt_save", attempt), json.dumps({"answers": answers}), content_type="application/json"
    )


def stored(attempt) -> dict:
    return dict(AttemptAnswer.objects.filter(attempt=attempt).values_list("position", "response"))


@pytest.fixture
def timed_quiz(quiz_factory):
    return quiz_factory(
        types=["single_choice", "true_false"], time_limit_minutes=10, max_attempts=1, pass_mark=Decimal("50")
    )


@pytest.fixture
def timed_attempt(timed_quiz, employee):
    with at(timedelta(0)):
        return services.attempt_start(user=employee, quiz=timed_quiz)


def test_the_deadline_is_set_by_the_server_at_start(timed_attempt):
    # then
    assert (timed_attempt.started_at, timed_attempt.deadline) == (T0, T0 + LIMIT)


def test_writes_until_the_deadline_plus_grace_are_kept(timed_quiz, timed_attempt, employee_client):
    # given
    right = correct_answers(timed_attempt)

    # when
    with at(timedelta(minutes=5)):
        early = save(employee_client, timed_quiz, timed_attempt, {"q0": right["q0"]})
    with at(LIMIT + GRACE):
        last_moment = save(employee_client, timed_quiz, timed_attempt, {"q1": right["q1"]})

    # then
    assert (early.status_code, last_moment.status_code) == (200, 200)
    assert stored(timed_attempt) == {0: right["q0"][0], 1: right["q1"][0]}


@pytest.mark.parametrize("path", ["json_save", "form_save", "form_submit"])
def test_writes_after_the_deadline_are_refused_and_not_stored(path, timed_quiz, timed_attempt, employee_client):
    # given: q0 answered right in time, q1 answered wrong in time
    right, wrong = correct_answers(timed_attempt), wrong_answers(timed_attempt)
    with at(timedelta(minutes=5)):
        services.attempt_save_answers(attempt=timed_attempt, data={"q0": right["q0"], "q1": wrong["q1"]})

    # when: one microsecond after the grace period, the learner tries to fix q1
    with at(LIMIT + GRACE + timedelta(microseconds=1)):
        if path == "json_save":
            response = save(employee_client, timed_quiz, timed_attempt, {"q1": right["q1"]})
            code = response.json()["error"]["code"]
        else:
            action = "save" if path == "form_save" else "submit"
            response = employee_client.post(
                route(timed_quiz, "attempt", timed_attempt), {"q1": right["q1"], "action": action}
            )
            code = response.context["code"]

    # then
    assert (response.status_code, code) == (409, "attempt_time_expired")
    assert stored(timed_attempt) == {0: right["q0"][0], 1: wrong["q1"][0]}


def test_a_late_submit_closes_the_attempt_with_the_answers_saved_in_time(timed_quiz, timed_attempt, employee_client):
    # given
    right = correct_answers(timed_attempt)
    with at(timedelta(minutes=3)):
        services.attempt_save_answers(attempt=timed_attempt, data={"q0": right["q0"]})

    # when
    with at(timedelta(minutes=12)):
        response = employee_client.post(route(timed_quiz, "attempt", timed_attempt), {**right, "action": "submit"})

    # then: graded on q0 only (1 of 2), closed at the time of the request
    assert response.status_code == 409
    attempt = Attempt.objects.get(pk=timed_attempt.pk)
    assert (attempt.status, attempt.score, attempt.passed, attempt.finished_at) == (
        "timed_out",
        Decimal("50.00"),
        True,
        T0 + timedelta(minutes=12),
    )
    assert stored(timed_attempt) == {0: right["q0"][0]}


def test_the_client_clock_and_forged_times_are_ignored(timed_quiz, timed_attempt, employee_client):
    # given: a client claiming an earlier time, in a header and in form fields
    right = correct_answers(timed_attempt)

    # when
    with at(timedelta(minutes=11)):
        response = employee_client.post(
            route(timed_quiz, "attempt", timed_attempt),
            {**right, "action": "save", "now": T0.isoformat(), "deadline": (T0 + timedelta(hours=5)).isoformat()},
            HTTP_DATE="Mon, 02 Mar 2026 09:01:00 GMT",
        )

    # then
    assert (response.status_code, response.context["code"]) == (409, "attempt_time_expired")
    assert stored(timed_attempt) == {}
    assert Attempt.objects.get(pk=timed_attempt.pk).deadline == T0 + LIMIT


def test_coming_back_before_the_deadline_does_not_extend_it(timed_quiz, timed_attempt, employee, employee_client):
    # given: the learner leaves after 4 minutes and comes back
    # when
    with at(timedelta(minutes=8)):
        page = employee_client.get(route(timed_quiz, "attempt", timed_attempt))
        restart = employee_client.post(route(timed_quiz, "start"))

    # then: same attempt, same deadline
    assert page.status_code == 200
    assert (restart.status_code, restart["Location"]) == (302, route(timed_quiz, "attempt", timed_attempt))
    assert list(Attempt.objects.filter(user=employee).values_list("deadline", flat=True)) == [T0 + LIMIT]


def test_coming_back_after_the_deadline_shows_the_result_graded_on_time(timed_quiz, timed_attempt, employee_client):
    # given: q0 answered right before leaving
    right = correct_answers(timed_attempt)
    with at(timedelta(minutes=2)):
        services.attempt_save_answers(attempt=timed_attempt, data={"q0": right["q0"]})

    # when: the learner comes back half an hour later
    with at(timedelta(minutes=30)):
        page = employee_client.get(route(timed_quiz, "attempt", timed_attempt))
        late_save = save(employee_client, timed_quiz, timed_attempt, right)
        result = employee_client.get(route(timed_quiz, "attempt_result", timed_attempt))

    # then
    assert (page.status_code, page["Location"]) == (302, route(timed_quiz, "attempt_result", timed_attempt))
    assert (late_save.status_code, late_save.json()["error"]["code"]) == (409, "attempt_time_expired")
    assert result.status_code == 200
    attempt = Attempt.objects.get(pk=timed_attempt.pk)
    assert (attempt.status, attempt.score) == ("timed_out", Decimal("50.00"))
    assert stored(timed_attempt) == {0: right["q0"][0]}


def test_starting_again_after_the_deadline_does_not_reopen_the_attempt(
    timed_quiz, timed_attempt, employee, employee_client
):
    # given: one attempt allowed, q0 saved in time
    right = correct_answers(timed_attempt)
    with at(timedelta(minutes=2)):
        services.attempt_save_answers(attempt=timed_attempt, data={"q0": right["q0"]})

    # when
    with at(timedelta(minutes=30)):
        response = employee_client.post(route(timed_quiz, "start"))

    # then: refused, and the expired attempt is closed with what was saved in time
    assert (response.status_code, response.context["code"]) == (409, "attempt_limit_reached")
    attempts = list(Attempt.objects.filter(user=employee).values_list("attempt_no", "status", "score"))
    assert attempts == [(1, "timed_out", Decimal("50.00"))]


def test_starting_again_after_the_deadline_gives_a_new_attempt_with_its_own_clock(
    quiz_factory, employee, employee_client
):
    # given: two attempts allowed
    quiz = quiz_factory(types=["single_choice"], time_limit_minutes=10, max_attempts=2)
    with at(timedelta(0)):
        first = services.attempt_start(user=employee, quiz=quiz)

    # when
    with at(timedelta(minutes=30)):
        response = employee_client.post(route(quiz, "start"))

    # then
    second = Attempt.objects.get(user=employee, attempt_no=2)
    assert (response.status_code, response["Location"]) == (302, route(quiz, "attempt", second))
    assert (second.started_at, second.deadline) == (T0 + timedelta(minutes=30), T0 + timedelta(minutes=40))
    assert Attempt.objects.get(pk=first.pk).status == "timed_out"


def test_the_sweeper_closes_expired_attempts_with_the_answers_saved_in_time(quiz_factory, employee, other_employee):
    # given: an expired attempt with q0 right, one still in its grace period, one without limit
    timed = quiz_factory(types=["single_choice", "true_false"], time_limit_minutes=10)
    untimed = quiz_factory(types=["single_choice"])
    with at(timedelta(0)):
        expired = services.attempt_start(user=employee, quiz=timed)
        services.attempt_save_answers(attempt=expired, data={"q0": correct_answers(expired)["q0"]})
        no_limit = services.attempt_start(user=employee, quiz=untimed)
    with at(timedelta(seconds=10)):
        in_grace = services.attempt_start(user=other_employee, quiz=timed)

    # when
    with at(LIMIT + GRACE + timedelta(seconds=5)):
        closed = tasks.attempt_close_expired_task.delay().get()
        closed_again = services.attempt_close_expired()

    # then
    assert (closed, closed_again) == (1, 0)
    states = {a.pk: (a.status, a.score) for a in Attempt.objects.all()}
    assert states == {
        expired.pk: ("timed_out", Decimal("50.00")),
        in_grace.pk: ("in_progress", None),
        no_limit.pk: ("in_progress", None),
    }
    assert dict(AttemptAnswer.objects.filter(attempt=expired).values_list("position", "credit")) == {0: Decimal("1")}


def test_the_sweeper_does_not_touch_submitted_attempts(timed_quiz, timed_attempt):
    # given
    with at(timedelta(minutes=1)):
        submitted = services.attempt_submit(attempt=timed_attempt, data=correct_answers(timed_attempt))

    # when
    with at(timedelta(hours=1)):
        closed = services.attempt_close_expired()

    # then
    assert closed == 0
    again = Attempt.objects.get(pk=timed_attempt.pk)
    assert (again.status, again.score, again.finished_at) == ("submitted", submitted.score, T0 + timedelta(minutes=1))


def test_the_attempt_page_renders_the_servers_deadline_for_the_countdown(timed_quiz, timed_attempt, employee_client):
    # when the learner opens the attempt five minutes in (Europe/Paris: UTC+1 in March)
    with at(timedelta(minutes=5)):
        page = employee_client.get(route(timed_quiz, "attempt", timed_attempt)).content.decode()

    # then the deadline is readable without a script as a clock time, and given to the script
    assert "Submit before <strong>10:10</strong>." in page
    assert "(server time when this page was loaded: 10:05)" in page
    assert 'data-deadline="2026-03-02T10:10:00+01:00"' in page
    assert 'data-server-now="2026-03-02T10:05:00+01:00"' in page
    # and the script has the words for "the server is grading" in the reader's language
    assert 'data-msg-grading="Your answers are being graded. Please wait: this page will show your result."' in page
    assert '<p class="quiz__status" data-save-status role="status" aria-live="polite"></p>' in page


def test_an_untimed_attempt_page_has_no_deadline(quiz_factory, employee, employee_client):
    # given
    quiz = quiz_factory(types=["single_choice"])
    attempt = services.attempt_start(user=employee, quiz=quiz)
    # when
    page = employee_client.get(route(quiz, "attempt", attempt)).content.decode()
    # then
    assert "data-deadline" not in page
    assert "Submit before" not in page
    assert "data-countdown" not in page
