"""Every beat entry names a task the worker knows (TESTPLAN 46). Needs no service."""

from __future__ import annotations

import pytest

from lms.celery import app

pytestmark = pytest.mark.integration


def test_every_beat_schedule_entry_names_a_registered_task():
    # given: the tasks of every installed app, as the worker imports them at start
    app.loader.import_default_modules()
    schedule = app.conf.beat_schedule

    # when
    unknown = {name: entry["task"] for name, entry in schedule.items() if entry["task"] not in app.tasks}

    # then
    assert schedule, "the beat schedule is empty"
    assert unknown == {}
