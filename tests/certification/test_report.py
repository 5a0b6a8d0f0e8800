"""The certification report: certificates by department × programme × status (valid, expiring
within 30, 31–60, 61–90 days, expired, revoked), the list of holders with its filters and
exports, "remind these people" (queued, idempotent, audited), and who may see what."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry

from certification import lifecycle, selectors
from certification.models import Certificate, CertificateEvent, HolderReminder, ReminderBatch
from lms.home.roles import ADVOCACY_MANAGERS, roles_ensure
from tests.factories.certification import CertificateFactory, CertificationProgramFactory
from tests.factories.people import DepartmentFactory, UserFactory

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
DAY = timedelta(days=1)
REPORT = "certification_report"
REMIND = "certification_report_remind"
BUCKETS = ("valid", "expiring_30", "expiring_60", "expiring_90", "expired", "revoked")


def at_now():
    return time_machine.travel(NOW, tick=False)


def certificate(user, program, expires_in: timedelta | None, **fields) -> Certificate:
    return CertificateFactory(
        user=user,
        program=program,
        issued_at=NOW - 300 * DAY,
        expires_at=None if expires_in is None else NOW + expires_in,
        **fields,
    )


@pytest.fixture
def population(db):
    """Twelve certificates; the hand-computed expectation is in each comment.

    Sales / Ambassadeur: 30 days exactly (≤30), 31 days (31–60), 90 days (61–90), 91 days
    (valid), no expiry (valid), expired yesterday, expiring at this very second (expired),
    revoked while expiring in 10 days (revoked).
    Marketing / Ambassadeur: 60 days (31–60), 61 days (61–90).
    No department / Sécurité: 1 day (≤30).
    Sales / Sécurité: a cycle-1 certificate expired 5 days ago and renewed by a cycle 2 valid
    for a year: only the renewal counts (valid).
    """
    sales, marketing = DepartmentFactory(name="Sales"), DepartmentFactory(name="Marketing")
    advocate = CertificationProgramFactory(name="Ambassadeur", name_en="Advocate", slug="ambassadeur")
    safety = CertificationProgramFactory(name="Sécurité", name_en="Safety", slug="securite")

    def person(email, department, language="en"):
        return UserFactory(
            email=email, first_name=email.split("@")[0].title(), department=department, preferred_language=language
        )

    people = {}
    for name, expires_in, extra in (
        ("d30", 30 * DAY, {}),
        ("d31", 31 * DAY, {}),
        ("d90", 90 * DAY, {}),
        ("d91", 91 * DAY, {}),
        ("never", None, {}),
        ("yesterday", -DAY, {}),
        ("now", timedelta(0), {}),
        ("revoked", 10 * DAY, {"revoked": True}),
    ):
        user = person(f"{name}@example.com", sales, "fr" if name == "yesterday" else "en")
        people[name] = certificate(user, advocate, expires_in, **extra)
    people["d60"] = certificate(person("d60@example.com", marketing), advocate, 60 * DAY)
    people["d61"] = certificate(person("d61@example.com", marketing), advocate, 61 * DAY)
    people["d1"] = certificate(person("d1@example.com", None), safety, DAY)
    renewer = person("renewer@example.com", sales)
    old = certificate(renewer, safety, -5 * DAY)
    people["renewed"] = certificate(renewer, safety, 365 * DAY, cycle=2, supersedes=old)
    return {"sales": sales, "marketing": marketing, "advocate": advocate, "safety": safety, "certificates": people}


def counts(*values):
    return dict(zip(BUCKETS, values, strict=True))


def summary_table(summary):
    return [(row.department_name, row.program_name, row.counts, row.total) for row in summary.rows]


EXPECTED_ROWS = [
    ("Marketing", "Advocate", counts(0, 0, 1, 1, 0, 0), 2),
    ("Sales", "Advocate", counts(2, 1, 1, 1, 2, 1), 8),
    ("Sales", "Safety", counts(1, 0, 0, 0, 0, 0), 1),
    ("No department", "Safety", counts(0, 1, 0, 0, 0, 0), 1),
]
EXPECTED_TOTALS = counts(3, 2, 2, 2, 2, 1)


# --- the figures ------------------------------------------------------------------------------


def test_the_summary_counts_each_current_certificate_once_by_department_programme_and_bucket(population):
    # when
    summary = selectors.report_summary(selectors.report_certificates(now=NOW), no_department_label="No department")

    # then
    assert summary_table(summary) == EXPECTED_ROWS
    assert summary.totals == EXPECTED_TOTALS
    assert summary.total == 12


@pytest.mark.parametrize(
    ("expires_in", "revoked", "bucket"),
    [
        (None, False, "valid"),
        (timedelta(seconds=1), False, "expiring_30"),
        (30 * DAY, False, "expiring_30"),
        (30 * DAY + timedelta(seconds=1), False, "expiring_60"),
        (31 * DAY, False, "expiring_60"),
        (60 * DAY, False, "expiring_60"),
        (61 * DAY, False, "expiring_90"),
        (90 * DAY, False, "expiring_90"),
        (90 * DAY + timedelta(seconds=1), False, "valid"),
        (91 * DAY, False, "valid"),
        (timedelta(0), False, "expired"),
        (-DAY, False, "expired"),
        (10 * DAY, True, "revoked"),
        (-10 * DAY, True, "revoked"),
        (None, True, "revoked"),
    ],
)
def test_a_certificate_falls_in_exactly_one_bucket_around_the_boundaries(db, expires_in, revoked, bucket):
    # given
    made = certificate(
        UserFactory(), CertificationProgramFactory(), expires_in, **({"revoked": True} if revoked else {})
    )

    # when
    found = selectors.report_certificates(now=NOW).get(pk=made.pk).bucket

    # then
    assert found == bucket


def test_the_report_page_shows_the_summary_and_the_people_of_the_filter(population, hr_editor_client):
    # when
    with at_now():
        response = hr_editor_client.get(reverse(REPORT), {"bucket": "expiring_30"})

    # then
    assert response.status_code == 200
    assert summary_table(response.context["summary"]) == EXPECTED_ROWS
    assert [c.user.email for c in response.context["object_list"]] == ["d1@example.com", "d30@example.com"]
    html = response.content.decode()
    for bucket in BUCKETS:
        assert f'href="#definition-{bucket}"' in html
        assert f'id="definition-{bucket}"' in html
    assert "Each certificate counts in one column only" in html


def test_the_summary_follows_the_programme_and_department_filter(population, hr_editor_client):
    # when
    with at_now():
        response = hr_editor_client.get(
            reverse(REPORT), {"program": population["advocate"].pk, "department": population["sales"].pk}
        )

    # then
    assert summary_table(response.context["summary"]) == [EXPECTED_ROWS[1]]
    assert len(response.context["object_list"]) == 8


def test_the_list_filters_holders_without_a_department(population, hr_editor_client):
    # when
    with at_now():
        response = hr_editor_client.get(reverse(REPORT), {"department": "null"})

    # then
    assert [c.user.email for c in response.context["object_list"]] == ["d1@example.com"]
    assert summary_table(response.context["summary"]) == [EXPECTED_ROWS[3]]


@pytest.mark.parametrize("params", [{"bucket": "nearly"}, {"program": "999999"}, {"department": "abc"}])
def test_a_filter_that_does_not_validate_answers_400_and_exports_nothing(population, hr_editor_client, params):
    # when
    with at_now():
        page = hr_editor_client.get(reverse(REPORT), params)
        export = hr_editor_client.get(reverse(REPORT), {**params, "export": "csv"})

    # then
    assert page.status_code == 400
    assert "The filter is not valid" in page.content.decode()
    assert "@example.com" not in page.content.decode()
    assert export.status_code == 400


def _report_queries(client) -> int:
    with at_now(), CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(REPORT))
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_report_runs_a_constant_number_of_queries(db, hr_editor_client):
    # given: 5 certificates in 5 departments and 2 programmes
    programs = [CertificationProgramFactory(), CertificationProgramFactory()]

    def add(n):
        for i in range(n):
            department = DepartmentFactory(name=f"Department {i % 5}")
            user = UserFactory(department=department)
            certificate(user, programs[i % 2], (i * 7 - 20) * DAY)

    add(5)
    five = _report_queries(hr_editor_client)

    # when: 45 more (50)
    add(45)
    fifty = _report_queries(hr_editor_client)

    # then
    assert Certificate.objects.count() == 50
    assert fifty == five


# --- exports ----------------------------------------------------------------------------------

CSV_HEADER = "Holder,Email,Department,Programme,Status,Issued on,Expires on,Days left"


def _csv(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def test_the_csv_export_has_a_bom_the_exact_header_and_the_filtered_rows(population, hr_editor_client):
    # when
    with at_now():
        response = hr_editor_client.get(reverse(REPORT), {"export": "csv", "bucket": "expired"})

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="certification-report-2026-06-01.csv"'
    assert _csv(response) == (
        f"\ufeff{CSV_HEADER}\r\n"
        "Yesterday Learner,yesterday@example.com,Sales,Advocate,Expired,2025-08-05,2026-05-31,-1\r\n"
        "Now Learner,now@example.com,Sales,Advocate,Expired,2025-08-05,2026-06-01,0\r\n"
    )


def test_a_name_that_looks_like_a_formula_is_exported_as_text(population, hr_editor_client):
    # given
    made = population["certificates"]["d1"]
    Certificate.objects.filter(pk=made.pk).update(holder_name='=HYPERLINK("http://evil.example","x")')

    # when
    with at_now():
        response = hr_editor_client.get(reverse(REPORT), {"export": "csv", "department": "null"})

    # then
    assert _csv(response).splitlines()[1] == (
        '"\'=HYPERLINK(""http://evil.example"",""x"")",d1@example.com,No department,Safety,'
        "Expiring within 30 days,2025-08-05,2026-06-02,1"
    )


def test_the_xlsx_export_reads_back_with_the_same_rows(population, hr_editor_client):
    # when
    with at_now():
        response = hr_editor_client.get(reverse(REPORT), {"export": "xlsx", "department": population["marketing"].pk})

    # then
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows == [
        tuple(CSV_HEADER.split(",")),
        (
            "D60 Learner",
            "d60@example.com",
            "Marketing",
            "Advocate",
            "Expiring in 31–60 days",
            "2025-08-05",
            "2026-07-31",
            60,
        ),
        (
            "D61 Learner",
            "d61@example.com",
            "Marketing",
            "Advocate",
            "Expiring in 61–90 days",
            "2025-08-05",
            "2026-08-01",
            61,
        ),
    ]


def test_the_report_and_its_export_speak_french(population, hr_editor_client):
    # when
    with at_now():
        page = hr_editor_client.get(reverse(REPORT), HTTP_ACCEPT_LANGUAGE="fr")
        export = hr_editor_client.get(
            reverse(REPORT), {"export": "csv", "department": "null"}, HTTP_ACCEPT_LANGUAGE="fr"
        )

    # then
    html = page.content.decode()
    assert "Expire dans 30 jours ou moins" in html
    assert "Sans service" in html
    lines = _csv(export).lstrip("\ufeff").splitlines()
    assert lines == [
        "Titulaire,E-mail,Service,Programme,État,Délivré le,Expire le,Jours restants",
        "D1 Learner,d1@example.com,Sans service,Sécurité,Expire dans 30 jours ou moins,2025-08-05,2026-06-02,1",
    ]


# --- who may see what -----------------------------------------------------------------------------


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager_client(site):
    roles_ensure()
    return signed_in(UserFactory(email="manager@example.com", groups=[Group.objects.get(name=ADVOCACY_MANAGERS)]))


@pytest.fixture
def figures_only_client(site):
    """An admin user allowed the report's figures, not the people."""
    group = Group.objects.create(name="Figures only")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="report_certificate")
    )
    return signed_in(UserFactory(email="figures@example.com", groups=[group]))


