"""Course assignments: creating them (service and admin), reminder emails, and /me/."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from courses import api, services
from courses.models import Assignment, AssignmentReminder, Enrollment
from courses.tasks import assignment_reminders_send_task
from lms.people.privacy import export_user
from tests.factories.courses import AssignmentFactory, CoursePageFactory
from tests.factories.people import DepartmentFactory, UserFactory

TODAY = datetime.date(2026, 3, 20)
NOW = datetime.datetime(2026, 3, 20, 9, 0, tzinfo=datetime.UTC)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def course(course_index):
    return CoursePageFactory(parent=course_index, title="Posting safely")


@pytest.fixture
def sales(db):
    return DepartmentFactory(name="Sales")


# --- the service ----------------------------------------------------------------------------


def test_a_course_is_assigned_to_each_department_and_person_given(course, sales, employee, hr_editor):
    # when
    created = api.assignments_create(
        course_id=course.pk,
        due_date=TODAY,
        department_ids=[sales.pk],
        user_ids=[employee.pk],
        assigned_by_id=hr_editor.pk,
    )

    # then
    rows = list(Assignment.objects.order_by("pk").values_list("pk", "department_id", "user_id", "assigned_by_id"))
    assert rows == [
        (created.assignment_ids[0], sales.pk, None, hr_editor.pk),
        (created.assignment_ids[1], None, employee.pk, hr_editor.pk),
    ]


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"course_id": 0}, "unknown_course", "Choose a published course."),
        ({"department_ids": [], "user_ids": []}, "no_assignee", "Choose at least one department or one person."),
        ({"due_date": datetime.date(2026, 3, 19)}, "due_date_past", "The due date cannot be in the past."),
        ({"department_ids": [999999]}, "unknown_department", "One of the departments does not exist."),
        ({"user_ids": [999999]}, "unknown_person", "One of the people does not exist or is inactive."),
    ],
)
def test_a_bad_assignment_is_refused_with_a_clear_error_and_nothing_is_made(course, sales, change, code, message):
    # given
    arguments = {"course_id": course.pk, "due_date": TODAY, "department_ids": [sales.pk], **change}

    # when
    with pytest.raises(api.AssignmentError) as refused:
        api.assignments_create(**arguments)

    # then
    assert (refused.value.code, refused.value.message, refused.value.status) == (code, message, 400)
    assert Assignment.objects.count() == 0


def test_an_inactive_person_cannot_be_assigned(course):
    # given
    gone = UserFactory(is_active=False)

    # when / then
    with pytest.raises(api.AssignmentError, match="unknown_person"):
        api.assignments_create(course_id=course.pk, due_date=TODAY, user_ids=[gone.pk])


def test_the_database_refuses_an_assignment_with_both_targets_or_none(course, sales, employee):
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(course=course, department=sales, user=employee, due_date=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(course=course, due_date=TODAY)


# --- the admin -------------------------------------------------------------------------------


def test_hr_assigns_a_course_to_a_department_and_people_by_email_in_the_admin(
    course, sales, employee, other_employee, hr_editor, hr_editor_client
):
    # when
    response = hr_editor_client.post(
        reverse("course_assignments:add"),
        {
            "course": course.pk,
            "due_date": "2026-04-01",
            "departments": [sales.pk],
            "emails": "Employee@example.com,\nother@example.com other@example.com",
        },
    )

    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("course_assignments:index")
    assert list(
        Assignment.objects.order_by("pk").values_list(
            "course_id", "department_id", "user_id", "due_date", "assigned_by_id"
        )
    ) == [
        (course.pk, sales.pk, None, datetime.date(2026, 4, 1), hr_editor.pk),
        (course.pk, None, employee.pk, datetime.date(2026, 4, 1), hr_editor.pk),
        (course.pk, None, other_employee.pk, datetime.date(2026, 4, 1), hr_editor.pk),
    ]
    listing = hr_editor_client.get(reverse("course_assignments:index"))
    assert listing.status_code == 200
    assert "Posting safely" in listing.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        (
            {"emails": "nobody@example.com, employee@example.com"},
            "emails",
            "No active person has the email address: nobody@example.com.",
        ),
        (
            {"due_date": "2026-03-19", "emails": "employee@example.com"},
            "due_date",
            "The due date cannot be in the past.",
        ),
        ({}, "__all__", "Choose at least one department or one person."),
    ],
)
def test_a_bad_assignment_form_shows_a_clear_error_and_saves_nothing(
    course, employee, hr_editor_client, data, field, error
):
    # when
    response = hr_editor_client.post(
        reverse("course_assignments:add"), {"course": course.pk, "due_date": "2026-04-01", **data}
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [error]
    assert Assignment.objects.count() == 0


@pytest.mark.parametrize("course_value", ["abc", "1 OR 1=1", "999999"])
def test_a_tampered_course_is_a_form_error_not_a_crash(employee, hr_editor_client, course_value):
    # when
    response = hr_editor_client.post(
        reverse("course_assignments:add"),
        {"course": course_value, "due_date": "2026-04-01", "emails": "employee@example.com"},
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors["course"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert Assignment.objects.count() == 0


def test_an_employee_cannot_assign_courses(course, employee_client):
    # when
    response = employee_client.post(
        reverse("course_assignments:add"), {"course": course.pk, "due_date": "2026-04-01", "emails": "x@example.com"}
    )

    # then
    assert response.status_code == 302
    assert Assignment.objects.count() == 0


# --- reminders -------------------------------------------------------------------------------


def _subjects() -> list[tuple[str, str]]:
    return sorted((message.to[0], message.subject) for message in mail.outbox)


def test_due_soon_and_overdue_emails_go_once_each_even_when_the_sweep_runs_twice(course, sales):
    # given: due in 3 days for the department (two members); overdue for a person
    late_course = CoursePageFactory(parent=course.get_parent(), title="Late course")
    UserFactory(email="a@example.com", department=sales)
    UserFactory(email="b@example.com", department=sales)
    late = UserFactory(email="late@example.com")
    AssignmentFactory(course=course, department=sales, due_date=datetime.date(2026, 3, 23))
    AssignmentFactory(course=late_course, user=late, due_date=datetime.date(2026, 3, 19))

    # when
    first = assignment_reminders_send_task.delay().get()
    second = assignment_reminders_send_task.delay().get()

    # then
    assert (first, second) == (3, 0)
    assert _subjects() == [
        ("a@example.com", "“Posting safely” is due in 3 days"),
        ("b@example.com", "“Posting safely” is due in 3 days"),
        ("late@example.com", "“Late course” is overdue"),
    ]
    assert AssignmentReminder.objects.count() == 3
    body = next(message.body for message in mail.outbox if message.to == ["a@example.com"])
    assert "by 23 March 2026" in body
    assert f"http://testserver{course.url}" in body


def test_the_overdue_email_follows_the_due_soon_one_once_the_date_passes(course, employee):
    # given
    AssignmentFactory(course=course, user=employee, due_date=datetime.date(2026, 3, 21))
    services.assignment_reminders_send(today=TODAY)

    # when
    services.assignment_reminders_send(today=datetime.date(2026, 3, 22))
    services.assignment_reminders_send(today=datetime.date(2026, 3, 23))

    # then
    assert [m.subject for m in mail.outbox] == ["“Posting safely” is due in 1 day", "“Posting safely” is overdue"]


def test_nothing_is_sent_far_from_the_due_date_nor_once_the_course_is_completed(course, employee, other_employee):
    # given
    AssignmentFactory(course=course, user=employee, due_date=datetime.date(2026, 3, 24))
    AssignmentFactory(course=course, user=other_employee, due_date=datetime.date(2026, 3, 1))
    Enrollment.objects.create(user=other_employee, course=course, completed_at=NOW)

    # when
    sent = services.assignment_reminders_send(today=TODAY)

    # then
    assert sent == 0
    assert mail.outbox == []


def test_a_person_assigned_twice_gets_one_email_for_the_earliest_due_date(course, sales):
    # given
    person = UserFactory(email="p@example.com", department=sales)
    AssignmentFactory(course=course, department=sales, due_date=datetime.date(2026, 3, 22))
    AssignmentFactory(course=course, user=person, due_date=datetime.date(2026, 3, 20))

    # when
    sent = services.assignment_reminders_send(today=TODAY)

    # then
    assert sent == 1
    assert [m.subject for m in mail.outbox] == ["“Posting safely” is due today"]


def test_the_email_is_in_the_person_s_language(course):
    # given
    person = UserFactory(email="fr@example.com", preferred_language="fr")
    AssignmentFactory(course=course, user=person, due_date=datetime.date(2026, 3, 10))

    # when
    services.assignment_reminders_send(today=TODAY)

    # then
    assert [m.subject for m in mail.outbox] == ["«\u202fPosting safely\u202f» est en retard"]
    assert "10 mars 2026" in mail.outbox[0].body


def test_a_failed_email_is_sent_again_by_the_next_run(course, employee, monkeypatch):
    # given
    AssignmentFactory(course=course, user=employee, due_date=datetime.date(2026, 3, 10))

    def broken(*args, **kwargs):
        raise ConnectionError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    assert services.assignment_reminders_send(today=TODAY) == 0
    assert AssignmentReminder.objects.count() == 0
    monkeypatch.undo()

    # when
    sent = services.assignment_reminders_send(today=TODAY)

    # then
    assert sent == 1
    assert AssignmentReminder.objects.count() == 1


@pytest.fixture
def shared(course, sales):
    """A person of Sales assigned "Posting safely" through two programmes (each with another
    course), through a direct assignment and through their department, all due on 23 March;
    and "Late course" directly, overdue since 19 March."""
    index = course.get_parent()
    person = UserFactory(email="p@example.com", first_name="Pat", last_name="Doe", department=sales)
    due = datetime.date(2026, 3, 23)
    courses = {
        "basics": CoursePageFactory(parent=index, title="Basics"),
        "ethics": CoursePageFactory(parent=index, title="Ethics"),
        "late": CoursePageFactory(parent=index, title="Late course"),
    }
    for programme_id, other in ((1, courses["basics"]), (2, courses["ethics"])):
        for assigned in (course, other):
            AssignmentFactory(
                course=assigned,
                user=person,
                due_date=due,
                programme_id=programme_id,
                programme_label=f"P{programme_id}",
            )
    AssignmentFactory(course=course, user=person, due_date=due)
    AssignmentFactory(course=course, department=sales, due_date=due)
    AssignmentFactory(course=courses["late"], user=person, due_date=datetime.date(2026, 3, 19))
    return {"person": person, "due": due, **courses}


def test_one_email_per_person_lists_each_course_due_once(course, shared):
    # when
    sent = services.assignment_reminders_send(today=TODAY)

    # then: one email; the shared course once, overdue first
    assert sent == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [(["p@example.com"], "4 assigned courses to complete")]
    body = mail.outbox[0].body
    assert body.count("“Posting safely”") == 1
    lines = [line.strip() for line in body.splitlines() if line.startswith("- ")]
    assert lines == [
        "- “Late course”, due on 19 March 2026: overdue",
        "- “Basics”, due by 23 March 2026",
        "- “Ethics”, due by 23 March 2026",
        "- “Posting safely”, due by 23 March 2026",
    ]
    assert f"http://testserver{course.url}" in body
    assert body.startswith("Hello Pat Doe,")
    assert sorted(
        AssignmentReminder.objects.values_list("assignment__course__title", "assignment__programme_id", "kind")
    ) == [
        ("Basics", 1, "due_soon"),
        ("Ethics", 2, "due_soon"),
        ("Late course", None, "overdue"),
        ("Posting safely", 1, "due_soon"),
    ]


def test_a_second_sweep_and_another_assignment_of_the_same_course_send_nothing_more(course, shared):
    # given
    services.assignment_reminders_send(today=TODAY)
    AssignmentFactory(course=course, user=shared["person"], due_date=shared["due"], programme_id=3)

    # when: the same hour's sweep again, and the next day's
    again = services.assignment_reminders_send(today=TODAY)
    tomorrow = services.assignment_reminders_send(today=datetime.date(2026, 3, 21))

    # then
    assert (again, tomorrow) == (0, 0)
    assert len(mail.outbox) == 1
    assert AssignmentReminder.objects.count() == 4


def test_the_list_email_is_in_the_person_s_language(shared):
    # given
    shared["person"].preferred_language = "fr"
    shared["person"].save()

    # when
    services.assignment_reminders_send(today=TODAY)

    # then
    assert [m.subject for m in mail.outbox] == ["4 formations affectées à terminer"]
    assert "- «\u202fLate course\u202f», à terminer le 19 mars 2026\xa0: en retard" in mail.outbox[0].body
    assert "- «\u202fBasics\u202f», à terminer d’ici le 23 mars 2026" in mail.outbox[0].body


def test_a_failed_list_email_gives_every_claim_back(shared, monkeypatch):
    # given
    def broken(*args, **kwargs):
        raise ConnectionError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)

    # when
    sent = services.assignment_reminders_send(today=TODAY)

    # then
    assert sent == 0
    assert AssignmentReminder.objects.count() == 0


# --- /me/ -------------------------------------------------------------------------------------


def _assigned_cards(response) -> list[tuple[str, str, str, str]]:
    match = re.search(r'aria-labelledby="assigned-to-you">(.*?)</section>', response.content.decode(), re.S)
    assert match is not None
    cards = re.findall(
        r'<h3 class="progress-card__title"><a href="([^"]*)">([^<]*)</a></h3>\s*'
        r'<span class="badge[^"]*">(.*?)</span>.*?<p class="progress-card__meta muted small">(.*?)</p>',
        match.group(1),
        re.S,
    )
    return [(url, title, " ".join(badge.split()), " ".join(meta.split())) for url, title, badge, meta in cards]


def test_me_lists_what_is_assigned_with_its_status(course, course_index, sales, employee, employee_client):
    # given: via the department (joined after the assignment), directly, overdue, done
    AssignmentFactory(course=course, department=sales, due_date=datetime.date(2026, 3, 25))
    employee.department = sales
    employee.save()
    overdue = CoursePageFactory(parent=course_index, title="Overdue course")
    done = CoursePageFactory(parent=course_index, title="Done course")
    today = CoursePageFactory(parent=course_index, title="Today course")
    AssignmentFactory(course=overdue, user=employee, due_date=datetime.date(2026, 3, 18))
    AssignmentFactory(course=done, user=employee, due_date=datetime.date(2026, 3, 1))
    AssignmentFactory(course=today, user=employee, due_date=TODAY)
    Enrollment.objects.create(user=employee, course=done, completed_at=NOW)

    # when
    response = employee_client.get("/me/", **EN)

    # then
    assert _assigned_cards(response) == [
        (done.url, "Done course", "Done", "To complete by 1 March 2026"),
        (overdue.url, "Overdue course", "Overdue", "To complete by 18 March 2026"),
        (today.url, "Today course", "Due today", "To complete by 20 March 2026"),
        (course.url, "Posting safely", "Due in 5 days", "To complete by 25 March 2026"),
    ]


def test_me_has_no_assigned_section_when_nothing_is_assigned(employee_client):
    # when
    response = employee_client.get("/me/", **EN)

    # then
    assert 'aria-labelledby="assigned-to-you"' not in response.content.decode()


def test_another_person_s_assignment_is_not_on_my_space(course, other_employee, employee_client):
    # given
    AssignmentFactory(course=course, user=other_employee, due_date=datetime.date(2026, 3, 25))

    # when
    response = employee_client.get("/me/", **EN)

    # then
    assert 'aria-labelledby="assigned-to-you"' not in response.content.decode()


def test_a_person_s_data_export_carries_their_assignments_and_reminders(course, employee, sales):
    # given
    AssignmentFactory(course=course, user=employee, due_date=datetime.date(2026, 3, 10), programme_label="Ambassadeur")
    AssignmentFactory(course=course, department=sales, due_date=datetime.date(2026, 3, 10))
    services.assignment_reminders_send(today=TODAY)

    # when
    exported = export_user(employee)

    # then
    assert exported["courses.Assignment"] == [
        {
            "course": "Posting safely",
            "due_date": "2026-03-10",
            "assigned_at": NOW.isoformat(),
            "programme": "Ambassadeur",
        }
    ]
    assert exported["courses.AssignmentReminder"] == [
        {"course": "Posting safely", "kind": "overdue", "sent_at": NOW.isoformat()}
    ]
