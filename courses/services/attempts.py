"""Quiz attempts: start (snapshot of the questions served), save answers, submit and grade,
close at the time limit. Every write locks the attempt's row first."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses import grading, selectors
from courses.models import QUESTION_TYPES, Attempt, AttemptAnswer, CoursePage, QuizPage
from courses.models.questions import InvalidAnswer
from courses.services.enrollment import enrollment_complete_after_pass, enrollment_ensure
from courses.services.errors import QuizError
from courses.services.snapshots import quiz_snapshot

if TYPE_CHECKING:
    from lms.people.models import User

ANSWER_KEY = re.compile(r"q(?:0|[1-9][0-9]{0,4})")


def _grace() -> timedelta:
    return timedelta(seconds=getattr(settings, "QUIZ_DEADLINE_GRACE_SECONDS", 5))


def _limit_reached() -> QuizError:
    return QuizError("attempt_limit_reached", _("You have used all your attempts for this quiz."), 409)


def _next_attempt(*, user: User, quiz: QuizPage, course_id: int, now: datetime) -> tuple[int, int]:
    """The number of the next attempt of ``user`` on ``quiz``, and how many of their attempts
    count against the limit. Raises ``QuizError`` when the limit or the delay forbid a start."""
    previous = list(
        Attempt.objects.filter(user=user, quiz=quiz).order_by("-attempt_no").values("attempt_no", "finished_at")[:1]
    )
    number: int = previous[0]["attempt_no"] + 1 if previous else 1
    # Numbers keep increasing across a restart (renewal); the limit counts only the
    # attempts started since the restart.
    state = selectors.enrollment_state(user_id=user.pk, course_id=course_id)
    counted = Attempt.objects.filter(user=user, quiz=quiz)
    if state is not None and state.restarted_at is not None:
        counted = counted.filter(started_at__gte=state.restarted_at)
    used = counted.count()
    if quiz.max_attempts and used >= quiz.max_attempts:
        raise _limit_reached()
    finished_at: datetime | None = previous[0]["finished_at"] if previous else None
    if finished_at is not None and quiz.delay_between_attempts_minutes:
        ready_at = finished_at + timedelta(minutes=quiz.delay_between_attempts_minutes)
        if now < ready_at:
            minutes = int((ready_at - now).total_seconds() // 60) + 1
            raise QuizError(
                "attempt_delay",
                ngettext(
                    "You can try again in %(minutes)s minute.",
                    "You can try again in %(minutes)s minutes.",
                    minutes,
                )
                % {"minutes": minutes},
                409,
            )
    return number, used


def _in_progress(*, user: User, quiz: QuizPage) -> Attempt | None:
    return Attempt.objects.filter(user=user, quiz=quiz, status=Attempt.Status.IN_PROGRESS).first()


def attempt_start(*, user: User, quiz: QuizPage, now: datetime | None = None) -> Attempt:
    """Start an attempt, or return the one already in progress.

    Side effects: closes the attempt in progress if its time is over, enrols the user in the
    course, creates the attempt with the snapshot of the questions served. Idempotent while an
    attempt is in progress (returns it).

    Enforces the attempt limit (attempts started since the enrolment's last restart, see
    ``enrollment_restart``) and the delay between attempts. The limit holds under
    concurrency because attempt numbers are unique per (user, quiz): of N parallel starts
    one inserts number k, the others hit the constraint and are answered 409.

    Raises ``QuizError`` (409): ``attempt_limit_reached``, ``attempt_delay``, ``quiz_empty``,
    ``attempt_conflict``.
    """
    now = now or timezone.now()
    course: CoursePage = quiz.get_parent().specific
    current = _in_progress(user=user, quiz=quiz)
    if current is not None:
        # Closed in its own transaction, so that it stays closed even if no new attempt may start.
        attempt_close_if_expired(attempt=current, now=now)
    with transaction.atomic():
        current = _in_progress(user=user, quiz=quiz)
        if current is not None:
            return current
        number, used = _next_attempt(user=user, quiz=quiz, course_id=course.pk, now=now)
        snapshot = quiz_snapshot(quiz)
        deadline = now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    try:
        with transaction.atomic():
            enrollment_ensure(user=user, course=course)
            return Attempt.objects.create(
                user=user,
                quiz=quiz,
                attempt_no=number,
                started_at=now,
                deadline=deadline,
                snapshot=snapshot,
            )
    except IntegrityError:
        # Someone else (another tab, a double click) started one at the same moment.
        if quiz.max_attempts and used + 1 >= quiz.max_attempts:
            raise _limit_reached() from None
        current = _in_progress(user=user, quiz=quiz)
        if current is not None:
            return current
        raise QuizError("attempt_conflict", _("Another attempt was started at the same time."), 409) from None


def _past_deadline(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + _grace()


def parse_answers(*, attempt: Attempt, data: dict[str, list[str]]) -> dict[int, Any]:
    """Validate raw answers ``{"q<position>": [values]}`` against the attempt's snapshot.

    Every key must name a question served in this attempt and every value an option of that
    question; otherwise ``QuizError("invalid_choice", status=400)`` naming the question (its
    ``position``) and nothing is kept. A key sent with no value (an empty list, or only empty
    strings: the form's marker for "nothing ticked") clears that answer: it maps to ``None``.
    """
    questions = attempt.questions
    parsed: dict[int, Any] = {}
    for key, values in data.items():
        # ASCII digits without leading zeros only: "q²" or "q٣" pass str.isdigit() (the first
        # then crashes int()), and "q00" or "q٠" would alias q0.
        if not ANSWER_KEY.fullmatch(key) or int(key[1:]) >= len(questions):
            raise QuizError(
                "invalid_choice", _("The answer %(key)s does not match any question.") % {"key": key[:40]}, 400
            )
        position = int(key[1:])
        snapshot = questions[position]
        values = [v for v in values if isinstance(v, str) and v != ""]
        if not values:
            parsed[position] = None
            continue
        try:
            parsed[position] = QUESTION_TYPES[snapshot["type"]].parse_response(snapshot, values)
        except InvalidAnswer as exc:
            raise QuizError(
                "invalid_choice",
                _("Question %(n)s: %(reason)s") % {"n": position + 1, "reason": exc.reason},
                400,
                position=position,
            ) from None
    return parsed


def _time_expired() -> QuizError:
    return QuizError("attempt_time_expired", _("The time limit for this attempt has passed."), 409)


def _finished_error(attempt: Attempt) -> QuizError:
    if attempt.status == Attempt.Status.TIMED_OUT:
        return _time_expired()
    return QuizError("attempt_already_submitted", _("This attempt is already finished."), 409)


def _check_writable(attempt: Attempt, now: datetime) -> None:
    if attempt.status != Attempt.Status.IN_PROGRESS:
        raise _finished_error(attempt)
    if _past_deadline(attempt, now):
        raise _time_expired()


def _lock(attempt: Attempt) -> Attempt:
    """Re-read ``attempt``'s state under a row lock (PostgreSQL; SQLite transactions are
    IMMEDIATE, so writers are serialised anyway). Must run inside ``atomic()``.

    The snapshot never changes once the attempt has started, so it is not read again; nor is
    the quiz, when the caller already has it.
    """
    locked = Attempt.objects.select_for_update().defer("snapshot").get(pk=attempt.pk)
    locked.snapshot = attempt.snapshot
    for relation in (Attempt.quiz, Attempt.user):
        if relation.is_cached(attempt):
            relation.field.set_cached_value(locked, relation.field.get_cached_value(attempt))
    return locked


def _store_answers(attempt: Attempt, answers: dict[int, Any], now: datetime) -> int:
    """Upsert the answers in one statement (INSERT … ON CONFLICT on (attempt, position)) and
    delete the cleared ones (``None``). The caller holds the attempt's row lock, so no other
    writer adds answers meanwhile. Returns how many answers were written or cleared."""
    given = [
        AttemptAnswer(attempt=attempt, position=p, response=r, saved_at=now)
        for p, r in answers.items()
        if r is not None
    ]
    cleared = [p for p, r in answers.items() if r is None]
    if given:
        AttemptAnswer.objects.bulk_create(
            given,
            update_conflicts=True,
            unique_fields=["attempt", "position"],
            update_fields=["response", "saved_at"],
        )
    if cleared:
        AttemptAnswer.objects.filter(attempt=attempt, position__in=cleared).delete()
    return len(answers)


def attempt_save_answers(*, attempt: Attempt, data: dict[str, list[str]], now: datetime | None = None) -> int:
    """Save answers of an attempt in progress (autosave / "save" button). Not a submission.

    All-or-nothing: invalid input raises 400 and keeps nothing. Writes after the deadline are
    refused with 409 ``attempt_time_expired``; finished attempts with 409.
    """
    now = now or timezone.now()
    answers = parse_answers(attempt=attempt, data=data)
    with transaction.atomic():
        locked = _lock(attempt)
        _check_writable(locked, now)
        return _store_answers(locked, answers, now)


def attempt_submit(
    *, attempt: Attempt, data: dict[str, list[str]] | None = None, now: datetime | None = None
) -> Attempt:
    """Store the final answers and grade the attempt. Idempotent.

    A second submit (double click, replay) with the same answers changes nothing and returns
    the graded attempt; one that would change an answer raises 409
    ``attempt_already_submitted`` (``attempt_time_expired`` if the attempt was closed at its
    time limit). A submit after the deadline stores nothing, closes the attempt as timed out
    with the answers saved before it, and raises 409 ``attempt_time_expired``. Client-sent
    scores are never read: the grade comes from the stored answers and the snapshot.
    """
    now = now or timezone.now()
    answers = parse_answers(attempt=attempt, data=data or {})
    with transaction.atomic():
        locked = _lock(attempt)
        if locked.status != Attempt.Status.IN_PROGRESS:
            stored = dict(locked.answers.values_list("position", "response"))
            if any(stored.get(position) != response for position, response in answers.items()):
                raise _finished_error(locked)
            return locked
        if not _past_deadline(locked, now):
            return attempt_finalise(attempt=locked, now=now, timed_out=False, answers=answers)
        attempt_finalise(attempt=locked, now=now, timed_out=True)
    raise _time_expired()


def attempt_finalise(
    *, attempt: Attempt, now: datetime, timed_out: bool, answers: dict[int, Any] | None = None
) -> Attempt:
    """Store the last ``answers`` (parsed, ``None`` clears one), grade the attempt from all of
    its answers and close it. Must run inside ``atomic()``, on a row from ``_lock``.

    The grade is computed in memory from the answers saved earlier merged with ``answers``;
    then the status flips with a conditional UPDATE, so of two concurrent finalisations only
    one grades and writes (the other returns the row as the winner left it); then one upsert
    writes every answer with its credit. Reads the saved answers only when ``answers`` does
    not already cover every question.
    """
    answers = answers or {}
    questions = attempt.questions
    final: dict[int, tuple[Any, datetime]] = {}
    if len(answers) < len(questions):
        final = {p: (r, saved) for p, r, saved in attempt.answers.values_list("position", "response", "saved_at")}
    for position, response in answers.items():
        if response is None:
            final.pop(position, None)
        else:
            final[position] = (response, now)
    weighted = []
    credits: dict[int, Decimal] = {}
    for snapshot in questions:
        position = snapshot["position"]
        response = final[position][0] if position in final else None
        credit = QUESTION_TYPES[snapshot["type"]].grade_snapshot(snapshot, response)
        weighted.append((Decimal(snapshot["points"]), credit))
        if position in final:
            credits[position] = credit
    result = grading.grade(weighted, Decimal(attempt.snapshot["pass_mark"]))
    status = Attempt.Status.TIMED_OUT if timed_out else Attempt.Status.SUBMITTED
    flipped = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.IN_PROGRESS).update(
        status=status, finished_at=now, score=result.score, passed=result.passed
    )
    if not flipped:
        attempt.refresh_from_db()
        return attempt
    if final:
        AttemptAnswer.objects.bulk_create(
            [
                AttemptAnswer(attempt=attempt, position=p, response=r, saved_at=saved, credit=credits[p])
                for p, (r, saved) in final.items()
            ],
            update_conflicts=True,
            unique_fields=["attempt", "position"],
            update_fields=["response", "saved_at", "credit"],
        )
    cleared = [p for p, r in answers.items() if r is None]
    if cleared:
        AttemptAnswer.objects.filter(attempt=attempt, position__in=cleared).delete()
    attempt.status, attempt.finished_at, attempt.score, attempt.passed = status, now, result.score, result.passed
    if result.passed:
        enrollment_complete_after_pass(attempt=attempt)
    return attempt


def attempt_close_if_expired(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Close ``attempt`` as timed out if it is in progress and past its deadline (+ grace),
    grading the answers saved in time. Idempotent; returns the attempt as it now is.

    Used by the beat job, by a new start, and when the learner comes back to an attempt whose
    time is over.
    """
    now = now or timezone.now()
    if attempt.status != Attempt.Status.IN_PROGRESS or not _past_deadline(attempt, now):
        return attempt
    with transaction.atomic():
        locked = _lock(attempt)
        if locked.status == Attempt.Status.IN_PROGRESS and _past_deadline(locked, now):
            return attempt_finalise(attempt=locked, now=now, timed_out=True)
        return locked


def attempt_close_expired(*, now: datetime | None = None) -> int:
    """Close every attempt past its deadline (beat job), grading the answers saved in time.

    Idempotent; returns how many attempts it closed.
    """
    now = now or timezone.now()
    closed = 0
    expired = Attempt.objects.filter(
        status=Attempt.Status.IN_PROGRESS, deadline__isnull=False, deadline__lt=now - _grace()
    ).values_list("pk", flat=True)
    for pk in list(expired):
        attempt = attempt_close_if_expired(attempt=Attempt.objects.get(pk=pk), now=now)
        closed += attempt.status == Attempt.Status.TIMED_OUT and attempt.finished_at == now
    return closed
