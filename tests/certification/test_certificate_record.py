"""The certificate record (admin inspect view) as HR reads it: one state, no internals, no
"None", dates in the project's time zone like the list and the audit trail, the audit trail
in words, and the holder's training."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from certification.models import Certificate, CertificateEvent, CertificationProgram
from tests.factories.courses import CoursePageFactory, EnrollmentFactory
from tests.factories.people import UserFactory

ISSUED_AT = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)  # 10:00 in Paris (winter)
REVOKED_AT = datetime(2026, 7, 1, 6, 30, tzinfo=UTC)  # 08:30 in Paris (summer)


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


def make_certificate(program, holder, **fields):
    certificate = Certificate.objects.create(
        user=holder,
        program=program,
        holder_name="Jeanne Martin",
        issued_at=ISSUED_AT,
        expires_at=datetime(2027, 1, 15, 9, 0, tzinfo=UTC),
        status_list_index=41,
        **fields,
    )
    CertificateEvent.objects.create(
        certificate=certificate, action="issued", at=ISSUED_AT, key="issued", after={"status": "issued"}
    )
    return certificate


@pytest.fixture
def revoked(program, holder, hr_editor):
    certificate = make_certificate(
        program, holder, status="revoked", revoked_at=REVOKED_AT, revocation_reason="A publié la feuille de route"
    )
    CertificateEvent.objects.create(
        certificate=certificate,
        action="revoked",
        actor=hr_editor,
        at=REVOKED_AT,
        reason="A publié la feuille de route",
        before={"status": "issued"},
        after={"status": "revoked"},
    )
    return certificate


def record(client, certificate) -> tuple[dict[str, str], list[list[str]], str]:
    """The record's fields (label → value), the audit trail's rows, and the whole page."""
    response = client.get(reverse("certificates:inspect", args=(certificate.pk,)), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    body = response.content.decode()

    def text(fragment: str) -> str:
        return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()

    dl = re.search(r"<dl>(.*?)</dl>", body, re.S).group(1)
    fields = {text(label): text(value) for label, value in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", dl, re.S)}
    trail = body[body.index('id="audit-trail"') :]
    rows = [
        [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", trail.split("<tbody>", 1)[1], re.S)
    ]
    return fields, rows, body


def test_revoked_record_shows_one_state_local_times_and_no_internals(hr_editor_client, revoked):
    # when
    fields, _rows, body = record(hr_editor_client, revoked)

    # then
    assert fields == {
        "Code": revoked.code,
        "Titulaire": "Jeanne Martin",
        "Compte": "Jeanne Martin <holder@example.com>",
        "Programme": "Ambassadeur certifié",
        "Cycle": "1",
        "État": "Révoqué",
        "Délivré le": "15 janvier 2026 10:00",
        "Expire le": "15 janvier 2027 10:00",
        "Révoqué le": "1 juillet 2026 08:30",
        "Motif de la révocation": "A publié la feuille de route",
        "PDF": "En préparation",
        "PDF généré le": "—",
        "E-mail envoyé au titulaire le": "—",
        "Rappels d'expiration envoyés (jours avant)": "—",
    }
    assert "None" not in body[body.index("<dl>") :]
    assert "41" not in fields.values()


def test_record_of_a_valid_first_certificate_leaves_out_what_it_does_not_have(hr_editor_client, program, holder):
    # given
    certificate = make_certificate(program, holder, reminders_sent=[90, 60])

    # when
    fields, _rows, body = record(hr_editor_client, certificate)

    # then
    assert fields["État"] == "Valide"
    assert "Révoqué le" not in fields
    assert "Motif de la révocation" not in fields
    assert "Renouvelle" not in fields
    assert fields["Rappels d'expiration envoyés (jours avant)"] == "90, 60"
    assert "None" not in body[body.index("<dl>") :]


def test_record_of_a_renewal_links_the_certificate_it_renews(hr_editor_client, program, holder):
    # given
    first = make_certificate(program, holder)
    second = Certificate.objects.create(
        user=holder,
        program=program,
        cycle=2,
        holder_name="Jeanne Martin",
        issued_at=ISSUED_AT,
        status_list_index=42,
        supersedes=first,
    )

    # when
    fields, _rows, body = record(hr_editor_client, second)

    # then
    assert fields["Renouvelle"] == first.code
    assert f'href="{reverse("certificates:inspect", args=(first.pk,))}"' in body


def test_audit_trail_reads_as_status_changes_in_local_time(hr_editor_client, revoked, hr_editor):
    # when
    _fields, rows, body = record(hr_editor_client, revoked)

    # then
    assert rows == [
        ["1 juillet 2026 08:30", "Révoqué", str(hr_editor), "Délivré → Révoqué (A publié la feuille de route)"],
        ["15 janvier 2026 10:00", "Délivré", "Système", "—"],
    ]
    assert "status:" not in body


def test_a_utc_instant_shows_the_same_local_time_in_the_list_the_record_and_the_trail(hr_editor_client, revoked):
    # when
    listing = hr_editor_client.get(reverse("certificates:index"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    fields, rows, _body = record(hr_editor_client, revoked)

    # then: 09:00 UTC is 10:00 in Europe/Paris, everywhere
    assert "15/01/2026 10:00" in listing
    assert fields["Délivré le"] == "15 janvier 2026 10:00"
    assert rows[-1][0] == "15 janvier 2026 10:00"


def test_record_shows_the_holders_training_with_a_link_to_its_progress(hr_editor_client, revoked, holder, course_index):
    # given
    course = CoursePageFactory(parent=course_index, title="Parler en ligne", slug="parler-en-ligne")
    EnrollmentFactory(user=holder, course=course, completed_at=datetime(2026, 1, 14, 23, 30, tzinfo=UTC))

    # when
    _fields, _rows, body = record(hr_editor_client, revoked)

    # then
    training = body[body.index('id="holder-training"') : body.index('id="audit-trail"')]
    assert f'href="{reverse("courses_training_people")}?course={course.pk}"' in training
    assert "Parler en ligne" in training
    assert "15 janvier 2026 00:30" in training
