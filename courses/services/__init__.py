"""Every state change of the courses layer. Views, pages and tasks are thin callers.

- ``enrollment``: enrolment, lessons read, course completion and restart;
- ``attempts``: quiz attempts — start, save answers, submit and grade, close at the time limit;
- ``assignments``: course assignments and their reminder emails;
- ``snapshots``: what an attempt serves (the questions drawn, frozen with their keys);
- ``pages``: where a new page goes in its course.

Errors are ``QuizError`` (a ``lms.http.DomainError``) with a machine code and an HTTP status;
the views map them to the error contract (HTML page or ``{"error": {...}}``).
"""

from courses.services.assignments import AssignmentError, assignment_reminders_send, assignments_create
from courses.services.attempts import (
    ANSWER_KEY,
    attempt_close_expired,
    attempt_close_if_expired,
    attempt_finalise,
    attempt_save_answers,
    attempt_start,
    attempt_submit,
    parse_answers,
)
from courses.services.enrollment import (
    enrollment_check_completion,
    enrollment_complete_after_pass,
    enrollment_ensure,
    enrollment_restart,
    lesson_complete,
)
from courses.services.errors import QuizError
from courses.services.pages import lesson_place_before_quiz
from courses.services.snapshots import quiz_preview_sample, quiz_snapshot

__all__ = [
    "ANSWER_KEY",
    "AssignmentError",
    "QuizError",
    "assignment_reminders_send",
    "assignments_create",
    "attempt_close_expired",
    "attempt_close_if_expired",
    "attempt_finalise",
    "attempt_save_answers",
    "attempt_start",
    "attempt_submit",
    "enrollment_check_completion",
    "enrollment_complete_after_pass",
    "enrollment_ensure",
    "enrollment_restart",
    "lesson_complete",
    "lesson_place_before_quiz",
    "parse_answers",
    "quiz_preview_sample",
    "quiz_snapshot",
]
