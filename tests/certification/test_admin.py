"""Certification admin: revoke and reinstate with a reason and an audit entry, the read-only
audit trail, role boundaries, and the bulk PDF re-issue."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import NoReverseMatch, reverse

from certification.models import BulkRender, Certificate, CertificateEvent, CertificationProgram
from tests.factories.admin_forms import programme_form
from tests.factories.courses import CoursePageFactory
from tests.factories.people import UserFactory

ISSUED_AT = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


@pytest.fixture
def program(db):
    return CertificationProgram.objects.create(
        name="Ambassadeur certifié",
        name_en="Certified Social Advocate",
        slug="ambassadeur-certifie",
        description="Description",
        validity_months=12,
    )


@pytest.fixture
def holder(db):
    return UserFactory(email="holder@example.com", first_name="Jeanne", last_name="Martin")


def make_certificate(program, user, *, index=0, status=Certificate.Status.ISSUED, **fields) -> Certificate:
    fields.setdefault("expires_at", datetime(2099, 1, 15, tzinfo=UTC))
    certificate = Certificate.objects.create(
        user=user,
        program=program,
        holder_name=user.get_display_name(),
        issued_at=ISSUED_AT,
        status_list_index=index,
        status=status,
        **fields,
    )
    CertificateEvent.objects.create(certificate=certificate, action="issued", at=ISSUED_AT, key="issued")
    return certificate


@pytest.fixture
def certificate(program, holder):
    return make_certificate(program, holder)


def url(name, *args):
    return reverse(name, args=args)


def snapshot(certificate):
    certificate.refresh_from_db()
    return (
        certificate.status,
        certificate.revoked_at,
        certificate.revocation_reason,
        list(certificate.events.values_list("pk", flat=True)),
    )


# --- revoke and reinstate -------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_revoke_without_a_reason_answers_400_and_changes_nothing(hr_editor_client, certificate, reason):
    # given
    before = snapshot(certificate)

    # when
    response = hr_editor_client.post(url("certificates:revoke", certificate.pk), {"reason": reason})

    # then
    assert response.status_code == 400
    assert "Give a reason: it is kept in the audit trail." in response.content.decode()
    assert snapshot(certificate) == before


def test_revoke_with_a_reason_revokes_and_writes_the_audit_entry(
    hr_editor_client, hr_editor, certificate, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = hr_editor_client.post(
            url("certificates:revoke", certificate.pk), {"reason": "Posted client data on LinkedIn"}
        )

    # then
    assert response.status_code == 302
    assert response["Location"] == url("certificates:inspect", certificate.pk)
    certificate.refresh_from_db()
    assert (certificate.status, certificate.state(), certificate.revocation_reason) == (
        "revoked",
        "revoked",
        "Posted client data on LinkedIn",
    )
    event = certificate.events.get(action="revoked")
    assert (event.actor, event.reason, event.before, event.after) == (
        hr_editor,
        "Posted client data on LinkedIn",
        {"status": "issued"},
        {"status": "revoked"},
    )
    # the public page says so on the next request
    page = hr_editor_client.get(f"/certificates/{certificate.code}/")
    assert "Revoked" in page.content.decode()


def test_revoking_a_revoked_certificate_answers_409(hr_editor_client, program, holder):
    # given
    certificate = make_certificate(program, holder, status=Certificate.Status.REVOKED, revocation_reason="first")
    before = snapshot(certificate)

    # when
    response = hr_editor_client.post(url("certificates:revoke", certificate.pk), {"reason": "again"})

    # then
    assert response.status_code == 409
    assert snapshot(certificate) == before


def test_reinstate_requires_a_reason_then_restores_the_certificate(hr_editor_client, hr_editor, program, holder):
    # given
    certificate = make_certificate(program, holder, status=Certificate.Status.REVOKED, revocation_reason="mistake")
    before = snapshot(certificate)

    # when
    empty = hr_editor_client.post(url("certificates:reinstate", certificate.pk), {"reason": ""})
    done = hr_editor_client.post(url("certificates:reinstate", certificate.pk), {"reason": "Wrong person"})

    # then
    assert empty.status_code == 400
    assert done.status_code == 302
    certificate.refresh_from_db()
    assert before[0] == "revoked"
    assert (certificate.status, certificate.state(), certificate.revocation_reason) == ("issued", "valid", "")
    event = certificate.events.get(action="reinstated")
    assert (event.actor, event.reason, event.before, event.after) == (
        hr_editor,
        "Wrong person",
        {"status": "revoked"},
        {"status": "issued"},
    )


def test_reinstating_a_valid_certificate_answers_409(hr_editor_client, certificate):
    before = snapshot(certificate)
    response = hr_editor_client.post(url("certificates:reinstate", certificate.pk), {"reason": "why not"})
    assert response.status_code == 409
    assert snapshot(certificate) == before


def test_revoke_form_and_inspect_page_show_the_audit_trail(hr_editor_client, certificate, hr_editor):
    # given
    hr_editor_client.post(url("certificates:revoke", certificate.pk), {"reason": "Leaked a roadmap"})

    # when
    form = hr_editor_client.get(url("certificates:reinstate", certificate.pk))
    inspect = hr_editor_client.get(url("certificates:inspect", certificate.pk))

    # then
    assert form.status_code == 200
    body = inspect.content.decode()
    assert inspect.status_code == 200
    assert "Audit trail" in body
    assert "Leaked a roadmap" in body
    assert str(hr_editor) in body
    assert url("certificates:reinstate", certificate.pk) in body


@pytest.mark.parametrize("action", ["revoke", "reinstate"])
def test_employees_never_reach_revoke_or_reinstate(employee_client, program, holder, action):
    # given
    certificate = make_certificate(
        program, holder, status=Certificate.Status.REVOKED if action == "reinstate" else Certificate.Status.ISSUED
    )
    before = snapshot(certificate)

    # when
    get = employee_client.get(url(f"certificates:{action}", certificate.pk))
    post = employee_client.post(url(f"certificates:{action}", certificate.pk), {"reason": "because"})

    # then: sent to the admin login, nothing changed
    assert get.status_code == 302 and get["Location"].startswith(reverse("wagtailadmin_login"))
    assert post.status_code == 302 and post["Location"].startswith(reverse("wagtailadmin_login"))
    assert snapshot(certificate) == before


def test_staff_without_the_change_permission_cannot_revoke(site, certificate):
    # given: an advocacy manager reaches the admin but has no right on certificates
    from django.test import Client

    from lms.home.roles import roles_ensure

    manager = UserFactory(groups=[roles_ensure().advocacy_managers])
    client = Client()
    client.force_login(manager)
    before = snapshot(certificate)

    # when
    response = client.post(url("certificates:revoke", certificate.pk), {"reason": "because"})

    # then
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"] != url("certificates:inspect", certificate.pk)
    assert snapshot(certificate) == before


# --- listing ----------------------------------------------------------------------------------------


def test_listing_shows_the_state_computed_now_and_filters_by_state(hr_editor_client, program):
    # given
    valid = make_certificate(program, UserFactory(first_name="Valid"), index=1)
    expired = make_certificate(
        program, UserFactory(first_name="Expired"), index=2, expires_at=datetime(2020, 1, 1, tzinfo=UTC)
    )
    revoked = make_certificate(program, UserFactory(first_name="Revoked"), index=3, status=Certificate.Status.REVOKED)

    # when
    everything = hr_editor_client.get(url("certificates:index")).content.decode()
    only_expired = hr_editor_client.get(url("certificates:index"), {"state": "expired"}).content.decode()

    # then
    for certificate in (valid, expired, revoked):
        assert certificate.code in everything
    assert expired.code in only_expired
    assert valid.code not in only_expired and revoked.code not in only_expired


def test_certificates_have_no_add_edit_or_delete_view(hr_editor_client, superuser_client, certificate):
    for name in ("add", "edit", "delete", "copy"):
        with pytest.raises(NoReverseMatch):
            reverse(f"certificates:{name}", args=() if name == "add" else (certificate.pk,))
    for client in (hr_editor_client, superuser_client):
        assert client.get(url("certificates:index")).status_code == 200
        assert client.get(url("certificates:inspect", certificate.pk)).status_code == 200
        for path in (f"edit/{certificate.pk}/", f"delete/{certificate.pk}/", "new/"):
            assert client.post(f"/admin/certification/certificates/{path}").status_code == 404
    assert Certificate.objects.filter(pk=certificate.pk).exists()


# --- the audit trail is read-only -----------------------------------------------------------------


def test_certificate_events_have_no_edit_or_delete_view(hr_editor_client, superuser_client, certificate):
    # given
    event = certificate.events.get()
    rows = list(CertificateEvent.objects.values())

    # then: no such URL names
    for name in ("add", "edit", "delete", "copy", "history"):
        with pytest.raises(NoReverseMatch):
            reverse(f"certificate_events:{name}", args=() if name == "add" else (event.pk,))

    # and HR (or even a superuser) trying the paths by hand gets 404, nothing changes
    for client in (hr_editor_client, superuser_client):
        index = client.get(url("certificate_events:index"))
        inspect = client.get(url("certificate_events:inspect", event.pk))
        assert (index.status_code, inspect.status_code) == (200, 200)
        assert f"/edit/{event.pk}/" not in inspect.content.decode()
        assert f"/delete/{event.pk}/" not in inspect.content.decode()
        for path in (f"edit/{event.pk}/", f"delete/{event.pk}/", "new/"):
            assert client.get(f"/admin/certification/events/{path}").status_code == 404
            assert client.post(f"/admin/certification/events/{path}", {"reason": "rewritten"}).status_code == 404
    assert list(CertificateEvent.objects.values()) == rows


def test_hr_holds_no_write_permission_on_the_audit_trail(hr_editor):
    assert hr_editor.has_perm("certification.view_certificateevent")
    for action in ("add", "change", "delete"):
        assert not hr_editor.has_perm(f"certification.{action}_certificateevent")
    assert hr_editor.has_perm("certification.change_certificate")
    assert not hr_editor.has_perm("certification.delete_certificate")


# --- programmes and bulk re-issue -------------------------------------------------------------------


def test_programme_edit_page_offers_reissue_and_no_delete(hr_editor_client, program):
    # when
    response = hr_editor_client.get(url("certification_programmes:edit", program.pk))

    # then
    assert response.status_code == 200
    body = response.content.decode()
    assert "Re-issue all PDFs" in body
    assert url("certification_programmes:reissue", program.pk) in body
    with pytest.raises(NoReverseMatch):
        reverse("certification_programmes:delete", args=(program.pk,))


def test_reissue_all_pdfs_runs_to_the_total_and_shows_progress(
    hr_editor_client, hr_editor, program, monkeypatch, django_capture_on_commit_callbacks
):
    # given: two certificates and a revoked one; fast renderer
    monkeypatch.setattr("certification.pdf.render_certificate_pdf", lambda certificate: b"%PDF-1.7 test")
    monkeypatch.setattr("certification.pdf.render_og_png", lambda data: b"\x89PNG test")
    first = make_certificate(program, UserFactory(), index=1)
    second = make_certificate(program, UserFactory(), index=2)
    make_certificate(program, UserFactory(), index=3, status=Certificate.Status.REVOKED)

    # when: the confirmation page, then the POST (tasks run eagerly on commit)
    confirm = hr_editor_client.get(url("certification_programmes:reissue", program.pk))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = hr_editor_client.post(url("certification_programmes:reissue", program.pk))

    # then
    assert confirm.status_code == 200
    assert BulkRender.objects.count() == 1
    bulk = BulkRender.objects.get()
    assert len(callbacks) == 1
    assert response.status_code == 302
    assert response["Location"] == url("certificate_bulk_renders:inspect", bulk.pk)
    bulk.refresh_from_db()
    assert (bulk.total, bulk.done, bulk.failed, bulk.requested_by) == (2, 2, 0, hr_editor)
    assert bulk.finished_at is not None
    for certificate in (first, second):
        certificate.refresh_from_db()
        assert certificate.pdf.read() == b"%PDF-1.7 test"
    progress = hr_editor_client.get(response["Location"])
    body = progress.content.decode()
    assert progress.status_code == 200
    assert "2 of 2 processed (100%)" in body
    assert 'http-equiv="refresh"' not in body


def test_progress_page_refreshes_itself_while_running(hr_editor_client, program):
    # given: a bulk render whose workers have not finished
    bulk = BulkRender.objects.create(program=program, total=4, done=1, failed=0)

    # when
    response = hr_editor_client.get(url("certificate_bulk_renders:inspect", bulk.pk))

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert '<meta http-equiv="refresh" content="3">' in body
    assert "1 of 4 processed (25%)" in body


def test_reissue_is_not_started_by_a_get_or_by_an_employee(hr_editor_client, employee_client, program):
    hr_editor_client.get(url("certification_programmes:reissue", program.pk))
    employee_client.post(url("certification_programmes:reissue", program.pk))
    assert BulkRender.objects.count() == 0


# --- the email identifier in Open Badges credentials ----------------------------------------------

EMAIL_OPTION_HELP = {
    "en": (
        "Adds a salted hash of the holder&#x27;s email address to the signed credential. The salt is "
        "published with it, so anyone who has the credential can check a guessed address, such as "
        "firstname.lastname@company: in effect the credential reveals the address."
    ),
    "fr": (
        "Ajoute à l&#x27;attestation signée une empreinte salée de l&#x27;adresse e-mail du titulaire. "
        "Le sel est publié avec elle\xa0: quiconque détient l&#x27;attestation peut vérifier une adresse "
        "devinée, comme prénom.nom@entreprise. En pratique, l&#x27;attestation révèle donc l&#x27;adresse."
    ),
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_programme_form_says_what_the_email_option_reveals(hr_editor_client, program, language):
    # when
    response = hr_editor_client.get(url("certification_programmes:edit", program.pk), HTTP_ACCEPT_LANGUAGE=language)

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="credential_includes_email"' in body
    assert EMAIL_OPTION_HELP[language] in body


@pytest.mark.parametrize(("checkbox", "expected"), [({}, False), ({"credential_includes_email": "on"}, True)])
def test_programme_form_saves_the_email_option(superuser_client, course_index, checkbox, expected):
    # given
    data = programme_form(courses=[CoursePageFactory(parent=course_index)], **checkbox)

    # when
    response = superuser_client.post(url("certification_programmes:add"), data)

    # then
    assert response.status_code == 302
    assert list(CertificationProgram.objects.values_list("slug", "credential_includes_email")) == [
        ("ambassadeur", expected)
    ]
