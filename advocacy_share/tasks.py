"""Celery tasks of the advocacy layer: take ids, call one service, idempotent.

Requests never wait on a dead broker: ``enqueue_on_commit`` publishes after commit with a
short, bounded retry and, if the broker is down, logs and moves on; beat sweeps find the
work again (visits not yet qualified, reminders not yet sent).
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
        logger.warning("broker unavailable, %s%r left to the beat sweep: %s", task.name, args, exc)
        return False
    except Exception:
        logger.exception("could not publish %s%r; left to the beat sweep", task.name, args)
        return False
    return True


def enqueue_on_commit(task: Task[..., Any], *args: int) -> None:
    """``enqueue`` once the current transaction commits (never for a rolled-back one)."""
    transaction.on_commit(lambda: enqueue(task, *args))


# --- tasks (each area appends its own block below) ------------------------------------------


# --- points ----------------------------------------------------------------------------------


@shared_task(acks_late=True)
def points_course_task(user_id: int, course_id: int) -> bool:
    """Course completion points (idempotent by key)."""
    from advocacy_share.services import points

    return points.course_award(user_id, course_id) is not None


@shared_task(acks_late=True)
def points_certified_task(user_id: int, certificate_id: int) -> bool:
    """Certification points: a first certificate, or a new one after a lapse (idempotent)."""
    from advocacy_share.services import points
    from certification.signals import ISSUED

    return points.certification_award(user_id, certificate_id, ISSUED) is not None


@shared_task(acks_late=True)
def points_renewed_task(user_id: int, certificate_id: int) -> bool:
    """On-time renewal points and badge (idempotent)."""
    from advocacy_share.services import points
    from certification.signals import RENEWED

    return points.certification_award(user_id, certificate_id, RENEWED) is not None


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def points_recompute_task() -> int:
    """Rebuild every points total from the ledger (asked for in the admin); returns the rows
    written. Idempotent: a second run writes the same rows."""
    from advocacy_share.services import points

    return points.points_recompute()


# Which task a certificate event starts (other events earn nothing).
CERTIFICATE_POINTS_TASKS = {
    "issued": points_certified_task,
    "reissued": points_certified_task,
    "renewed": points_renewed_task,
}

# --- compose and share: scheduled reminders ---------------------------------------------------


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def reminders_send_due_task() -> dict[str, int]:
    """Beat job, every minute: email the reminders now due (exactly once, see
    ``services.reminders``)."""
    from advocacy_share.services import reminders

    result = reminders.reminders_send_due()
    return {"sent": result.sent, "cancelled": result.cancelled, "waiting": result.waiting}


# --- tracked links ---------------------------------------------------------------------------


@shared_task(acks_late=True, soft_time_limit=50, time_limit=55)
def visits_qualify_task() -> int:
    """Beat job (every minute): qualify the visits not yet processed; returns how many qualified.
    Idempotent: a processed visit is never looked at again."""
    from advocacy_share.services import links

    return len(links.visits_qualify())


# --- leaderboards ----------------------------------------------------------------------------


@shared_task(acks_late=True)
def ranks_rollup_task() -> int:
    """Rewrite the leaderboards' rank bands from the totals (idempotent)."""
    from advocacy_share.services import points

    return points.ranks_rollup()


# --- dashboard roll-ups ------------------------------------------------------------------------


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def activity_rebuild_task() -> int:
    """Beat job, nightly: rebuild the advocacy dashboard's roll-ups from the shares and visits
    (idempotent: a second run writes the same rows); returns the rows written."""
    from advocacy_share.services import analytics

    return analytics.activity_rebuild()
