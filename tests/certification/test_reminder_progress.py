"""The progress page of "remind these people": the batch's reminders counted by state from the
rows the sending task updates, the page reloading itself until the batch is finished."""

from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse

from certification.batch_progress import reminder_batch_progress
from certification.models import HolderReminder, ReminderBatch
from tests.certification import test_report
from tests.certification.test_report import REMIND, at_now

# The report's fixtures: its population of certificates and its clients by role.
population = test_report.population
manager_client = test_report.manager_client
figures_only_client = test_report.figures_only_client

PROGRESS = "certification_report_reminders"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _text(page: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</p>', page, re.S)
    assert match is not None, element_id
    return " ".join(match.group(1).split())


def test_the_progress_moves_as_the_task_sends_the_reminders(
    population, hr_editor_client, django_capture_on_commit_callbacks
):
    # given HR asks to remind the two expired holders; the sending task waits for the commit
    with at_now(), django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = hr_editor_client.post(reverse(REMIND), {"bucket": "expired"})
    batch = ReminderBatch.objects.get()
    url = reverse(PROGRESS, args=(batch.pk,))
    assert (response.status_code, response["Location"]) == (302, url)

    # when HR looks before any worker ran
    with at_now():
        before = hr_editor_client.get(url, **EN).content.decode()
    # then nothing is processed yet, and the page reloads itself
    assert _text(before, "reminder-progress-text") == "0 of 2 processed (0%): 0 sent, 0 failed."
    assert _text(before, "reminder-progress-state") == (
        "2 reminders still waiting for a worker. This page refreshes every 3 seconds."
    )
    assert '<meta http-equiv="refresh" content="3">' in before
    assert '<progress max="100" value="0"' in before

    # when the task runs (eagerly, as a worker would) and HR looks again
    with at_now():
        for callback in callbacks:
            callback()
        after = hr_editor_client.get(url, **EN).content.decode()
    # then both are sent, the batch is finished and the page stops reloading
    assert len(mail.outbox) == 2
    assert _text(after, "reminder-progress-text") == "2 of 2 processed (100%): 2 sent, 0 failed."
    assert _text(after, "reminder-progress-state").startswith("Finished on ")
    assert 'http-equiv="refresh"' not in after


def test_the_progress_counts_each_state_in_one_query(population, django_assert_num_queries):
    # given a batch of three reminders: one sent, one failed, one being sent by a worker
    batch = ReminderBatch.objects.create(day=population["certificates"]["now"].issued_at.date(), queued=3)
    certificates = list(population["certificates"].values())[:3]
    for certificate, state in zip(certificates, ("sent", "failed", "sending"), strict=True):
        HolderReminder.objects.create(certificate=certificate, day=batch.day, batch=batch, state=state)
    # when
    with django_assert_num_queries(1):
        progress = reminder_batch_progress(batch=batch)
    # then
    assert progress == {
        "total": 3,
        "sent": 1,
        "failed": 1,
        "waiting": 1,
        "processed": 2,
        "percent": 66,
        "finished": False,
    }


def test_only_those_who_may_remind_see_the_progress(
    population, manager_client, figures_only_client, employee_client, hr_editor_client
):
    # given a batch
    batch = ReminderBatch.objects.create(day=population["certificates"]["now"].issued_at.date())
    url = reverse(PROGRESS, args=(batch.pk,))
    # when / then: others are turned away, HR sees it; an unknown batch is a 404
    for client in (manager_client, figures_only_client, employee_client):
        assert client.get(url).status_code == 302
    assert hr_editor_client.get(url).status_code == 200
    assert hr_editor_client.get(reverse(PROGRESS, args=(batch.pk + 1,))).status_code == 404