def _urls():
    return [
        reverse(REPORT),
        reverse(REPORT) + "?export=csv",
        reverse(REPORT) + "?export=xlsx",
        reverse(REMIND) + "?bucket=expiring_30",
    ]


@pytest.mark.parametrize("url_index", range(4))
def test_anonymous_people_are_sent_to_the_login(population, site, client, url_index):
    # when
    response = client.get(_urls()[url_index])

    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("url_index", range(4))
def test_a_learner_is_refused(population, employee_client, url_index):
    # when
    response = employee_client.get(_urls()[url_index])

    # then
    assert response.status_code == 302
    assert "@example.com" not in response.content.decode()


@pytest.mark.parametrize("url_index", range(4))
def test_an_advocacy_manager_is_refused(population, manager_client, url_index):
    # when
    response = manager_client.get(_urls()[url_index])

    # then: sent to the admin home with "no permission", nothing of the report
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert "d30@example.com" not in response.content.decode()


@pytest.mark.parametrize("url_index", range(4))
def test_hr_editors_and_superusers_see_export_and_remind(population, hr_editor_client, superuser_client, url_index):
    for client in (hr_editor_client, superuser_client):
        # when
        with at_now():
            response = client.get(_urls()[url_index])

        # then
        assert response.status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "learner", "advocacy manager", "figures only"])
