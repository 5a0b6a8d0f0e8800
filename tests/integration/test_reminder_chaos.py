"""Share reminders under a worker killed mid-task (issue: faults injected for real), with real
PostgreSQL, Redis and Celery workers, as test_certification_chaos does for the PDF render.

Worker A runs the beat's sweep and is paused right after the reminder email went out; its
prefork child is SIGKILLed there. The sweep's message (late ack, rejected on worker loss) goes
back to the queue, worker B runs it again: exactly one email, the shares reminded once.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from advocacy_share import tasks
from advocacy_share.models import Share
from tests.advocacy.compose_fixtures import certified
from tests.integration.processes import POLL_TIMEOUT, chaos_broker, task_results, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.chaos, pytest.mark.django_db(transaction=True)]

SWEEP = "advocacy_share.tasks.reminders_send_due_task"
PAUSE_SECONDS = 40  # below the sweep's soft time limit (50 s)

# The project's Celery app; in the pool's processes, the reminder sender pauses after the email
# is sent (and marks it in a file), so that the worker can be killed right there.
PAUSE_AFTER_SEND_APP = """\
import time
from pathlib import Path

from celery.signals import worker_process_init

from lms.celery import app  # noqa: F401


@worker_process_init.connect
def pause_after_send(**kwargs):
    from advocacy_share.services import reminders

    real_send = reminders._send_reminder

    def send_then_pause(user, share_ids):
        real_send(user, share_ids)
        Path({marker!r}).write_text(",".join(map(str, share_ids)))
        time.sleep({pause!r})

    reminders._send_reminder = send_then_pause
"""


def sweep_results(log: str) -> list[str]:
    """What each sweep that finished in this log returned."""
    return task_results(log, SWEEP)


@pytest.mark.slow
def test_a_worker_killed_after_sending_a_reminder_does_not_send_it_twice(site, live_celery_app, tmp_path):
    # given: an employee who may share, with two shares (one email) due a minute ago
    user = certified(preferred_language="en")
    due = timezone.now() - timedelta(minutes=1)
    shares = [
        Share.objects.create(
            user=user, network=network, text="Our plant opens", language="en", status="scheduled", scheduled_for=due
        )
        for network in ("linkedin", "x")
    ]
    marker = tmp_path / "sent-by-a"
    app = live_celery_app
    with chaos_broker(app, tmp_path) as broker:
        worker_a = broker.worker(
            "reminder-a", app_source=PAUSE_AFTER_SEND_APP.format(marker=str(marker), pause=PAUSE_SECONDS)
        )

        # ... the beat publishes the sweep, and A sends the email, then pauses
        assert tasks.enqueue(tasks.reminders_send_due_task) is True
        wait_until(marker.exists, timeout=POLL_TIMEOUT, what="A sending the reminder", log=worker_a.log)
        sent_by_a = sorted((tmp_path / "mail").iterdir())

        # when: A's prefork child is killed there, and worker B (no pause) starts
        worker_a.kill_child(app, name="A")
        worker_b = broker.worker("reminder-b")

        # then: B runs the redelivered sweep
        wait_until(
            lambda: sweep_results(worker_b.log.read_text()),
            timeout=POLL_TIMEOUT,
            what="B running the redelivered sweep",
            log=worker_b.log,
        )
        broker.stop_workers()

    # what was confirmed: A sent one email for both shares and never finished; B's sweep, the
    # redelivered message, found nothing left to send
    log_a, log_b = worker_a.log.read_text(), worker_b.log.read_text()
    assert len(sent_by_a) == 1
    assert marker.read_text() == ",".join(str(share.pk) for share in shares)
    assert "signal 9 (SIGKILL)" in log_a
    assert sweep_results(log_a) == []
    assert sweep_results(log_b) == ["{'sent': 0, 'cancelled': 0, 'waiting': 0}"]
    # the rows: one email in all, to the employee; both shares reminded
    mails = sorted((tmp_path / "mail").iterdir())
    assert mails == sent_by_a
    assert f"To: {user.email}" in mails[0].read_text()
    assert sorted(Share.objects.filter(pk__in=[s.pk for s in shares]).values_list("status", flat=True)) == [
        "reminded",
        "reminded",
    ]
