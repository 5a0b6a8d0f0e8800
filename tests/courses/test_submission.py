"""Writing answers: foreign ids (TESTPLAN 4), forged grading fields (5), the same policy on
every write path (7), double submit and replays (9), malformed input never a 500."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses import services, signals
from courses.models import Attempt, AttemptAnswer, CoursePage, QuizPage
from tests.factories.answers import correct_answers, route, wrong_answers

HYPOTHESIS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FORGED_FIELDS = {
    "score": "100",
    "passed": "true",
    "is_correct": "1",
    "credit": "1",
    "time_spent": "1",
    "status": "submitted",
    "attempt_no": "0",
    "deadline": "2999-01-01T00:00:00Z",
}

# --- the write paths of a running attempt (TESTPLAN 7) ---------------------------------------

WRITE_PATHS = {
    "form_save": ("attempt", "form", "save"),
    "form_submit": ("attempt", "form", "submit"),
    "json_save": ("attempt_save", "json", None),
}
# Routes that only read; a POST to them must not change anything.
READ_ROUTES = {"landing", "attempt_result", "attempt_review"}
# Write routes that take no attempt: starting one is covered by test_races and test_time_limit.
OTHER_WRITE_ROUTES = {"start"}


def write(client, quiz, path: str, attempt, answers: dict):
    route_name, kind, action = WRITE_PATHS[path]
    url = route(quiz, route_name, attempt)
    if kind == "form":
        return client.post(url, {**answers, "action": action})
    return client.post(url, json.dumps({"answers": answers}), content_type="application/json")


def error_code(response) -> str | None:
    if response["Content-Type"].startswith("application/json"):
        return response.json()["error"]["code"]
    context = response.context
    return context.get("code") if context is not None else None


def answers_state(attempt) -> list:
    return list(
        AttemptAnswer.objects.filter(attempt=attempt).order_by("position").values("position", "response", "saved_at")
    )


@pytest.fixture
def course_completions():
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    signals.course_completed.connect(receiver, weak=False)
    yield received
    signals.course_completed.disconnect(receiver)


@pytest.fixture
def two_question_attempt(quiz_factory, employee):
    quiz = quiz_factory(types=["single_choice", "multiple_choice"])
    return quiz, services.attempt_start(user=employee, quiz=quiz)


T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("path", sorted(WRITE_PATHS))
def test_every_write_path_stores_valid_answers(path, quiz_factory, employee, employee_client):
    # given
    quiz = quiz_factory(types=["single_choice", "ordering"])
    attempt = services.attempt_start(user=employee, quiz=quiz)

    # when
    response = write(employee_client, quiz, path, attempt, correct_answers(attempt))

    # then
    stored = {a["position"]: a["response"] for a in answers_state(attempt)}
    assert stored == {q["position"]: q["key"] for q in attempt.questions}
    attempt.refresh_from_db()
    if path == "form_submit":
        assert (response.status_code, response["Location"]) == (302, route(quiz, "attempt_result", attempt))
        assert (attempt.status, attempt.score, attempt.passed) == ("submitted", 100, True)
    elif path == "form_save":
        assert (response.status_code, response["Location"]) == (302, route(quiz, "attempt", attempt))
        assert attempt.status == "in_progress"
    else:
        assert (response.status_code, response.json()) == (200, {"saved": 2})
        assert attempt.status == "in_progress"


VIOLATIONS = {
    # name: (expected status, expected error code)
    "finished": (409, "attempt_already_submitted"),
    "expired": (409, "attempt_time_expired"),
    "other_user": (404, None),
    "quiz_unpublished": (404, None),
}


@pytest.mark.parametrize("path", sorted(WRITE_PATHS))
@pytest.mark.parametrize("violation", sorted(VIOLATIONS))
def test_every_write_path_enforces_the_same_policy(
    violation, path, quiz_factory, employee, employee_client, other_employee_client
):
    # given: an attempt with one answer saved in time
    quiz = quiz_factory(types=["single_choice", "true_false"], time_limit_minutes=10)
    with time_machine.travel(T0, tick=False):
        attempt = services.attempt_start(user=employee, quiz=quiz)
        services.attempt_save_answers(attempt=attempt, data={"q0": wrong_answers(attempt)["q0"]})
    client, at = employee_client, T0 + timedelta(minutes=1)
    if violation == "finished":
        with time_machine.travel(at, tick=False):
            services.attempt_submit(attempt=attempt)
    elif violation == "expired":
        at = T0 + timedelta(minutes=10, seconds=30)
    elif violation == "other_user":
        client = other_employee_client
    elif violation == "quiz_unpublished":
        quiz.unpublish()
    before = answers_state(attempt)
    status_before = Attempt.objects.get(pk=attempt.pk).status

    # when
    with time_machine.travel(at, tick=False):
        response = write(client, quiz, path, attempt, correct_answers(attempt))

    # then
    status, code = VIOLATIONS[violation]
    assert response.status_code == status
    if code is not None:
        assert error_code(response) == code
    if path == "json_save" and violation != "quiz_unpublished":
        assert response["Content-Type"] == "application/json"
    assert answers_state(attempt) == before
    attempt.refresh_from_db()
    if violation == "expired" and path == "form_submit":
        # the late submit closes the attempt with what was saved in time
        assert (attempt.status, attempt.score) == ("timed_out", 0)
    else:
        assert attempt.status == status_before


def test_the_write_table_covers_every_write_route(quiz_factory, employee, employee_client):
    # given: every route of the quiz page, each tried with a form POST and a JSON POST
    quiz = quiz_factory(types=["single_choice"], max_attempts=0)
    routes = {p.name: p for p in QuizPage.get_subpage_urls() if p.name != "index_route"}
    writing = set()

    # when
    for name, pattern in routes.items():
        for kind in ("form", "json"):
            attempt = services.attempt_start(user=employee, quiz=quiz)
            answers = correct_answers(attempt)
            before = (list(Attempt.objects.values()), list(AttemptAnswer.objects.values()))
            url = route(quiz, name, attempt) if "attempt_id" in pattern.pattern.converters else route(quiz, name)
            if kind == "form":
                employee_client.post(url, {**answers, "action": "save"})
            else:
                employee_client.post(url, json.dumps({"answers": answers}), content_type="application/json")
            if (list(Attempt.objects.values()), list(AttemptAnswer.objects.values())) != before:
                writing.add(name)
            Attempt.objects.filter(pk=attempt.pk).update(status="submitted")

    # then: every route is classified, and the ones that write are in the table
    table_routes = {route_name for route_name, _kind, _action in WRITE_PATHS.values()}
    assert set(routes) == READ_ROUTES | table_routes | OTHER_WRITE_ROUTES
    assert writing == table_routes
    assert not writing & READ_ROUTES


# --- TESTPLAN 4: foreign nested ids ------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(WRITE_PATHS))
@pytest.mark.parametrize("source", ["other_users_attempt", "other_quiz", "earlier_attempt"])
def test_tokens_of_another_attempt_are_refused(source, path, quiz_factory, employee, other_employee, employee_client):
    # given
    quiz = quiz_factory(types=["single_choice", "multiple_choice", "ordering"], max_attempts=0)
    if source == "other_users_attempt":
        foreign = services.attempt_start(user=other_employee, quiz=quiz)
    elif source == "other_quiz":
        foreign = services.attempt_start(
            user=employee, quiz=quiz_factory(types=["single_choice", "multiple_choice", "ordering"])
        )
    else:
        foreign = services.attempt_submit(attempt=services.attempt_start(user=employee, quiz=quiz))
    attempt = services.attempt_start(user=employee, quiz=quiz)
    foreign_answers = correct_answers(foreign)

    # when
    response = write(employee_client, quiz, path, attempt, foreign_answers)

    # then
    assert response.status_code == 400
    assert error_code(response) == "invalid_choice"
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 0
    assert Attempt.objects.get(pk=attempt.pk).status == "in_progress"


def test_one_foreign_answer_spoils_the_whole_save(quiz_factory, employee, other_employee, employee_client):
    # given: two valid answers and one token from someone else's attempt
    quiz = quiz_factory(types=["single_choice", "true_false", "multiple_choice"])
    attempt = services.attempt_start(user=employee, quiz=quiz)
    foreign = services.attempt_start(user=other_employee, quiz=quiz)
    answers = {**correct_answers(attempt), "q2": [foreign.questions[0]["options"][0]["token"]]}

    # when
    response = write(employee_client, quiz, "json_save", attempt, answers)

    # then: all or nothing
    assert (response.status_code, error_code(response)) == (400, "invalid_choice")
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 0


@pytest.mark.parametrize(
    "key",
    [
        "q2",
        "q-1",
        "q99999",
        "q" + "9" * 30,
        "q00",
        "q01",
        "q٠",
        "q²",
        "q1.0",
        "q 1",
        "Q0",
        "q",
        "0",
        "question0",
        "q0\x00",
    ],
)
@pytest.mark.parametrize("path", sorted(WRITE_PATHS))
def test_keys_that_name_no_question_are_refused(path, key, quiz_factory, employee, employee_client):
    # given: a quiz of two questions (q0, q1)
    quiz = quiz_factory(types=["single_choice", "true_false"])
    attempt = services.attempt_start(user=employee, quiz=quiz)
    token = attempt.questions[0]["options"][0]["token"]

    # when
    response = write(employee_client, quiz, path, attempt, {key: [token]})

    # then: refused, except on the form path, which reads q… fields only and ignores the rest
    if path == "json_save" or key.startswith("q"):
        assert (response.status_code, error_code(response)) == (400, "invalid_choice")
    else:
        assert response.status_code == 302
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 0


@HYPOTHESIS
@given(
    key=st.one_of(
        st.integers().map(lambda i: f"q{i}"),
        st.uuids().map(lambda u: f"q{u}"),
        st.text(min_size=0, max_size=12),
        st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=6).map(lambda t: f"q{t}"),
    ).filter(lambda k: k not in {"q0", "q1"}),
)
def test_any_other_key_is_refused_on_the_json_path(key, two_question_attempt, employee_client):
    # given
    quiz, attempt = two_question_attempt
    token = attempt.questions[0]["options"][0]["token"]

    # when
    response = write(employee_client, quiz, "json_save", attempt, {key: [token]})

    # then
    assert response.status_code == 400
    assert error_code(response) == "invalid_choice"
    assert AttemptAnswer.objects.count() == 0


@HYPOTHESIS
@given(
    values=st.lists(
        st.one_of(
            st.text(max_size=40),
            st.integers().map(str),
            st.uuids().map(str),
            st.sampled_from(["-1", "0", "1", "true", "null"]),
        ),
        min_size=1,
        max_size=5,
    ).filter(lambda vs: any(v != "" for v in vs)),
    path=st.sampled_from(sorted(WRITE_PATHS)),
)
def test_any_unknown_option_is_refused(values, path, two_question_attempt, employee_client, settings):
    # given (every example posts as the same learner: no rate limit here)
    settings.QUIZ_SUBMIT_RATE = "10000/m"
    quiz, attempt = two_question_attempt
    tokens = {o["token"] for q in attempt.questions for o in q["options"]}
    values = [v for v in values if v not in tokens and "\x00" not in v]
    if not [v for v in values if v]:
        values = ["not-a-token"]

    # when
    response = write(employee_client, quiz, path, attempt, {"q1": values})

    # then
    assert response.status_code == 400
    assert error_code(response) == "invalid_choice"
    assert AttemptAnswer.objects.count() == 0
    assert Attempt.objects.get(pk=attempt.pk).status == "in_progress"


@pytest.mark.parametrize("path", ["form_save", "form_submit"])
def test_the_same_option_twice_in_a_form_is_refused(path, quiz_factory, employee, employee_client):
    # given
    quiz = quiz_factory(types=["multiple_choice"])
    attempt = services.attempt_start(user=employee, quiz=quiz)
    token = attempt.questions[0]["key"][0]

    # when
    response = write(employee_client, quiz, path, attempt, {"q0": [token, token]})

    # then
    assert (response.status_code, error_code(response)) == (400, "invalid_choice")
    assert AttemptAnswer.objects.count() == 0


def test_a_key_sent_twice_in_json_is_refused(quiz_factory, employee, employee_client):
    # given: the first q0 is right, the second (which json.loads would keep) is wrong
    quiz = quiz_factory(types=["single_choice"])
    attempt = services.attempt_start(user=employee, quiz=quiz)
    right, wrong = correct_answers(attempt)["q0"][0], wrong_answers(attempt)["q0"][0]
    body = '{"answers": {"q0": ["' + right + '"], "q0": ["' + wrong + '"]}}'

    # when
    response = employee_client.post(route(quiz, "attempt_save", attempt), body, content_type="application/json")

    # then
    assert (response.status_code, error_code(response)) == (400, "invalid_choice")
    assert AttemptAnswer.objects.count() == 0


# --- TESTPLAN 5: client-supplied grading fields ------------------------------------------------


def test_forged_grading_fields_are_ignored_on_the_form_path(
    quiz_factory, employee, employee_client, course_completions, django_capture_on_commit_callbacks
):
    # given: all answers wrong, plus every grading field a client could invent
    quiz = quiz_factory(types=["single_choice", "multiple_choice", "true_false", "ordering", "post_scenario"])
    attempt = services.attempt_start(user=employee, quiz=quiz)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = employee_client.post(
            route(quiz, "attempt", attempt), {**wrong_answers(attempt), **FORGED_FIELDS, "action": "submit"}
        )

    # then
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score, attempt.passed, attempt.attempt_no) == ("submitted", 0, False, 1)
    assert attempt.deadline is None
    assert sorted(AttemptAnswer.objects.filter(attempt=attempt).values_list("credit", flat=True)) == [0] * 5
    assert course_completions == []


@pytest.mark.parametrize("field", sorted(FORGED_FIELDS))
def test_forged_grading_fields_are_refused_on_the_json_path(field, quiz_factory, employee, employee_client):
    # given
    quiz = quiz_factory(types=["single_choice"])
    attempt = services.attempt_start(user=employee, quiz=quiz)
    body = {"answers": wrong_answers(attempt), field: FORGED_FIELDS[field]}

    # when
    response = employee_client.post(
        route(quiz, "attempt_save", attempt), json.dumps(body), content_type="application/json"
    )

    # then
    assert response.status_code == 400
    assert error_code(response) == "unexpected_field"
    assert AttemptAnswer.objects.count() == 0


def test_forged_fields_inside_answers_are_refused(quiz_factory, employee, employee_client):
    # given
    quiz = quiz_factory(types=["single_choice"])
    attempt = services.attempt_start(user=employee, quiz=quiz)

    # when
    response = write(employee_client, quiz, "json_save", attempt, {**correct_answers(attempt), "score": ["100"]})

    # then
    assert (response.status_code, error_code(response)) == (400, "invalid_choice")
    assert AttemptAnswer.objects.count() == 0


# --- TESTPLAN 9: double submit, replay, edits after finalisation ------------------------------


def test_double_submit_returns_the_same_result_and_grades_once(
    quiz_factory, employee, employee_client, course_completions, django_capture_on_commit_callbacks
):
    # given: a passing submission
    quiz = quiz_factory(types=["single_choice", "true_false"])
    attempt = services.attempt_start(user=employee, quiz=quiz)
    post = {**correct_answers(attempt), "action": "submit"}
    with django_capture_on_commit_callbacks(execute=True):
        first = employee_client.post(route(quiz, "attempt", attempt), post)
    graded = Attempt.objects.get(pk=attempt.pk)

    # when: the same POST again (double click, replay)
    with (
        time_machine.travel(graded.finished_at + timedelta(minutes=5), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        second = employee_client.post(route(quiz, "attempt", attempt), post)

    # then
    assert (first.status_code, first["Location"]) == (302, route(quiz, "attempt_result", attempt))
    assert (second.status_code, second["Location"]) == (first.status_code, first["Location"])
    again = Attempt.objects.get(pk=attempt.pk)
    assert (again.status, again.score, again.passed, again.finished_at) == ("submitted", 100, True, graded.finished_at)
    assert Attempt.objects.filter(user=employee).count() == 1
    assert course_completions == [
        {"user_id": employee.pk, "course_id": quiz.course_page.pk, "signal": signals.course_completed}
    ]


def test_double_submit_through_the_service_grades_once(
    quiz_factory, employee, course_completions, django_capture_on_commit_callbacks
):
    # given
    quiz = quiz_factory(types=["single_choice"])
    attempt = services.attempt_start(user=employee, quiz=quiz)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.attempt_submit(attempt=attempt, data=correct_answers(attempt))

    # when
    with django_capture_on_commit_callbacks(execute=True):
        second = services.attempt_submit(attempt=attempt, data=correct_answers(attempt))

    # then
    assert (second.pk, second.score, second.finished_at) == (first.pk, first.score, first.finished_at)
    assert len(course_completions) == 1


@pytest.mark.parametrize("path", sorted(WRITE_PATHS))
def test_answers_cannot_change_after_submission(path, quiz_factory, employee, employee_client):
    # given: a failed, submitted attempt
    quiz = quiz_factory(types=["single_choice", "true_false"])
    attempt = services.attempt_start(user=employee, quiz=quiz)
    services.attempt_submit(attempt=attempt, data=wrong_answers(attempt))
    before = answers_state(attempt)

    # when: the learner replays the submission with the right answers
    response = write(employee_client, quiz, path, attempt, correct_answers(attempt))

    # then
    assert (response.status_code, error_code(response)) == (409, "attempt_already_submitted")
    graded = Attempt.objects.get(pk=attempt.pk)
    assert (graded.score, graded.passed) == (0, False)
    assert answers_state(attempt) == before


def test_a_second_passing_attempt_does_not_complete_the_course_again(
    quiz_factory, employee, course_completions, django_capture_on_commit_callbacks
):
    # given: a passed attempt completed the course
    quiz = quiz_factory(types=["single_choice"], max_attempts=2)
    first = services.attempt_start(user=employee, quiz=quiz)
    with django_capture_on_commit_callbacks(execute=True):
        services.attempt_submit(attempt=first, data=correct_answers(first))

    # when: the learner passes again
    second = services.attempt_start(user=employee, quiz=quiz)
    with django_capture_on_commit_callbacks(execute=True):
        services.attempt_submit(attempt=second, data=correct_answers(second))

    # then
    assert len(course_completions) == 1
    assert CoursePage.objects.get(pk=quiz.course_page.pk).enrollments.get().completed_at is not None


# --- malformed input: 400, never 500 ------------------------------------------------------------

MALFORMED_BODIES = [
    b"",
    b"{",
    b"[]",
    b'"answers"',
    b"null",
    b"NaN",
    b"1e999999",
    b"\xff\xfe\x00",
    b'{"answers": []}',
    b'{"answers": "q0"}',
    b'{"answers": {"q0": null}}',
    b'{"answers": {"q0": [1]}}',
    b'{"answers": {"q0": [null]}}',
    b'{"answers": {"q0": {"token": "x"}}}',
    b'{"answers": {"q0": [["x"]]}}',
    b'{"answers": {"q0": [true]}}',
    b"[" * 30_000 + b"]" * 30_000,
    b'{"answers": {"q0": ["' + b"x" * 70_000 + b'"]}}',
    b'{"answers": {"' + b"q" * 1000 + b'": ["x"]}}',
]


@pytest.mark.parametrize("body", MALFORMED_BODIES, ids=lambda b: repr(b[:24]))
def test_malformed_json_is_a_400(body, quiz_factory, employee, employee_client):
    # given
    quiz = quiz_factory(types=["single_choice"])
    attempt = services.attempt_start(user=employee, quiz=quiz)

    # when
    response = employee_client.post(route(quiz, "attempt_save", attempt), body, content_type="application/json")

    # then
    if body == b"":
        assert (response.status_code, response.json()) == (200, {"saved": 0})
    else:
        assert response.status_code == 400
        assert error_code(response) in {"invalid_json", "invalid_choice"}
    assert AttemptAnswer.objects.count() == 0


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@HYPOTHESIS
@given(payload=st.one_of(json_values, st.dictionaries(st.just("answers"), json_values, min_size=1)))
def test_any_json_payload_is_answered_without_error(payload, two_question_attempt, employee_client):
    # given
    quiz, attempt = two_question_attempt

    # when
    response = employee_client.post(
        route(quiz, "attempt_save", attempt), json.dumps(payload), content_type="application/json"
    )

    # then
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.json() == {"saved": 0}
    assert AttemptAnswer.objects.count() == 0


@HYPOTHESIS
@given(body=st.binary(max_size=200))
def test_any_bytes_are_answered_without_error(body, two_question_attempt, employee_client):
    # given
    quiz, attempt = two_question_attempt

    # when
    response = employee_client.post(route(quiz, "attempt_save", attempt), body, content_type="application/json")

    # then
    assert response.status_code in (200, 400)
    assert AttemptAnswer.objects.count() == 0


def test_a_get_on_the_save_route_is_not_allowed(two_question_attempt, employee_client):
    # given
    quiz, attempt = two_question_attempt

    # when
    response = employee_client.get(route(quiz, "attempt_save", attempt))

    # then
    assert response.status_code == 405
