"""The acknowledgement report answers "who still has to accept, since when?": the last
version each person accepted and when, "x of y" per department, the same column names on
screen and in the exports, and "remind these people" (queued, idempotent, audited)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from lms.home.roles import roles_ensure
from policy import reminders, services
from policy.models import AcknowledgementReminder, AcknowledgementReminderBatch, PolicyVersion
from tests.factories.people import DepartmentFactory, UserFactory
from tests.factories.policy import blocks_of, publish_change, section

REPORT = "policy_acknowledgement_report"
REMIND = "policy_acknowledgement_remind"
HEADINGS = [
    "Email",
    "Name",
    "Department",
    "Accepted the current version",
    "Last version accepted",
    "Accepted on",
    "To accept since",
]


@pytest.fixture
def staff(employee, other_employee, policy_hr_editor, version_1, policy_page):
    """Sales: the employee (accepted version 1, then version 2) and Sam (accepted version 1
    only); Marketing: Otto (never accepted); HR: the editor (never accepted). Version 2 is
    current, published on 2026-03-01 at 23:30 UTC (2 March in Paris)."""
    sales, marketing, hr = (DepartmentFactory(name=name) for name in ("Sales", "Marketing", "HR"))
    sam = UserFactory(email="sam@example.com", first_name="Sam", last_name="Seller", department=sales)
    for user, department in ((employee, sales), (other_employee, marketing), (policy_hr_editor, hr)):
        user.department = department
        user.date_joined = datetime(2025, 1, 1, tzinfo=UTC)
        user.save()
    sam.date_joined = datetime(2025, 1, 1, tzinfo=UTC)
    sam.save()
    for user in (employee, sam):
        services.acknowledgement_record(
            user=user, version_id=version_1.pk, text_sha256=version_1.sha256_en, language="en"
        )
    publish_change(
        policy_page,
        material=True,
        summary="IA",
        body=[*blocks_of(policy_page.body), section("ia", "IA", "<p>Rien d’interne.</p>")],
    )
    version_2 = PolicyVersion.objects.get(page=policy_page, number=2)
    PolicyVersion.objects.filter(pk=version_2.pk).update(published_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    version_2.refresh_from_db()
    services.acknowledgement_record(
        user=employee, version_id=version_2.pk, text_sha256=version_2.sha256_en, language="en"
    )
    return {"sales": sales, "marketing": marketing, "hr": hr, "sam": sam, "version_2": version_2}


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def _table(body: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', body, re.S).group(0)
    return [
        [_text(cell) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


def test_each_person_shows_the_last_version_accepted_and_since_when_the_current_one_waits(staff, policy_hr_client):
    # when
    response = policy_hr_client.get(reverse(REPORT), {"export": "csv"})

    # then
    today = timezone.localdate().isoformat()
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines == [
        ",".join(HEADINGS),
        "hr@example.com,Hélène Ressources,HR,No,,,2026-03-02",
        "other@example.com,Otto Ther,Marketing,No,,,2026-03-02",
        f"employee@example.com,Emma Ployee,Sales,Yes,Version 2,{today},",
        f"sam@example.com,Sam Seller,Sales,No,Version 1,{today},2026-03-02",
    ]


def test_screen_and_exports_use_the_same_column_names(staff, policy_hr_client):
    # when
    screen = policy_hr_client.get(reverse(REPORT)).content.decode()
    csv = b"".join(policy_hr_client.get(reverse(REPORT), {"export": "csv"}).streaming_content).decode("utf-8-sig")
    xlsx = policy_hr_client.get(reverse(REPORT), {"export": "xlsx"})

    # then
    listing = screen[screen.index('id="listing-results"') :]
    screen_headings = [_text(cell) for cell in re.findall(r"<th[^>]*>(.*?)</th>", listing.split("</thead>")[0], re.S)]
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert screen_headings == HEADINGS
    assert csv.splitlines()[0].split(",") == HEADINGS
    assert [cell.value for cell in sheet[1]] == HEADINGS


def test_no_true_or_false_in_the_cells_on_screen(staff, policy_hr_client):
    # when
    body = policy_hr_client.get(reverse(REPORT), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    # then
    listing = body[body.index('id="listing-results"') :]
    cells = [_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", listing, re.S)]
    assert "Oui" in cells
    assert "Non" in cells
    assert not {"True", "False"} & set(cells)


def test_totals_per_department_read_x_of_y(staff, policy_hr_client):
    # when
    body = policy_hr_client.get(reverse(REPORT)).content.decode()

    # then
    assert _table(body, "acknowledgement-totals") == [
        ["Department", "Accepted the current version"],
        ["HR", "0 of 1"],
        ["Marketing", "0 of 1"],
        ["Sales", "1 of 2"],
        ["Total", "1 of 4"],
    ]


def test_totals_follow_the_department_filter(staff, policy_hr_client):
    # when
    body = policy_hr_client.get(reverse(REPORT), {"department": staff["sales"].pk}).content.decode()

    # then
    assert _table(body, "acknowledgement-totals")[1:] == [["Sales", "1 of 2"], ["Total", "1 of 2"]]
    assert f'href="{reverse(REMIND)}?department={staff["sales"].pk}"' in body


def test_confirmation_counts_who_will_be_reminded(staff, policy_hr_client):
    # when
    response = policy_hr_client.get(reverse(REMIND))

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "3 people who have not accepted version 2" in _text(body)
    assert AcknowledgementReminder.objects.count() == 0


def test_reminding_queues_one_email_per_person_sends_it_and_audits_it(
    staff, policy_hr_client, policy_hr_editor, django_capture_on_commit_callbacks
):
    # given
    mail.outbox.clear()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = policy_hr_client.post(reverse(REMIND), {"department": staff["sales"].pk})

    # then
    assert response.status_code == 302
    assert response["Location"] == f"{reverse(REPORT)}?department={staff['sales'].pk}"
    batch = AcknowledgementReminderBatch.objects.get()
    assert (batch.queued, batch.already_reminded, batch.requested_by) == (1, 0, policy_hr_editor)
    assert batch.finished_at is not None
    assert list(AcknowledgementReminder.objects.values_list("user__email", "version__number", "state")) == [
        ("sam@example.com", 2, "sent")
    ]
    assert [message.to for message in mail.outbox] == [["sam@example.com"]]
    assert "http://testserver/policy/" in mail.outbox[0].body
    entry = ModelLogEntry.objects.get(action=reminders.REMIND_ACTION)
    assert (entry.user_id, entry.data) == (
        policy_hr_editor.pk,
        {"version": 2, "filters": {"department": "Sales"}, "queued": 1, "already_reminded": 0},
    )


def test_reminding_twice_the_same_day_sends_nothing_more(staff, policy_hr_client, django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        policy_hr_client.post(reverse(REMIND))
    mail.outbox.clear()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        policy_hr_client.post(reverse(REMIND))

    # then
    assert AcknowledgementReminder.objects.count() == 3
    second = AcknowledgementReminderBatch.objects.order_by("pk").last()
    assert (second.queued, second.already_reminded) == (0, 3)
    assert mail.outbox == []


def test_the_task_run_twice_sends_each_reminder_once(staff, policy_hr_editor, django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=False):
        batch = reminders.acknowledgement_reminder_batch_create(requested_by=policy_hr_editor)
    mail.outbox.clear()

    # when
    first = reminders.acknowledgement_reminder_batch_send(batch_id=batch.pk)
    second = reminders.acknowledgement_reminder_batch_send(batch_id=batch.pk)

    # then
    assert first == {"sent": 3, "skipped": 0, "failed": 0}
    assert second == {"sent": 0, "skipped": 0, "failed": 0}
    assert len(mail.outbox) == 3


def test_someone_who_accepts_before_the_email_leaves_gets_none(
    staff, other_employee, policy_hr_editor, django_capture_on_commit_callbacks
):
    # given
    with django_capture_on_commit_callbacks(execute=False):
        batch = reminders.acknowledgement_reminder_batch_create(requested_by=policy_hr_editor)
    version_2 = staff["version_2"]
    services.acknowledgement_record(
        user=other_employee, version_id=version_2.pk, text_sha256=version_2.sha256_en, language="en"
    )
    mail.outbox.clear()

    # when
    counts = reminders.acknowledgement_reminder_batch_send(batch_id=batch.pk)

    # then
    assert counts == {"sent": 2, "skipped": 1, "failed": 0}
    assert sorted(message.to[0] for message in mail.outbox) == ["hr@example.com", "sam@example.com"]


def test_a_bad_department_answers_400_and_queues_nothing(staff, policy_hr_client):
    # when
    response = policy_hr_client.post(reverse(REMIND), {"department": "999999"})

    # then
    assert response.status_code == 400
    assert AcknowledgementReminderBatch.objects.count() == 0
    assert AcknowledgementReminder.objects.count() == 0
    assert ModelLogEntry.objects.filter(action=reminders.REMIND_ACTION).count() == 0


def test_before_the_first_version_reminding_answers_400(employee, superuser_client):
    # when
    response = superuser_client.post(reverse(REMIND))

    # then
    assert response.status_code == 400
    assert AcknowledgementReminderBatch.objects.count() == 0


def test_advocacy_managers_cannot_remind(staff, site, client):
    # given
    manager = UserFactory(email="manager@example.com", groups=[roles_ensure().advocacy_managers])
    client.force_login(manager)

    # when
    response = client.post(reverse(REMIND))

    # then
    assert response.status_code in (302, 403)
    assert AcknowledgementReminder.objects.count() == 0
