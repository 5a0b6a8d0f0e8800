"""Brute-force protection on sign-in (django-axes): per account and per address, a 429 that
reveals nothing, lifted after the cool-off or by HR in the admin."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from tests.factories.people import PASSWORD, UserFactory

LIMIT = 10
LOCKED = "Too many failed sign-in attempts. Wait 15 minutes and try again, or ask HR to unlock your access."


def sign_in(client: Client, email: str, password: str, address: str = "203.0.113.1", path="/accounts/login/", **extra):
    return client.post(path, {"username": email, "password": password}, REMOTE_ADDR=address, **extra)


def fail(client: Client, email: str, times: int, address: str = "203.0.113.1", path="/accounts/login/"):
    return [sign_in(client, email, "wrong password", address, path=path).status_code for _ in range(times)]


@pytest.fixture
def locked_employee(client, site, employee):
    """The employee's account after ten wrong passwords from one address."""
    assert fail(client, employee.email, LIMIT) == [200] * (LIMIT - 1) + [429]
    return employee


def test_the_right_password_after_ten_wrong_ones_is_refused(client, locked_employee):
    # when
    response = sign_in(client, locked_employee.email, PASSWORD, HTTP_ACCEPT_LANGUAGE="en")

    # then: a 429 that says to wait, and no session
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert response["Cache-Control"] == "no-store"
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_for_the_account_from_any_address(client, locked_employee):
    # when
    response = sign_in(Client(), locked_employee.email, PASSWORD, address="198.51.100.77")

    # then
    assert response.status_code == 429


def test_the_lock_holds_for_the_address_whatever_account_it_tries(client, site, employee, other_employee):
    # given: ten failures on ten different (mostly unknown) accounts from one address
    statuses = [sign_in(client, f"guess{i}@example.com", "wrong", "203.0.113.2").status_code for i in range(LIMIT)]

    # when: a real account, with its right password, from that address and from another
    same_address = sign_in(client, other_employee.email, PASSWORD, "203.0.113.2")
    elsewhere = sign_in(Client(), other_employee.email, PASSWORD, "203.0.113.3")

    # then
    assert statuses == [200] * (LIMIT - 1) + [429]
    assert same_address.status_code == 429
    assert (elsewhere.status_code, elsewhere["Location"]) == (302, "/me/")


def test_the_email_is_counted_whatever_its_case(client, site, employee):
    # when: the same account typed three ways, from three addresses
    typed = ["employee@example.com", "EMPLOYEE@example.com", "Employee@Example.COM"]
    statuses = [sign_in(client, typed[i % 3], "wrong", f"203.0.113.{10 + i % 3}").status_code for i in range(LIMIT)]

    # then
    assert statuses == [200] * (LIMIT - 1) + [429]
    assert sign_in(Client(), employee.email, PASSWORD, "203.0.113.50").status_code == 429


def test_a_locked_unknown_account_looks_like_a_locked_real_one(client, site, employee):
    # given
    fail(client, employee.email, LIMIT, address="203.0.113.20")
    fail(client, "nobody@example.com", LIMIT, address="203.0.113.21")

    # when
    real = sign_in(Client(), employee.email, PASSWORD, "203.0.113.20", HTTP_ACCEPT_LANGUAGE="en")
    unknown = sign_in(Client(), "nobody@example.com", PASSWORD, "203.0.113.21", HTTP_ACCEPT_LANGUAGE="en")

    # then: the same status, headers and page, apart from the CSRF token
    assert (real.status_code, unknown.status_code) == (429, 429)
    assert real["Retry-After"] == unknown["Retry-After"]
    assert strip_tokens(real.content) == strip_tokens(unknown.content)
    assert b"nobody@example.com" not in unknown.content and b"employee@example.com" not in real.content


def strip_tokens(content: bytes) -> bytes:
    import re

    return re.sub(rb'value="[A-Za-z0-9]{64}"', b'value=""', content)


def test_the_message_is_translated(client, locked_employee):
    # when
    response = sign_in(client, locked_employee.email, PASSWORD, HTTP_ACCEPT_LANGUAGE="fr")

    # then
    assert response.status_code == 429
    assert "Trop de tentatives de connexion" in response.content.decode()


def test_a_json_client_gets_the_json_error(client, locked_employee):
    # when
    response = sign_in(client, locked_employee.email, PASSWORD, HTTP_ACCEPT="application/json")

    # then
    assert response.status_code == 429
    assert response.json() == {"error": {"code": "locked_out", "message": LOCKED}}


def test_the_admin_sign_in_is_protected_too(client, site, hr_editor):
    # when
    statuses = fail(client, hr_editor.email, LIMIT, path="/admin/login/")
    right = sign_in(Client(), hr_editor.email, PASSWORD, "203.0.113.99", path="/admin/login/")

    # then
    assert statuses == [200] * (LIMIT - 1) + [429]
    assert right.status_code == 429


