"""Sign-in ignores the case of the email address; accounts cannot differ only by it."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from lms.people.models import User
from tests.factories.people import PASSWORD

INVALID_LOGIN = "Enter the email address and password of your account. The password is case-sensitive."


@pytest.mark.parametrize("typed", ["employee@example.com", "EMPLOYEE@example.com", "Employee@Example.COM"])
def test_sign_in_ignores_the_case_of_the_email(typed, client, site, employee):
    # when
    response = client.post("/accounts/login/", {"username": typed, "password": PASSWORD})

    # then
    assert (response.status_code, response["Location"]) == (302, "/me/")
    assert client.session["_auth_user_id"] == str(employee.pk)


def test_a_wrong_password_is_refused_with_our_message(client, site, employee):
    # when
    response = client.post("/accounts/login/", {"username": "EMPLOYEE@example.com", "password": PASSWORD.upper()})

    # then
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [INVALID_LOGIN]
    assert "_auth_user_id" not in client.session


def test_both_fields_point_at_the_wrong_credentials_message(client, site, employee):
    # when the credentials are wrong
    response = client.post("/accounts/login/", {"username": "employee@example.com", "password": "not-it"})

    # then the message has an id, and each field says it is invalid and is described by it
    page = response.content.decode()
    assert re.search(
        r'<div class="alert alert--error" role="alert" id="login-errors">\s*<p>' + re.escape(INVALID_LOGIN), page
    )
    for name in ("username", "password"):
        field = re.search(rf'<input type="[a-z]+" name="{name}"[^>]*>', page, re.S).group(0)
        assert 'aria-invalid="true" aria-describedby="login-errors"' in field, field


def test_an_empty_field_points_at_its_own_error(client, site):
    # when the form is sent empty
    response = client.post("/accounts/login/", {"username": "", "password": ""})

    # then each field is described by its own error, not by a form-wide one
    page = response.content.decode()
    for name in ("username", "password"):
        field = re.search(rf'<input type="[a-z]+" name="{name}"[^>]*>', page, re.S).group(0)
        assert f'aria-invalid="true" aria-describedby="id_{name}_errors"' in field, field
        assert f'<ul class="field__errors" id="id_{name}_errors">' in page


def test_the_french_message_is_ours_not_django_s(client, site, employee):
    # when
    response = client.post(
        "/accounts/login/", {"username": "nobody@example.com", "password": "nope"}, HTTP_ACCEPT_LANGUAGE="fr"
    )

    # then: Django's message built from the field's name reads "Saisissez un adresse e-mail"
    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", code="invalid_login")
    html = response.content.decode()
    assert "Saisissez l&#x27;adresse e-mail et le mot de passe de votre compte." in html
    assert "Saisissez un adresse" not in html


def test_the_login_form_keeps_django_s_fields(client, site):
    # when
    response = client.get("/accounts/login/")

    # then
    assert response.status_code == 200
    assert list(response.context["form"].fields) == ["username", "password"]


def test_natural_key_lookup_ignores_case(employee):
    # when
    found = get_user_model()._default_manager.get_by_natural_key("EMPLOYEE@EXAMPLE.COM")

    # then
    assert found == employee


def test_an_unknown_email_is_not_found(employee):
    # when / then
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_natural_key("employee@example.org")


def test_two_accounts_cannot_differ_only_by_case(employee):
    # when / then
    with pytest.raises(IntegrityError, match="people_user_email_ci_unique"):
        User.objects.bulk_create([User(email="Employee@Example.com")])


def test_the_duplicate_is_reported_to_forms(employee):
    # given
    duplicate = User(email="EMPLOYEE@example.com")

    # when
    with pytest.raises(ValidationError) as raised:
        duplicate.validate_constraints()

    # then
    assert raised.value.messages == ["A user with this email address already exists."]
    assert raised.value.error_dict["__all__"][0].code == "unique"


def test_forms_store_the_email_lowercased(db):
    # given
    user = User(email="New.Person@Example.COM")

    # when
    user.clean()

    # then
    assert user.email == "new.person@example.com"


def test_the_manager_stores_the_email_lowercased(db):
    # when
    user = User.objects.create_user("Someone@Example.com", "a long enough password")

    # then
    assert user.email == "someone@example.com"


@pytest.mark.parametrize(
    ("language", "label", "placeholder"),
    [("fr", "Mot de passe", "Entrez un mot de passe"), ("en", "Password", "Enter password")],
)
def test_the_admin_sign_in_labels_the_password_in_the_reader_s_language(client, site, language, label, placeholder):
    # when: the Wagtail admin's sign-in page, in each language
    html = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    # then: the password field has its label and placeholder in that language (Wagtail's own
    # form has no label, so Django showed "Password" on French pages)
    assert re.search(rf'<label[^>]*for="id_password"[^>]*>\s*{label}\b', html), html
    assert f'placeholder="{placeholder}"' in html
    assert 'name="password"' in html