def test_only_roles_allowed_to_remind_can_post_a_reminder(
    population, client, employee_client, manager_client, figures_only_client, who
):
    # given
    poster = {
        "anonymous": client,
        "learner": employee_client,
        "advocacy manager": manager_client,
        "figures only": figures_only_client,
    }[who]
    # when
    with at_now():
        response = poster.post(reverse(REMIND), {"bucket": "expired"})

    # then
    assert response.status_code == 302
    assert ReminderBatch.objects.count() == 0
    assert HolderReminder.objects.count() == 0
    assert mail.outbox == []


def test_the_reports_menu_shows_the_report_to_hr_editors_only(population, hr_editor_client, manager_client):
    # when
    hr = hr_editor_client.get(reverse("wagtailadmin_home"))
    manager = manager_client.get(reverse("wagtailadmin_home"))

    # then
    assert reverse(REPORT) in hr.content.decode()
    assert reverse(REPORT) not in manager.content.decode()


def test_a_role_allowed_the_figures_only_sees_no_one(population, figures_only_client):
    # when
    with at_now():
        page = figures_only_client.get(reverse(REPORT))
        export = figures_only_client.get(reverse(REPORT), {"export": "csv"})
        remind = figures_only_client.get(reverse(REMIND), {"bucket": "expired"})

    # then
    assert page.status_code == 200
    assert summary_table(page.context["summary"]) == EXPECTED_ROWS
    assert list(page.context["object_list"]) == []
    html = page.content.decode()
    assert "@example.com" not in html
    assert "Learner" not in html
    assert "Your role shows the figures only" in html
    assert (export.status_code, export["Location"]) == (302, reverse("wagtailadmin_home"))
    assert (remind.status_code, remind["Location"]) == (302, reverse("wagtailadmin_home"))


