"""Erasure of a former employee and "download my data" (TESTPLAN 38, 39, 41).

A full fixture (profile, courses, policy, certificate with its PDF, advocacy, points, failed
sign-ins) is erased twice; then every text and JSON column of every model, and the media
folder, is searched for the person's name and address. Work queued before the erasure is run
after it and must write nothing back.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.test import Client
from django.utils import timezone
from wagtail.models import ModelLogEntry

from advocacy_share.models import AdvocateProfile, PointsEntry, PointsTotal, Share, Visit
from advocacy_share.services import points as points_services
from certification import services as certification_services
from certification import tasks as certification_tasks
from certification.models import Certificate
from lms.home.roles import roles_ensure
from lms.people import erasure, privacy
from lms.people.models import User
from policy.models import PolicyAcknowledgement, PolicyVersion
from tests.factories.advocacy import ShareableContentFactory, ShareFactory, TrackedLinkFactory, VisitFactory
from tests.factories.certification import CertificateFactory, CertificationProgramFactory
from tests.factories.courses import AssignmentFactory, CoursePageFactory
from tests.factories.people import PASSWORD, DepartmentFactory, UserFactory

EMAIL = "zephyrine.quillard@acme.example"
FIRST, LAST = "Zéphyrine", "Quillard"
NEEDLES = (EMAIL, FIRST, LAST)
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def person_with_everything(course_index) -> tuple[User, Certificate]:
    """A certified advocate with a rendered certificate, shares, visits, points, a suggestion,
    an acknowledgement, an assignment and failed sign-ins."""
    user = UserFactory(email=EMAIL, first_name=FIRST, last_name=LAST, department=DepartmentFactory(name="Ventes"))
    program = CertificationProgramFactory(unlocks_advocacy=True, requires_policy_acknowledgement=False)
    certificate = CertificateFactory(user=user, program=program)
    certification_services.certificate_render_pdf(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    AdvocateProfile.objects.create(user=user, leaderboard_opt_in=True, audience={"linkedin": 800})
    share = ShareFactory(user=user, text=f"Fière de notre équipe — {FIRST} {LAST}")
    link = TrackedLinkFactory(share=share)
    VisitFactory(link=link, visitor="b" * 64)
    ShareFactory(
        user=user,
        status=Share.Status.SCHEDULED,
        scheduled_for=timezone.now() + timedelta(days=1),
        text=f"À partager demain ({FIRST})",
    )
    points_services.award(user_id=user.pk, kind=PointsEntry.Kind.SHARE, points=10, key="erasure-test")
    PointsTotal.objects.filter(user=user).update(visible=True)
    ShareableContentFactory(
        suggested_by=user, suggestion_note=f"Suggéré par {FIRST}", status="pending", url="https://acme.com/s"
    )
    version = PolicyVersion.objects.order_by("-number").first()
    if version is not None:
        PolicyAcknowledgement.objects.create(user=user, version=version, language="fr", text_sha256="a" * 64)
    AssignmentFactory(user=user, course=CoursePageFactory(parent=course_index))
    AccessAttempt.objects.create(
        username=EMAIL,
        ip_address="198.51.100.7",
        user_agent="Firefox",
        failures_since_start=2,
        get_data="",
        post_data="",
    )
    return user, certificate


def columns_mentioning(needles=NEEDLES) -> list[str]:
    """Every (model.field) of every installed model whose text or JSON holds one of ``needles``."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, TEXT_FIELDS) or field.model is not model:
                continue
            for needle in needles:
                if model._default_manager.filter(**{f"{field.name}__icontains": needle}).exists():
                    found.append(f"{model._meta.label}.{field.name} ~ {needle}")
    return found


