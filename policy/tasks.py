"""Celery tasks of the policy layer: take ids, call one service, idempotent.

Web requests never wait on a dead broker: ``enqueue_on_commit`` publishes after commit and,
if the broker is down, logs and moves on (HR can ask again: the reminders stay queued).
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)

PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def enqueue(task: Task[..., Any], *args: int) -> bool:
    """Publish ``task`` now; on a broker failure log it and return False (never raise)."""
    try:
        task.apply_async(args=args, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except (BrokerError, ConnectionError, OSError, TimeoutError) as exc:
        logger.warning("broker unavailable, %s%r not published: %s", task.name, args, exc)
        return False
    return True


def enqueue_on_commit(task: Task[..., Any], *args: int) -> None:
    """``enqueue`` once the current transaction commits (never for a rolled-back one)."""
    transaction.on_commit(lambda: enqueue(task, *args))


@shared_task(acks_late=True)
def acknowledgement_reminder_batch_task(batch_id: int) -> dict[str, int]:
    """Send the reminders to accept the policy HR asked for on the report (idempotent per
    reminder)."""
    from policy import reminders

    return reminders.acknowledgement_reminder_batch_send(batch_id=batch_id)