# --- remind these people --------------------------------------------------------------------------


def test_the_remind_button_appears_for_expiring_and_expired_statuses_only(population, hr_editor_client):
    with at_now():
        for bucket, shown in (("expiring_30", True), ("expired", True), ("valid", False), ("revoked", False)):
            # when
            response = hr_editor_client.get(reverse(REPORT), {"bucket": bucket})

            # then
            assert bool(response.context["remind_url"]) is shown
            assert (reverse(REMIND) in response.content.decode()) is shown


def test_the_confirmation_says_how_many_people_will_be_reminded(population, hr_editor_client):
    # when
    with at_now():
        response = hr_editor_client.get(reverse(REMIND), {"bucket": "expiring_30"})

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 people will receive a reminder" in html
    assert "0 people of this list were already reminded today" in html
    assert ReminderBatch.objects.count() == 0


def _remind(client, data, capture):
    with at_now(), capture(execute=True):
        return client.post(reverse(REMIND), data)


def test_remind_sends_one_email_each_in_the_holders_language_and_twice_sends_nothing_more(
    population, hr_editor, hr_editor_client, django_capture_on_commit_callbacks
):
    # given
    certificates = population["certificates"]

    # when
    first = _remind(hr_editor_client, {"bucket": "expired"}, django_capture_on_commit_callbacks)
    second = _remind(hr_editor_client, {"bucket": "expired"}, django_capture_on_commit_callbacks)

    # then
    assert first.status_code == 302
    batch = ReminderBatch.objects.order_by("pk").first()
    assert first["Location"] == reverse("certification_report_reminders", args=(batch.pk,))
    # the second queues nothing: back to the report
    assert (second.status_code, second["Location"]) == (302, reverse(REPORT) + "?bucket=expired")
    assert sorted(message.to[0] for message in mail.outbox) == ["now@example.com", "yesterday@example.com"]
    by_holder = {message.to[0]: message for message in mail.outbox}
    assert by_holder["yesterday@example.com"].subject == "Votre certificat a expiré\xa0: renouvelez-le"
    assert "a expiré le 31 mai 2026" in by_holder["yesterday@example.com"].body
    assert by_holder["now@example.com"].subject == "Your certificate has expired: renew it"
    assert "http://" in by_holder["now@example.com"].body or "https://" in by_holder["now@example.com"].body
    assert list(HolderReminder.objects.order_by("certificate_id").values_list("certificate_id", "day", "state")) == [
        (certificates["yesterday"].pk, NOW.date(), "sent"),
        (certificates["now"].pk, NOW.date(), "sent"),
    ]
    assert [(b.queued, b.already_reminded) for b in ReminderBatch.objects.order_by("pk")] == [(2, 0), (0, 2)]
    assert CertificateEvent.objects.filter(action="reminded", key="hr-reminder:2026-06-01").count() == 2
    assert CertificateEvent.objects.filter(action="reminded", actor=hr_editor).count() == 2


