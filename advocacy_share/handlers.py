"""Receivers of the events the points ledger listens to.

In-layer events (``advocacy_share.signals``) are handled synchronously, in the sender's
transaction: a share's points are written with the share, click points right after the
qualification sweep. Events from lower layers are one line each: enqueue a task on commit.
"""

from __future__ import annotations

from typing import Any

from advocacy_share import tasks
from advocacy_share.services import analytics, points


def on_share_recorded(sender: Any, share_id: int, **kwargs: Any) -> None:
    points.share_award(share_id)
    analytics.activity_share_count(share_id=share_id)


def on_visits_qualified(sender: Any, visit_ids: list[int], **kwargs: Any) -> None:
    points.clicks_award(visit_ids)


def on_course_completed(sender: Any, user_id: int, course_id: int, **kwargs: Any) -> None:
    tasks.enqueue_on_commit(tasks.points_course_task, user_id, course_id)


def on_certificate_status_changed(
    sender: Any, certificate_id: int, user_id: int, event: str = "", **kwargs: Any
) -> None:
    if event in tasks.CERTIFICATE_POINTS_TASKS:
        tasks.enqueue_on_commit(tasks.CERTIFICATE_POINTS_TASKS[event], user_id, certificate_id)


def on_user_saved(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """A person's department changed (or may have): their totals follow. A save of other
    fields only (the last login, say) costs nothing."""
    if update_fields is not None and "department" not in update_fields:
        return
    points.department_follow(user_id=instance.pk, department_id=instance.department_id)