def media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.mark.django_db(transaction=True)
def test_erasure_leaves_no_trace_of_the_person_and_a_second_run_changes_nothing(course_index):
    # given a person with data in every app, and the files of their certificate
    user, certificate = person_with_everything(course_index)
    pdf_name, png_name = certificate.pdf.name, certificate.og_image.name
    assert {pdf_name, png_name} <= media_files()
    assert columns_mentioning()  # the scan does find them before

    # when they are erased, twice
    first = privacy.erase_user(user)
    second = privacy.erase_user(user)

    # then nothing names them anywhere, the files are gone, and the rerun changed nothing
    assert columns_mentioning() == []
    assert {pdf_name, png_name} & media_files() == set()
    assert first.rows["certification.Certificate"] == 2  # revoked, then forgotten
    assert first.rows["people.User"] == 1
    assert first.rows["axes.AccessAttempt"] == 1
    assert first.rows["advocacy_share.AdvocateProfile"] == 1
    assert first.rows["advocacy_share.Visit"] == 1
    assert first.rows["advocacy_share.PointsTotal"] == PointsTotal.objects.filter(user=user).count() > 0
    assert first.rows["courses.Assignment"] == 1
    assert second.total == 0
    # and what stays is anonymous
    account = User.objects.get(pk=user.pk)
    assert (account.email, account.first_name, account.last_name, account.department_id) == (
        f"erased-{user.pk}@erased.invalid",
        "",
        "",
        None,
    )
    assert (account.is_active, account.has_usable_password(), account.erased_at is not None) == (False, False, True)
    certificate.refresh_from_db()
    assert (certificate.status, certificate.revocation_reason, certificate.holder_name) == (
        Certificate.Status.REVOKED,
        "erased",
        "",
    )
    assert PointsEntry.objects.filter(user=user).count() == 1  # points kept, anonymous
    assert set(Share.objects.filter(user=user).values_list("status", "text")) == {
        (Share.Status.SHARED, ""),
        (Share.Status.CANCELLED, ""),
    }
    assert Visit.objects.filter(link__share__user=user).values_list("visitor", flat=True).get() == ""


@pytest.mark.django_db
def test_the_verification_page_of_an_erased_holder_says_revoked_and_shows_no_name(client):
    # given an erased holder's certificate
    user = UserFactory(first_name=FIRST, last_name=LAST)
    certificate = CertificateFactory(user=user)
    privacy.erase_user(user)

    # when anyone opens its verification page, as HTML and as JSON
    page = client.get(f"/certificates/{certificate.code}/")
    data = client.get(f"/certificates/{certificate.code}/", HTTP_ACCEPT="application/json")

    # then it is revoked and names nobody
    html = page.content.decode()
    assert page.status_code == 200
    assert "Revoked" in html or "Révoqué" in html
    assert FIRST not in html and LAST not in html
    assert data.status_code == 410
    assert (data.json()["status"], data.json()["holder"]) == ("revoked", "")


@pytest.mark.django_db
def test_an_erased_person_cannot_sign_in():
    # given an erased person
    user = UserFactory(email=EMAIL)
    privacy.erase_user(user)

    # when they try their old address and password, then the new address
    client = Client()
    old = client.post("/accounts/login/", {"username": EMAIL, "password": PASSWORD})
    new = client.post("/accounts/login/", {"username": f"erased-{user.pk}@erased.invalid", "password": PASSWORD})

    # then neither signs them in
    assert (old.status_code, new.status_code) == (200, 200)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)
def test_work_queued_before_the_erasure_writes_nothing_back(course_index):
    # given a person whose certificate render, certificate issuance and points were queued
    # (the tasks run after the erasure, as a worker would)
    user, certificate = person_with_everything(course_index)
    Certificate.objects.filter(pk=certificate.pk).update(pdf="", og_image="")  # the render still to do
    privacy.erase_user(user)
    files_before = media_files()

    # when the queued work runs
    rendered = certification_tasks.certificate_render_pdf_task(certificate.pk)
    issued = certification_tasks.certificates_issue_for_user_task(user.pk)
    awarded = points_services.award(user_id=user.pk, kind=PointsEntry.Kind.COURSE, points=5, key="late")

    # then nothing was made for them, and nothing names them
    assert (rendered, issued, awarded) == (False, [], None)
    assert media_files() == files_before
    assert PointsEntry.objects.filter(user=user).count() == 1
    assert columns_mentioning() == []


@pytest.mark.django_db
def test_an_erased_certificate_cannot_be_reinstated():
    user = UserFactory()
    certificate = CertificateFactory(user=user)
    privacy.erase_user(user)

    with pytest.raises(certification_services.CertificationError) as refused:
        certification_services.certificate_reinstate(certificate=certificate, actor=None, reason="by mistake")

    assert refused.value.code == "holder_erased"
    assert Certificate.objects.get(pk=certificate.pk).status == Certificate.Status.REVOKED


