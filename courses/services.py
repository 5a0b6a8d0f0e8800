"""Every state change of the courses layer. Views, pages and tasks are thin callers.

Errors are ``QuizError`` with a machine code and an HTTP status; the views map them to the
error contract (HTML page or ``{"error": {...}}``).
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses import grading, signals
from courses.models import (
    QUESTION_TYPES,
    Attempt,
    AttemptAnswer,
    CoursePage,
    Enrollment,
    LessonPage,
    LessonProgress,
    Question,
    QuizPage,
)
from courses.models.questions import InvalidAnswer

logger = logging.getLogger(__name__)

ANSWER_KEY = re.compile(r"q(?:0|[1-9][0-9]{0,4})")


@dataclass
class QuizError(Exception):
    code: str
    message: str
    status: int = 409
    # The question an invalid answer belongs to (its position in the attempt), if any.
    position: int | None = None

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def _grace() -> timedelta:
    return timedelta(seconds=getattr(settings, "QUIZ_DEADLINE_GRACE_SECONDS", 5))


# --- enrolment and lessons --------------------------------------------------------------


def enrollment_ensure(*, user, course: CoursePage) -> Enrollment:
    """Enrol ``user`` in ``course``. Idempotent: a second call returns the same row."""
    try:
        with transaction.atomic():
            enrollment, _created = Enrollment.objects.get_or_create(user=user, course=course)
    except IntegrityError:
        enrollment = Enrollment.objects.get(user=user, course=course)
    return enrollment


@transaction.atomic
def lesson_complete(*, user, lesson: LessonPage) -> bool:
    """Mark ``lesson`` read by ``user``, enrolling them if needed. Idempotent.

    May complete the course (see ``enrollment_check_completion``). Returns whether the course
    is now complete.
    """
    course = lesson.get_parent().specific
    enrollment_ensure(user=user, course=course)
    LessonProgress.objects.get_or_create(user=user, lesson=lesson)
    return enrollment_check_completion(user=user, course=course)


@transaction.atomic
def enrollment_restart(*, user, course: CoursePage, now: datetime | None = None) -> Enrollment:
    """Send ``user`` through ``course`` again (certificate renewal), enrolling them if needed.

    Side effects: the enrolment is no longer complete (``completed_at`` cleared),
    ``restarted_at`` is set to ``now``, and the user's lesson progress in the course is
    deleted, so every lesson is read again. Quiz attempts are kept (their numbers keep
    increasing); only attempts started from ``restarted_at`` count against the attempt limit,
    and only an attempt passed since then completes the course again.
    Not idempotent in time: each call restarts from its own ``now``; callers guard it (the
    certification layer restarts once per renewal).
    """
    now = now or timezone.now()
    enrollment = enrollment_ensure(user=user, course=course)
    Enrollment.objects.filter(pk=enrollment.pk).update(completed_at=None, restarted_at=now)
    LessonProgress.objects.filter(user=user, lesson__in=LessonPage.objects.child_of(course)).delete()
    enrollment.refresh_from_db()
    return enrollment


def _restarted_at(*, user, course: CoursePage) -> datetime | None:
    return Enrollment.objects.filter(user=user, course=course).values_list("restarted_at", flat=True).first()


def enrollment_check_completion(*, user, course: CoursePage) -> bool:
    """Complete the enrolment when every live lesson is read and the quiz is passed.

    The conditional UPDATE makes completion happen once, whatever the concurrency; only the
    call that flips ``completed_at`` sends ``course_completed``, on commit.
    """
    from courses import selectors

    if not selectors.course_requirements_met(user=user, course=course):
        return Enrollment.objects.filter(user=user, course=course, completed_at__isnull=False).exists()
    _mark_complete(user_id=user.pk, course_id=course.pk)
    return True


def _mark_complete(*, user_id: int, course_id: int) -> bool:
    """Flip the enrolment to complete if it is not yet; only the call that flips it sends
    ``course_completed``, on commit. Returns whether this call flipped it."""
    flipped = Enrollment.objects.filter(user_id=user_id, course_id=course_id, completed_at__isnull=True).update(
        completed_at=timezone.now()
    )
    if flipped:
        transaction.on_commit(
            lambda: signals.course_completed.send(sender=CoursePage, user_id=user_id, course_id=course_id)
        )
    return bool(flipped)


def _complete_after_pass(attempt: Attempt) -> None:
    """``attempt`` has just passed: complete its course if that was the last requirement.

    The same rule as ``enrollment_check_completion`` (every live lesson read, a pass on the
    course's quiz since the last restart), using what the pass already tells: nothing more is
    read once the enrolment is complete, and at most three small queries before.
    """
    quiz = attempt.quiz
    course_path, depth = quiz.path[: -quiz.steplen], quiz.depth
    enrollment = (
        Enrollment.objects.filter(user_id=attempt.user_id, course__path=course_path)
        .values("course_id", "completed_at", "restarted_at")
        .first()
    )
    if enrollment is None or enrollment["completed_at"] is not None:
        return
    if enrollment["restarted_at"] is not None and attempt.started_at < enrollment["restarted_at"]:
        return
    siblings = {"path__startswith": course_path, "depth": depth}
    if QuizPage.objects.live().filter(**siblings).order_by("path").values_list("pk", flat=True).first() != quiz.pk:
        return  # not the quiz that counts for the course
    if LessonPage.objects.live().filter(**siblings).exclude(progress__user_id=attempt.user_id).exists():
        return
    _mark_complete(user_id=attempt.user_id, course_id=enrollment["course_id"])


# --- attempts --------------------------------------------------------------------------


def _draw_questions(quiz: QuizPage) -> list[Question]:
    """Resolve the quiz's slots into concrete questions: fixed ones, then random draws."""
    rng = secrets.SystemRandom()
    slots = list(quiz.slots.all())
    chosen: list[int] = []
    fixed_ids = {slot.question_id for slot in slots if slot.question_id}
    for slot in slots:
        if slot.question_id:
            if slot.question_id not in chosen:
                chosen.append(slot.question_id)
            continue
        pool = list(
            Question.objects.non_polymorphic()
            .filter(category_id=slot.category_id)
            .exclude(pk__in=fixed_ids | set(chosen))
            .values_list("pk", flat=True)
        )
        chosen.extend(rng.sample(pool, min(slot.count, len(pool))))
    if not chosen:
        raise QuizError("quiz_empty", _("This quiz has no questions yet."), 409)
    by_id = {q.pk: q for q in Question.objects.filter(pk__in=chosen)}
    questions = [by_id[pk] for pk in chosen if pk in by_id]
    if quiz.shuffle_questions:
        rng.shuffle(questions)
    return questions


def quiz_snapshot(quiz: QuizPage) -> dict[str, Any]:
    """The frozen form of a quiz for one attempt: rules at start, questions and keys served."""
    questions = []
    for position, question in enumerate(_draw_questions(quiz)):
        questions.append({**question.build_snapshot(), "position": position})
    return {
        "revision_id": quiz.latest_revision_id,
        "pass_mark": str(quiz.pass_mark),
        "review_policy": quiz.review_policy,
        "time_limit_minutes": quiz.time_limit_minutes,
        "questions": questions,
    }


def attempt_start(*, user, quiz: QuizPage, now: datetime | None = None) -> Attempt:
    """Start an attempt, or return the one already in progress.

    Enforces the attempt limit (attempts started since the enrolment's last restart, see
    ``enrollment_restart``) and the delay between attempts. The limit holds under
    concurrency because attempt numbers are unique per (user, quiz): of N parallel starts
    one inserts number k, the others hit the constraint and are answered 409.

    Raises ``QuizError`` (409): ``attempt_limit_reached``, ``attempt_delay``, ``quiz_empty``.
    """
    now = now or timezone.now()
    course = quiz.get_parent().specific
    current = Attempt.objects.filter(user=user, quiz=quiz, status=Attempt.Status.IN_PROGRESS).first()
    if current is not None:
        # Closed in its own transaction, so that it stays closed even if no new attempt may start.
        attempt_close_if_expired(attempt=current, now=now)
    with transaction.atomic():
        current = Attempt.objects.filter(user=user, quiz=quiz, status=Attempt.Status.IN_PROGRESS).first()
        if current is not None:
            return current
        previous = list(
            Attempt.objects.filter(user=user, quiz=quiz).order_by("-attempt_no").values("attempt_no", "finished_at")[:1]
        )
        number = previous[0]["attempt_no"] + 1 if previous else 1
        # Numbers keep increasing across a restart (renewal); the limit counts only the
        # attempts started since the restart.
        restarted_at = _restarted_at(user=user, course=course)
        counted = Attempt.objects.filter(user=user, quiz=quiz)
        if restarted_at is not None:
            counted = counted.filter(started_at__gte=restarted_at)
        used = counted.count()
        if quiz.max_attempts and used >= quiz.max_attempts:
            raise QuizError("attempt_limit_reached", _("You have used all your attempts for this quiz."), 409)
        if previous and quiz.delay_between_attempts_minutes and previous[0]["finished_at"]:
            ready_at = previous[0]["finished_at"] + timedelta(minutes=quiz.delay_between_attempts_minutes)
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
            raise QuizError("attempt_limit_reached", _("You have used all your attempts for this quiz."), 409) from None
        current = Attempt.objects.filter(user=user, quiz=quiz, status=Attempt.Status.IN_PROGRESS).first()
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
        _complete_after_pass(attempt)
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


def quiz_preview_sample(quiz: QuizPage) -> list[dict[str, Any]]:
    """A sample draw for the editor's preview, keys included. Writes nothing."""
    try:
        questions = _draw_questions(quiz)
    except QuizError:
        return []
    sample = []
    for position, question in enumerate(questions):
        snapshot = {**question.build_snapshot(), "position": position}
        qtype = QUESTION_TYPES[snapshot["type"]]
        sample.append({**qtype.public_view(snapshot), **qtype.review_view(snapshot, None), "position": position})
    return sample