def test_the_confirmation_counts_those_already_reminded_today(
    population, hr_editor_client, django_capture_on_commit_callbacks
):
    # given
    _remind(hr_editor_client, {"bucket": "expiring_30", "department": "null"}, django_capture_on_commit_callbacks)

    # when
    with at_now():
        response = hr_editor_client.get(reverse(REMIND), {"bucket": "expiring_30"})

    # then
    html = response.content.decode()
    assert "1 person will receive a reminder" in html
    assert "1 person of this list was already reminded today" in html


def test_a_reminder_can_be_sent_again_the_next_day(population, hr_editor_client, django_capture_on_commit_callbacks):
    # given
    _remind(hr_editor_client, {"bucket": "expiring_30", "department": "null"}, django_capture_on_commit_callbacks)

    # when: the next day, the certificate has expired
    with time_machine.travel(NOW + DAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        hr_editor_client.post(reverse(REMIND), {"bucket": "expired", "department": "null"})

    # then
    assert [message.to[0] for message in mail.outbox] == ["d1@example.com", "d1@example.com"]
    assert HolderReminder.objects.count() == 2


def test_remind_is_audited_with_actor_filter_and_counts(
    population, hr_editor, hr_editor_client, django_capture_on_commit_callbacks
):
    # when
    _remind(
        hr_editor_client,
        {"bucket": "expiring_30", "program": population["safety"].pk},
        django_capture_on_commit_callbacks,
    )

    # then
    batch = ReminderBatch.objects.get()
    entry = ModelLogEntry.objects.get(action="certification.remind_holders")
    assert entry.user_id == hr_editor.pk
    assert entry.object_id == str(batch.pk)
    assert entry.data == {
        "filters": {"program": "Sécurité", "bucket": "expiring_30"},
        "queued": 1,
        "already_reminded": 0,
    }
    assert entry.message == "Renewal reminders queued: 1; already reminded that day: 0"


def test_the_task_run_twice_sends_one_email_per_person(population, hr_editor, django_capture_on_commit_callbacks):
    # given: the batch is made, its task not run yet
    with at_now(), django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = lifecycle.reminder_batch_create(requested_by=hr_editor, bucket="expiring_60")
    assert len(callbacks) == 1

    # when
    with at_now():
        first = lifecycle.reminder_batch_send(batch_id=batch.pk)
        second = lifecycle.reminder_batch_send(batch_id=batch.pk)

    # then
    assert first == {"sent": 2, "failed": 0}
    assert second == {"sent": 0, "failed": 0}
    assert sorted(message.to[0] for message in mail.outbox) == ["d31@example.com", "d60@example.com"]
    assert ReminderBatch.objects.get().finished_at == NOW


def test_nothing_is_enqueued_when_the_request_rolls_back(population, hr_editor, django_capture_on_commit_callbacks):
    # when
    with at_now(), django_capture_on_commit_callbacks(execute=False) as callbacks:
        with pytest.raises(RuntimeError), __import__("django.db").db.transaction.atomic():
            lifecycle.reminder_batch_create(requested_by=hr_editor, bucket="expired")
            raise RuntimeError

    # then
    assert callbacks == []
    assert ReminderBatch.objects.count() == 0
    assert HolderReminder.objects.count() == 0


def test_a_failed_email_is_queued_again_by_the_next_remind(
    population, hr_editor_client, monkeypatch, django_capture_on_commit_callbacks
):
    # given: the mail server refuses the first attempt
    from certification import notifications

    real = notifications.send_renewal_reminder

    def smtp_down(*args, **kwargs):
        raise ConnectionError("smtp down")

    monkeypatch.setattr(notifications, "send_renewal_reminder", smtp_down)
    _remind(hr_editor_client, {"bucket": "expiring_30", "department": "null"}, django_capture_on_commit_callbacks)
    assert HolderReminder.objects.get().state == "failed"
    assert HolderReminder.objects.get().error == "smtp down"

    # when
    monkeypatch.setattr(notifications, "send_renewal_reminder", real)
    with at_now():
        confirmation = hr_editor_client.get(reverse(REMIND), {"bucket": "expiring_30", "department": "null"})
    _remind(hr_editor_client, {"bucket": "expiring_30", "department": "null"}, django_capture_on_commit_callbacks)

    # then
    assert "1 person will receive a reminder" in confirmation.content.decode()
    assert [message.to[0] for message in mail.outbox] == ["d1@example.com"]
    assert HolderReminder.objects.get().state == "sent"


@pytest.mark.parametrize("bucket", ["", "valid", "revoked"])
def test_remind_refuses_a_status_whose_holders_cannot_renew(population, hr_editor_client, bucket):
    # when
    with at_now():
        page = hr_editor_client.get(reverse(REMIND), {"bucket": bucket})
        post = hr_editor_client.post(reverse(REMIND), {"bucket": bucket})

    # then
    assert page.status_code == 400
    assert post.status_code == 400
    assert "Reminders go to the holders of expiring or expired certificates" in post.content.decode()
    assert ReminderBatch.objects.count() == 0
    assert mail.outbox == []


def test_remind_refuses_a_filter_that_does_not_validate(population, hr_editor_client):
    # when
    with at_now():
        response = hr_editor_client.post(reverse(REMIND), {"bucket": "expired", "program": "nope"})

    # then
    assert response.status_code == 400
    assert "The filter is not valid." in response.content.decode()
    assert ReminderBatch.objects.count() == 0


def test_the_confirmation_page_speaks_french(population, hr_editor_client):
    # when
    with at_now():
        response = hr_editor_client.get(reverse(REMIND), {"bucket": "expiring_30"}, HTTP_ACCEPT_LANGUAGE="fr")

    # then
    html = response.content.decode()
    assert "2 personnes vont recevoir un rappel" in html


def test_a_batch_whose_message_was_lost_is_sent_by_the_reconciliation_once(
    population, hr_editor, django_capture_on_commit_callbacks
):
    # given: the batch's message never reached a worker
    with at_now(), django_capture_on_commit_callbacks(execute=False):
        batch = lifecycle.reminder_batch_create(requested_by=hr_editor, bucket="expiring_90")

    # when: the beat job five minutes later, then eleven, then again
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        early = lifecycle.reminder_batches_reconcile()
    with time_machine.travel(NOW + timedelta(minutes=11), tick=False):
        late = lifecycle.reminder_batches_reconcile()
        again = lifecycle.reminder_batches_reconcile()

    # then: the (eager) task ran once and finished the batch
    assert (early, late, again) == (0, 1, 0)
    assert sorted(message.to[0] for message in mail.outbox) == ["d61@example.com", "d90@example.com"]
    batch.refresh_from_db()
    assert batch.finished_at == NOW + timedelta(minutes=11)