# --- the admin page ---------------------------------------------------------------------------


@pytest.fixture
def hr(db):
    roles = roles_ensure()
    return UserFactory(is_staff=True, groups=[roles.hr_editors])


@pytest.mark.django_db
def test_hr_finds_the_person_sees_what_is_held_and_erases_after_confirming(hr, client):
    # given a former employee with a certificate, and an HR editor signed in
    person = UserFactory(email=EMAIL, first_name=FIRST, last_name=LAST)
    CertificateFactory(user=person)
    client.force_login(hr)
    url = "/admin/people/erase/"

    # when HR looks them up
    found = client.post(url, {"email": EMAIL.upper()})

    # then the page names them, counts what is held, and asks for confirmation
    assert found.status_code == 200
    assert EMAIL in found.content.decode()
    assert dict(found.context["holdings"])["certificates"] == 1

    # when HR confirms with a different address, nothing happens
    wrong = client.post(url, {"email": EMAIL, "confirm_email": "someone@acme.example"})
    assert wrong.status_code == 400
    assert User.objects.get(pk=person.pk).erased_at is None

    # when HR confirms with the right one
    done = client.post(url, {"email": EMAIL, "confirm_email": EMAIL})

    # then the person is erased and an audit entry says who did it and what changed
    assert done.status_code == 302
    assert User.objects.get(pk=person.pk).erased_at is not None
    entry = ModelLogEntry.objects.get(action=erasure.LOG_ACTION)
    assert (entry.user_id, entry.object_id, entry.data["rows"]["certification.Certificate"]) == (
        hr.pk,
        str(person.pk),
        2,
    )
    assert FIRST not in entry.label and EMAIL not in entry.label


@pytest.mark.django_db
def test_erasure_is_refused_without_the_right_and_for_ones_own_account(hr, client):
    # given an editor without the right, and HR
    editor = UserFactory(is_staff=True, groups=[Group.objects.get(name="Advocacy managers")])
    person = UserFactory(email=EMAIL)

    # when the editor without the right tries
    client.force_login(editor)
    refused = client.post("/admin/people/erase/", {"email": EMAIL, "confirm_email": EMAIL})

    # then it is refused, the Wagtail way (back to the admin home with a message)
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")

    # when HR tries to erase their own account
    client.force_login(hr)
    own = client.post("/admin/people/erase/", {"email": hr.email, "confirm_email": hr.email})

    # then it is refused too, and nobody was erased
    assert own.status_code == 403
    assert User.objects.filter(erased_at__isnull=False).count() == 0
    assert User.objects.get(pk=person.pk).erased_at is None


@pytest.mark.django_db
def test_an_unknown_address_is_a_clear_error(hr, client):
    client.force_login(hr)

    response = client.post("/admin/people/erase/", {"email": "nobody@acme.example"})

    assert response.status_code == 404
    assert response.context["find_form"].errors["email"] == ["Nobody has this email address."]


# --- download my data -------------------------------------------------------------------------


@pytest.mark.django_db
def test_download_my_data_is_a_json_file_of_everything_held_about_me_only(client):
    # given a person with a share and a certificate, and a colleague with a share
    me = UserFactory(email=EMAIL, first_name=FIRST)
    CertificateFactory(user=me)
    ShareFactory(user=me, text="Mon partage")
    ShareFactory(text="Le partage d'un collègue")
    client.force_login(me)

    # when I download my data
    response = client.get("/me/data/")

    # then it is a JSON attachment with my profile, certificate and share, and nobody else's
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    document = json.loads(response.content)
    assert (document["format"], document["version"], document["account"]) == ("porte-voix/personal-data", 1, EMAIL)
    data = document["data"]
    assert data["people.User"][0]["first_name"] == FIRST
    assert len(data["certification.Certificate"]) == 1
    assert [row["text"] for row in data["advocacy_share.Share"]] == ["Mon partage"]


@pytest.mark.django_db
def test_download_my_data_needs_a_sign_in(client):
    response = client.get("/me/data/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_dashboard_offers_the_download(client):
    client.force_login(UserFactory())

    response = client.get("/me/")

    assert 'href="/me/data/"' in response.content.decode()
