"""Personal data held by the courses layer (see ``lms.people.privacy``)."""

from lms.people import privacy


def export_enrollments(user) -> list[dict]:
    from courses.models import Enrollment

    return [
        {
            "course": e.course.title,
            "enrolled_at": e.enrolled_at.isoformat(),
            "completed_at": e.completed_at.isoformat() if e.completed_at else None,
            "restarted_at": e.restarted_at.isoformat() if e.restarted_at else None,
        }
        for e in Enrollment.objects.filter(user=user).select_related("course").order_by("enrolled_at")
    ]


def export_lesson_progress(user) -> list[dict]:
    from courses.models import LessonProgress

    return [
        {"lesson": p.lesson.title, "completed_at": p.completed_at.isoformat()}
        for p in LessonProgress.objects.filter(user=user).select_related("lesson").order_by("completed_at")
    ]


def export_attempts(user) -> list[dict]:
    from courses.models import Attempt

    rows = []
    for attempt in (
        Attempt.objects.filter(user=user).select_related("quiz").prefetch_related("answers").order_by("started_at")
    ):
        rows.append(
            {
                "quiz": attempt.quiz.title,
                "attempt": attempt.attempt_no,
                "status": attempt.status,
                "started_at": attempt.started_at.isoformat(),
                "finished_at": attempt.finished_at.isoformat() if attempt.finished_at else None,
                "score": str(attempt.score) if attempt.score is not None else None,
                "passed": attempt.passed,
                "answers": [
                    {"question": a.position + 1, "response": a.response, "saved_at": a.saved_at.isoformat()}
                    for a in sorted(attempt.answers.all(), key=lambda a: a.position)
                ],
            }
        )
    return rows


def export_assignments(user) -> list[dict]:
    """Courses assigned to the person directly (department assignments name no one)."""
    from courses.models import Assignment

    return [
        {
            "course": a.course.title,
            "due_date": a.due_date.isoformat(),
            "assigned_at": a.created_at.isoformat(),
            "programme": a.programme_label,
        }
        for a in Assignment.objects.filter(user=user).select_related("course").order_by("created_at", "pk")
    ]


def export_assignment_reminders(user) -> list[dict]:
    from courses.models import AssignmentReminder

    return [
        {"course": r.assignment.course.title, "kind": r.kind, "sent_at": r.sent_at.isoformat()}
        for r in AssignmentReminder.objects.filter(user=user)
        .select_related("assignment__course")
        .order_by("sent_at", "pk")
    ]


def erase_assignments(user) -> int:
    """A former employee has nothing left to do: the courses assigned to them by name are
    withdrawn (with their reminders), so no report counts them overdue."""
    from courses.models import Assignment, AssignmentReminder

    AssignmentReminder.objects.filter(assignment__user=user).delete()
    return Assignment.objects.filter(user=user).delete()[0]


def register() -> None:
    # Enrolments, progress and attempts name nobody once the account is erased: kept, so the
    # training report and the quiz item analysis do not change. Answers are choice tokens,
    # never free text.
    privacy.register("courses.Enrollment", export_enrollments, privacy.kept_anonymous)
    privacy.register("courses.LessonProgress", export_lesson_progress, privacy.kept_anonymous)
    privacy.register("courses.Attempt", export_attempts, privacy.kept_anonymous)
    privacy.register_exported_with("courses.AttemptAnswer", "courses.Attempt")
    privacy.register("courses.Assignment", export_assignments, erase_assignments)
    privacy.register("courses.AssignmentReminder", export_assignment_reminders, privacy.kept_anonymous)
