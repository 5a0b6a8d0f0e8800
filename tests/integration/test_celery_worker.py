"""A real task round-trip: web process → Redis → Celery worker (prefork) → PostgreSQL."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from courses import services
from courses.models import Attempt, AttemptAnswer
from courses.services import QuizError
from courses.tasks import attempt_close_expired_task

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

POLL_TIMEOUT = 30


def _key(attempt: Attempt, position: int) -> str:
    return attempt.questions[position]["key"]


def test_worker_closes_an_expired_attempt_grading_the_answers_saved_in_time(celery_worker, quiz_factory, employee):
    # given: a timed quiz of two true/false questions, an attempt with the first one answered
    quiz = quiz_factory(
        types=("true_false", "true_false"), time_limit_minutes=5, pass_mark=Decimal("80"), shuffle_questions=False
    )
    attempt = services.attempt_start(user=employee, quiz=quiz)
    services.attempt_save_answers(attempt=attempt, data={"q0": [_key(attempt, 0)]})
    # ... and its deadline has passed: the answer was saved one minute before it
    now = timezone.now()
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=now - timedelta(minutes=10), deadline=now - timedelta(minutes=5)
    )
    AttemptAnswer.objects.filter(attempt=attempt).update(saved_at=now - timedelta(minutes=6))
    with pytest.raises(QuizError) as late:
        services.attempt_save_answers(attempt=Attempt.objects.get(pk=attempt.pk), data={"q1": [_key(attempt, 1)]})
    assert late.value.code == "attempt_time_expired"

    # when: the beat job's task goes through the broker to the worker
    attempt_close_expired_task.delay()

    # then: the worker closed the attempt, graded on the one answer saved in time
    deadline = time.monotonic() + POLL_TIMEOUT
    while Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.IN_PROGRESS:
        assert time.monotonic() < deadline, f"not closed after {POLL_TIMEOUT} s:\n{celery_worker.read_text()[-3000:]}"
        time.sleep(0.2)
    closed = Attempt.objects.get(pk=attempt.pk)
    assert closed.status == Attempt.Status.TIMED_OUT
    assert closed.score == Decimal("50.00")
    assert closed.passed is False
    assert closed.finished_at is not None
    assert list(closed.answers.order_by("position").values_list("position", "credit")) == [(0, Decimal("1.00000"))]
    assert "courses.tasks.attempt_close_expired_task" in celery_worker.read_text()
