"""The dashboard's click roll-up under a worker killed mid-task (issue: faults injected for
real), with real PostgreSQL, Redis and Celery workers, as test_certification_chaos does.

The qualification sweep (beat, every minute) processes each visit once and adds the qualified
clicks to the roll-ups in the same transaction. Worker A is paused inside the sweep, either
after the roll-up write but before the commit, or after the commit but before the message is
acknowledged; its prefork child is SIGKILLed there, worker B runs the redelivered message. In
both cases the roll-ups count each click once: they equal a recomputation from the visits.
"""

from __future__ import annotations

import pytest

from advocacy_share import tasks
from advocacy_share.models import ActivityTotal, Visit
from advocacy_share.services import analytics
from tests.factories.advocacy import TrackedLinkFactory, VisitFactory
from tests.integration.processes import POLL_TIMEOUT, chaos_broker, task_results, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.chaos, pytest.mark.django_db(transaction=True)]

SWEEP = "advocacy_share.tasks.visits_qualify_task"
PAUSE_SECONDS = 40  # below the sweep's soft time limit (50 s)
QUALIFIED = 4

# The project's Celery app; in the pool's processes, ``module.name`` pauses once it returned
# (and marks it in a file), so that the worker can be killed right there.
PAUSE_AFTER_APP = """\
import importlib
import time
from pathlib import Path

from celery.signals import worker_process_init

from lms.celery import app  # noqa: F401


@worker_process_init.connect
def pause_after(**kwargs):
    module = importlib.import_module({module!r})
    real = getattr(module, {name!r})

    def then_pause(*args, **kwargs):
        result = real(*args, **kwargs)
        Path({marker!r}).write_text(repr(result))
        time.sleep({pause!r})
        return result

    setattr(module, {name!r}, then_pause)
"""

# Where A is killed: inside the sweep's transaction, right after the roll-up write; or once the
# sweep committed, before the message is acknowledged.
PAUSES = {
    "before-commit": ("advocacy_share.services.analytics", "activity_clicks_count", str(QUALIFIED), QUALIFIED),
    "after-commit": ("advocacy_share.services.links", "visits_qualify", None, 0),
}


def sweep_results(log: str) -> list[str]:
    """What each sweep that finished in this log returned."""
    return task_results(log, SWEEP)


def clicks_rolled_up() -> dict[tuple, int]:
    rows = ActivityTotal.objects.filter(qualified_clicks__gt=0)
    return {(row.week, row.network, row.content_id, row.campaign_id, row.kind): row.qualified_clicks for row in rows}


@pytest.mark.slow
@pytest.mark.parametrize("where", sorted(PAUSES))
def test_a_worker_killed_mid_click_rollup_counts_each_click_once(live_celery_app, tmp_path, where):
    # given: four clicks from four visitors and one bot's, not yet processed
    module, name, a_result, b_result = PAUSES[where]
    link = TrackedLinkFactory()
    visits = [VisitFactory(link=link) for _ in range(QUALIFIED)] + [VisitFactory(link=link, is_bot=True)]
    marker = tmp_path / "paused-a"
    app = live_celery_app
    with chaos_broker(app, tmp_path) as broker:
        worker_a = broker.worker(
            "rollup-a",
            app_source=PAUSE_AFTER_APP.format(module=module, name=name, marker=str(marker), pause=PAUSE_SECONDS),
        )

        # ... the beat publishes the sweep, and A pauses where the case says
        assert tasks.enqueue(tasks.visits_qualify_task) is True
        wait_until(marker.exists, timeout=POLL_TIMEOUT, what="A pausing in the sweep", log=worker_a.log)

        # when: A's prefork child is killed there, and worker B (no pause) starts
        worker_a.kill_child(app, name="A")
        worker_b = broker.worker("rollup-b")

        # then: B runs the redelivered sweep
        wait_until(
            lambda: sweep_results(worker_b.log.read_text()),
            timeout=POLL_TIMEOUT,
            what="B running the redelivered sweep",
            log=worker_b.log,
        )
        broker.stop_workers()

    # what was confirmed: A got as far as the pause (before the commit: the four clicks added,
    # then rolled back with the killed connection; after it: the four qualified ids), never
    # finished; B did the work left, all of it or none
    log_a, log_b = worker_a.log.read_text(), worker_b.log.read_text()
    assert marker.read_text() == (a_result or repr(sorted(v.pk for v in visits[:QUALIFIED])))
    assert "signal 9 (SIGKILL)" in log_a
    assert sweep_results(log_a) == []
    assert sweep_results(log_b) == [str(b_result)]
    # the rows: every visit processed once, four qualified, and the roll-up counts four clicks,
    # as a recomputation from the visits does
    assert Visit.objects.filter(processed_at__isnull=True).count() == 0
    assert Visit.objects.filter(qualified=True).count() == QUALIFIED
    rolled_up = clicks_rolled_up()
    assert sum(rolled_up.values()) == QUALIFIED
    analytics.activity_rebuild()
    assert clicks_rolled_up() == rolled_up
