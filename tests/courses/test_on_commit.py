"""``course_completed`` leaves the courses layer only once the transaction commits."""

import ast
from pathlib import Path

import pytest
from django.db import transaction

import courses
from courses import services, signals
from courses.models import Attempt, Enrollment
from tests.factories.answers import correct_answers


class Boom(Exception):
    pass


@pytest.fixture
def course_completions():
    received = []

    def receiver(sender, **kwargs):
        # what a certificate task would do first: load the row the event is about
        enrollment = Enrollment.objects.get(user_id=kwargs["user_id"], course_id=kwargs["course_id"])
        received.append((kwargs["user_id"], kwargs["course_id"], enrollment.completed_at is not None))

    signals.course_completed.connect(receiver, weak=False)
    yield received
    signals.course_completed.disconnect(receiver)


def test_course_completed_waits_for_the_commit(
    quiz_factory, employee, course_completions, django_capture_on_commit_callbacks
):
    # given
    quiz = quiz_factory(types=["single_choice"])
    attempt = services.attempt_start(user=employee, quiz=quiz)

    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.attempt_submit(attempt=attempt, data=correct_answers(attempt))
        sent_before_commit = list(course_completions)
    for callback in callbacks:
        callback()

    # then
    assert sent_before_commit == []
    assert course_completions == [(employee.pk, quiz.course_page.pk, True)]


def test_course_completed_is_not_sent_when_the_transaction_rolls_back(
    quiz_factory, employee, course_completions, django_capture_on_commit_callbacks
):
    # given
    quiz = quiz_factory(types=["single_choice"])
    attempt = services.attempt_start(user=employee, quiz=quiz)

    # when: something fails after the submit, in the same transaction
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom), transaction.atomic():
        services.attempt_submit(attempt=attempt, data=correct_answers(attempt))
        raise Boom

    # then
    assert callbacks == []
    assert course_completions == []
    assert Attempt.objects.get(pk=attempt.pk).status == "in_progress"
    assert Enrollment.objects.get(user=employee).completed_at is None


def test_lesson_completion_also_sends_on_commit_only(
    quiz_factory, employee, course_completions, django_capture_on_commit_callbacks
):
    # given: the quiz is passed, one lesson left
    quiz = quiz_factory(types=["single_choice"], lessons=1)
    attempt = services.attempt_start(user=employee, quiz=quiz)
    with django_capture_on_commit_callbacks(execute=True):
        services.attempt_submit(attempt=attempt, data=correct_answers(attempt))

    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        completed = services.lesson_complete(user=employee, lesson=quiz.lesson_pages[0])
    sent_before_commit = list(course_completions)
    for callback in callbacks:
        callback()

    # then
    assert completed is True
    assert sent_before_commit == []
    assert course_completions == [(employee.pk, quiz.course_page.pk, True)]


@pytest.mark.django_db(transaction=True)
def test_course_completed_after_a_real_commit_finds_its_row(quiz_factory, employee, course_completions):
    # given
    quiz = quiz_factory(types=["single_choice"])
    attempt = services.attempt_start(user=employee, quiz=quiz)

    # when
    services.attempt_submit(attempt=attempt, data=correct_answers(attempt))

    # then
    assert course_completions == [(employee.pk, quiz.course_page.pk, True)]


@pytest.mark.django_db(transaction=True)
def test_no_course_completed_after_a_real_rollback(quiz_factory, employee, course_completions):
    # given
    quiz = quiz_factory(types=["single_choice"])
    attempt = services.attempt_start(user=employee, quiz=quiz)

    # when
    with pytest.raises(Boom), transaction.atomic():
        services.attempt_submit(attempt=attempt, data=correct_answers(attempt))
        raise Boom

    # then
    assert course_completions == []
    assert Attempt.objects.get(pk=attempt.pk).status == "in_progress"


def _bare_enqueues(path: Path) -> list[str]:
    """Calls of ``.delay(`` / ``.apply_async(`` that are not inside an ``on_commit(...)`` call."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []

    def visit(node, inside_on_commit: bool):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in {"delay", "apply_async"} and not inside_on_commit:
                found.append(f"{path.name}:{node.lineno}")
            inside_on_commit = inside_on_commit or name == "on_commit"
        for child in ast.iter_child_nodes(node):
            visit(child, inside_on_commit)

    visit(tree, False)
    return found


def test_the_courses_layer_never_enqueues_inside_a_transaction():
    # given
    sources = [p for p in Path(courses.__file__).parent.rglob("*.py") if "migrations" not in p.parts]

    # when
    bare = [call for path in sources for call in _bare_enqueues(path)]

    # then: tasks are enqueued with delay_on_commit() or from transaction.on_commit(...)
    assert bare == []


def test_the_enqueue_check_finds_a_bare_delay(tmp_path):
    # given
    source = tmp_path / "views.py"
    source.write_text(
        "from django.db import transaction\n"
        "def bad(task):\n    task.delay(1)\n"
        "def good(task):\n    transaction.on_commit(lambda: task.delay(1))\n    task.delay_on_commit(1)\n"
    )

    # then
    assert _bare_enqueues(source) == ["views.py:3"]
