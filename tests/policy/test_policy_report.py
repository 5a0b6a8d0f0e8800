"""The HR acknowledgement report: who acknowledged the current version, by department, as CSV."""

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.home.roles import roles_ensure
from policy import services
from tests.factories.people import DepartmentFactory, UserFactory
from tests.factories.policy import blocks_of, publish_change, section

REPORT = "policy_acknowledgement_report"


@pytest.fixture
def staff(employee, other_employee, policy_hr_editor, version_1):
    """Three people in three departments; only the employee acknowledged version 1."""
    sales, marketing, hr = (DepartmentFactory(name=name) for name in ("Sales", "Marketing", "HR"))
    for user, department in ((employee, sales), (other_employee, marketing), (policy_hr_editor, hr)):
        user.department = department
        user.save()
    services.acknowledgement_record(
        user=employee, version_id=version_1.pk, text_sha256=version_1.sha256_en, language="en"
    )
    UserFactory(email="gone@example.com", is_active=False, department=sales)
    return {"sales": sales, "marketing": marketing, "hr": hr}


def _rows(response):
    return [(user.email, user.has_acknowledged) for user in response.context["object_list"]]


def test_the_report_lists_active_users_with_their_acknowledgement_of_the_current_version(staff, policy_hr_client):
    # when
    response = policy_hr_client.get(reverse(REPORT))

    # then
    assert response.status_code == 200
    assert _rows(response) == [
        ("hr@example.com", False),
        ("other@example.com", False),
        ("employee@example.com", True),
    ]


def test_the_report_filters_by_department(staff, policy_hr_client):
    # when
    response = policy_hr_client.get(reverse(REPORT), {"department": staff["sales"].pk})

    # then
    assert response.status_code == 200
    assert _rows(response) == [("employee@example.com", True)]


def test_the_report_filters_by_acknowledgement(staff, policy_hr_client):
    # when
    response = policy_hr_client.get(reverse(REPORT), {"has_acknowledged": "false"})

    # then
    assert _rows(response) == [("hr@example.com", False), ("other@example.com", False)]


def test_a_material_change_resets_everyone_to_not_acknowledged(staff, policy_page, policy_hr_client):
    # given
    publish_change(
        policy_page,
        material=True,
        summary="IA",
        body=[*blocks_of(policy_page.body), section("ia", "IA", "<p>Rien d’interne.</p>")],
    )

    # when
    response = policy_hr_client.get(reverse(REPORT))

    # then
    assert _rows(response) == [
        ("hr@example.com", False),
        ("other@example.com", False),
        ("employee@example.com", False),
    ]


def test_the_csv_export_has_the_exact_header_and_rows(staff, policy_hr_client):
    # when
    response = policy_hr_client.get(reverse(REPORT), {"export": "csv"})

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="policy-acknowledgements-')
    today = timezone.localdate().isoformat()
    assert b"".join(response.streaming_content).decode("utf-8") == (
        "\ufeffEmail,Name,Department,Accepted the current version,Last version accepted,Accepted on,To accept since\r\n"
        f"hr@example.com,Hélène Ressources,HR,No,,,{today}\r\n"
        f"other@example.com,Otto Ther,Marketing,No,,,{today}\r\n"
        f"employee@example.com,Emma Ployee,Sales,Yes,Version 1,{today},\r\n"
    )


def test_the_csv_export_speaks_the_reader_s_language(staff, policy_hr_client):
    # when
    response = policy_hr_client.get(reverse(REPORT), {"export": "csv"}, HTTP_ACCEPT_LANGUAGE="fr")

    # then
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    today = timezone.localdate().isoformat()
    assert lines[0] == (
        "E-mail,Nom,Service,A accepté la version en vigueur,Dernière version acceptée,Acceptée le,À accepter depuis"
    )
    assert lines[-1].endswith(f",Oui,Version 1,{today},")
    assert lines[1].endswith(f",Non,,,{today}")


def test_the_csv_export_follows_the_filter(staff, policy_hr_client):
    # when
    response = policy_hr_client.get(reverse(REPORT), {"export": "csv", "department": staff["marketing"].pk})

    # then
    assert b"".join(response.streaming_content).decode("utf-8-sig") == (
        "Email,Name,Department,Accepted the current version,Last version accepted,Accepted on,To accept since\r\n"
        f"other@example.com,Otto Ther,Marketing,No,,,{timezone.localdate().isoformat()}\r\n"
    )


def test_a_name_that_looks_like_a_formula_is_exported_as_text(staff, employee, policy_hr_client):
    # given
    employee.first_name = '=HYPERLINK("http://evil.example","x")'
    employee.last_name = "+1"
    employee.save()

    # when
    response = policy_hr_client.get(reverse(REPORT), {"export": "csv", "department": staff["sales"].pk})

    # then
    assert b"".join(response.streaming_content).decode("utf-8-sig") == (
        "Email,Name,Department,Accepted the current version,Last version accepted,Accepted on,To accept since\r\n"
        'employee@example.com,"\'=HYPERLINK(""http://evil.example"",""x"") +1",Sales,Yes,Version 1,'
        f"{timezone.localdate().isoformat()},\r\n"
    )


def test_the_report_is_empty_before_the_first_version(employee, superuser_client):
    # given: users, but no policy published yet

    # when
    response = superuser_client.get(reverse(REPORT), {"export": "csv"})

    # then
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode("utf-8-sig") == (
        "Email,Name,Department,Accepted the current version,Last version accepted,Accepted on,To accept since\r\n"
    )


def test_a_plain_employee_is_sent_to_the_admin_login(staff, employee_client):
    # when
    response = employee_client.get(reverse(REPORT), {"export": "csv"})

    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "hr@example.com" not in response.content.decode()


def test_an_admin_user_without_the_report_permission_is_refused(staff, site, client):
    # given
    manager = UserFactory(email="manager@example.com", groups=[roles_ensure().advocacy_managers])
    client.force_login(manager)

    # when
    response = client.get(reverse(REPORT), {"export": "csv"})

    # then
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert "employee@example.com" not in response.content.decode()
