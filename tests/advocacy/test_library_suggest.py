"""Employees with advocacy access suggest an article; suggestions wait for a manager."""

from __future__ import annotations

import pytest
from django.urls import reverse

from advocacy_share.models import ShareableContent
from advocacy_share.services.content import ContentError, content_suggest
from tests.advocacy.library_helpers import allow_domains, certified_employee
from tests.factories.certification import CertificateFactory
from tests.factories.people import UserFactory

SUGGEST = "/advocacy/suggest/"


@pytest.fixture
def advocate_client(client, site):
    allow_domains()
    user = certified_employee(email="advocate@example.com", preferred_language="en")
    client.force_login(user)
    return client


def form(**fields) -> dict:
    return {"url": "https://lnkd.in/trade-report", "title": "Trade report 2026", "note": "Good figures", **fields}


def test_the_address_is_the_one_in_the_design():
    assert reverse("advocacy:suggest") == SUGGEST


def test_a_signed_out_visitor_is_sent_to_sign_in(client, site):
    # when
    response = client.get(SUGGEST)

    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/advocacy/suggest/")


def test_an_employee_without_a_certificate_is_stopped_with_the_next_step(client, site):
    # given
    client.force_login(UserFactory())

    # when
    response = client.get(SUGGEST, HTTP_ACCEPT="application/json")

    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "no_certificate"
    assert response.json()["next_step_url"] == "/courses/"


def test_a_certified_employee_outside_the_pilot_cannot_suggest(advocate_client):
    # given a programme open to a pilot group the advocate is not part of
    from advocacy_share.models import AdvocacySettings

    settings = AdvocacySettings.load()
    settings.audience = AdvocacySettings.Audience.PILOT
    settings.save()

    # when
    response = advocate_client.post(SUGGEST, form(), HTTP_ACCEPT="application/json")

    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_in_pilot"
    assert ShareableContent.objects.count() == 0


def test_a_revoked_holder_cannot_suggest_even_by_post(client, site):
    # given
    allow_domains()
    certificate = CertificateFactory(program__unlocks_advocacy=True, revoked=True)
    client.force_login(certificate.user)

    # when
    response = client.post(SUGGEST, form())

    # then
    assert response.status_code == 403
    assert ShareableContent.objects.count() == 0


def test_a_suggestion_is_stored_waiting_for_moderation(advocate_client):
    # when
    page = advocate_client.get(SUGGEST)
    response = advocate_client.post(SUGGEST, form(), follow=True)

    # then
    assert page.status_code == 200
    assert response.redirect_chain == [("/advocacy/suggest/", 302)]
    assert "A manager will review your suggestion." in response.content.decode()
    saved = ShareableContent.objects.get()
    assert (saved.url, saved.title, saved.suggestion_note, saved.status, saved.language, saved.kind) == (
        "https://lnkd.in/trade-report",
        "Trade report 2026",
        "Good figures",
        "suggested",
        "en",
        "industry",
    )
    assert saved.suggested_by.email == "advocate@example.com"
    assert (saved.moderated_by, saved.moderated_at) == (None, None)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "https://evil.example/x", "https://acme.com@evil.example/", "//acme.com/x"]
)
def test_a_url_outside_the_rules_is_refused_with_the_reason(advocate_client, url):
    # when
    response = advocate_client.post(SUGGEST, form(url=url))

    # then
    assert response.status_code == 400
    assert response.context["form"].errors["url"]
    assert ShareableContent.objects.count() == 0


def test_an_article_already_in_the_library_gets_a_friendly_message(advocate_client):
    # given
    ShareableContent.objects.create(url="https://lnkd.in/trade-report/", title="Already there")

    # when
    response = advocate_client.post(SUGGEST, form())

    # then
    assert response.status_code == 409
    assert "already in the library" in response.content.decode()
    assert ShareableContent.objects.count() == 1


def test_a_rejected_article_may_be_suggested_again(advocate_client):
    # given
    ShareableContent.objects.create(url="https://lnkd.in/trade-report", title="Rejected once", status="rejected")

    # when
    response = advocate_client.post(SUGGEST, form())

    # then
    assert response.status_code == 302
    assert ShareableContent.objects.filter(status="suggested").count() == 1


def test_json_clients_get_the_error_contract_and_the_new_id(advocate_client):
    # when
    bad = advocate_client.post(SUGGEST, form(url="file:///etc/passwd"), HTTP_ACCEPT="application/json")
    good = advocate_client.post(SUGGEST, form(), HTTP_ACCEPT="application/json")
    again = advocate_client.post(SUGGEST, form(), HTTP_ACCEPT="application/json")

    # then
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "invalid_suggestion"
    assert good.status_code == 201
    assert good.json() == {"id": ShareableContent.objects.get().pk, "status": "suggested"}
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "duplicate_url"


def test_missing_fields_are_a_400_not_a_500(advocate_client):
    # when
    response = advocate_client.post(SUGGEST, {"url": ""})

    # then
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"url", "title"}


def test_the_service_refuses_a_bad_url_and_a_duplicate(db):
    # given
    allow_domains()
    user = UserFactory()
    content_suggest(user=user, url="https://acme.com/news", title="News")

    # when / then
    with pytest.raises(ContentError) as invalid:
        content_suggest(user=user, url="https://evil.example/", title="Evil")
    with pytest.raises(ContentError) as duplicate:
        content_suggest(user=user, url="https://acme.com/news/", title="News again")
    assert (invalid.value.code, invalid.value.status) == ("invalid_url", 400)
    assert (duplicate.value.code, duplicate.value.status) == ("duplicate_url", 409)
    assert ShareableContent.objects.count() == 1
