""" "Remind these people" clicked at the same time by several HR editors (or a double click):
one reminder and one email per certificate. Real threads and real commits, through the admin
route; run on the SQLite file database and, with ``DATABASE_URL``, on PostgreSQL."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from certification.models import HolderReminder, ReminderBatch
from tests.certification.test_report import at_now, population  # noqa: F401 - the fixture

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

THREADS = 6


def test_parallel_reminds_send_one_email_per_person(population, hr_editor, run_concurrently):  # noqa: F811
    # given
    clients = []
    for _ in range(THREADS):
        client = Client()
        client.force_login(hr_editor)
        clients.append(client)

    # when
    with at_now():
        responses = run_concurrently(
            THREADS, lambda i: clients[i].post(reverse("certification_report_remind"), {"bucket": "expired"})
        )

    # then
    for response in responses:
        assert not isinstance(response, Exception), response
        assert response.status_code == 302
    assert sorted(message.to[0] for message in mail.outbox) == ["now@example.com", "yesterday@example.com"]
    assert HolderReminder.objects.count() == 2
    assert set(HolderReminder.objects.values_list("state", flat=True)) == {"sent"}
    batches = list(ReminderBatch.objects.values_list("queued", "already_reminded"))
    assert len(batches) == THREADS
    assert sum(queued for queued, _already in batches) == 2
    assert all(queued + already == 2 for queued, already in batches)