def test_the_lock_ends_after_the_cool_off(client, site, employee):
    # given
    with time_machine.travel(timezone.now(), tick=False):
        fail(client, employee.email, LIMIT)

    # when
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        response = sign_in(client, employee.email, PASSWORD)

    # then
    assert (response.status_code, response["Location"]) == (302, "/me/")


def test_a_successful_sign_in_starts_the_count_again(client, site, employee):
    # given: nine failures, then the right password
    fail(client, employee.email, LIMIT - 1)
    assert sign_in(client, employee.email, PASSWORD).status_code == 302
    client.logout()

    # when: nine more failures
    statuses = fail(client, employee.email, LIMIT - 1)

    # then: none of them locks
    assert statuses == [200] * (LIMIT - 1)


# --- unlocking from the admin ----------------------------------------------------------------


def test_hr_sees_the_lock_outs_and_unlocks_an_account(client, locked_employee, hr_editor_client):
    # given
    attempt = AccessAttempt.objects.get(username=locked_employee.email)

    # when
    listing = hr_editor_client.get("/admin/sign-in-lockouts/", HTTP_ACCEPT_LANGUAGE="en")
    confirm = hr_editor_client.get(f"/admin/sign-in-lockouts/unlock/{attempt.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    unlocked = hr_editor_client.post(f"/admin/sign-in-lockouts/unlock/{attempt.pk}/")
    after = sign_in(client, locked_employee.email, PASSWORD)

    # then
    html = listing.content.decode()
    assert listing.status_code == 200
    assert "employee@example.com · 203.0.113.1" in html
    assert "Locked" in html
    assert "Clear the 10 failed sign-ins of employee@example.com · 203.0.113.1?" in confirm.content.decode()
    assert (unlocked.status_code, unlocked["Location"]) == (302, "/admin/sign-in-lockouts/")
    assert AccessAttempt.objects.count() == 0
    assert (after.status_code, after["Location"]) == (302, "/me/")


def test_the_lock_out_list_has_no_add_or_edit(hr_editor_client, locked_employee):
    # given
    attempt = AccessAttempt.objects.get()

    # when
    statuses = [
        hr_editor_client.get(url).status_code
        for url in ("/admin/sign-in-lockouts/add/", f"/admin/sign-in-lockouts/edit/{attempt.pk}/")
    ]

    # then
    assert statuses == [404, 404]


def test_a_learner_cannot_reach_the_lock_outs_or_unlock(client, locked_employee, other_employee_client):
    # given
    attempt = AccessAttempt.objects.get()

    # when
    listing = other_employee_client.get("/admin/sign-in-lockouts/")
    unlock = other_employee_client.post(f"/admin/sign-in-lockouts/unlock/{attempt.pk}/")

    # then: redirected away, and the lock holds
    assert (listing.status_code, unlock.status_code) == (302, 302)
    assert AccessAttempt.objects.count() == 1
    assert sign_in(client, locked_employee.email, PASSWORD).status_code == 429


def test_an_admin_user_without_the_permission_cannot_unlock(client, locked_employee, db):
    # given: someone who may enter the admin, but holds no lock-out permission
    from django.contrib.auth.models import Permission

    editor = UserFactory(email="editor@example.com")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    editor_client = Client()
    editor_client.force_login(editor)
    attempt = AccessAttempt.objects.get()

    # when
    listing = editor_client.get("/admin/sign-in-lockouts/")
    unlock = editor_client.post(f"/admin/sign-in-lockouts/unlock/{attempt.pk}/")

    # then
    assert (listing.status_code, unlock.status_code) == (302, 302)
    assert AccessAttempt.objects.count() == 1


# --- personal data ---------------------------------------------------------------------------


def test_failed_sign_ins_are_in_the_account_holders_data_export_only(client, locked_employee, other_employee):
    # given
    from lms.people import privacy

    # when
    mine, theirs = privacy.export_user(locked_employee), privacy.export_user(other_employee)

    # then
    rows = mine["axes.AccessAttempt"]
    assert [(row["ip_address"], row["failures"]) for row in rows] == [("203.0.113.1", 10)]
    assert theirs["axes.AccessAttempt"] == []


def test_successful_sign_ins_leave_no_log(client, site, employee):
    # when
    sign_in(client, employee.email, PASSWORD)

    # then
    from axes.models import AccessLog

    assert AccessLog.objects.count() == 0


def test_each_lock_out_in_the_list_leads_to_its_unlock_page(client, locked_employee, hr_editor_client):
    # given
    attempt = AccessAttempt.objects.get(username=locked_employee.email)

    # when
    html = hr_editor_client.get("/admin/sign-in-lockouts/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    # then: the row's title and its menu both open the unlock page, in the editor's language
    assert html.count(f'href="/admin/sign-in-lockouts/unlock/{attempt.pk}/"') == 2
    assert "Débloquer" in html
    assert "<h1" in html and "Blocages de connexion" in html
