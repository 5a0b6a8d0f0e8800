"""Celery tasks of the courses layer: take ids, call one service, idempotent."""

from celery import shared_task

from courses import services


@shared_task(acks_late=True)
def attempt_close_expired_task() -> int:
    """Beat job: close attempts past their time limit with the answers saved in time."""
    return services.attempt_close_expired()


@shared_task(acks_late=True)
def assignment_reminders_send_task() -> int:
    """Beat job: "due soon" and "overdue" emails of course assignments (once each per
    assignment and person, claimed by a unique row, so idempotent)."""
    return services.assignment_reminders_send()
