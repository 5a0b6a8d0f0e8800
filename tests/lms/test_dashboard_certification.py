"""/me/ and the advocacy gate: what the certificate section says and where it leads, for a
valid, a revoked and an expired holder. /me/ links to the share feed (/advocacy/) only while
the gate lets the holder in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from certification.services import certificate_revoke
from tests.factories.certification import CertificateFactory, CertificationProgramFactory
from tests.factories.courses import CoursePageFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def advocacy_alert(response) -> str:
    """The alert of the certificate section that tells whether sharing is unlocked."""
    alerts = re.findall(r'<p class="alert alert--(?:success|warning)">(.*?)</p>', response.content.decode(), re.S)
    assert len(alerts) == 1, alerts
    return " ".join(alerts[0].split())


def expired_yesterday(**fields):
    issued = timezone.now() - timedelta(days=366)
    return {"issued_at": issued, "expires_at": timezone.now() - timedelta(days=1), **fields}


@pytest.fixture
def refresher(course_index):
    return CoursePageFactory(parent=course_index, title="Refresher", slug="refresher")


def test_a_valid_holder_is_told_sharing_is_unlocked_with_a_link_to_the_share_feed(employee_client, employee):
    # given
    CertificateFactory(user=employee)

    # when
    response = employee_client.get("/me/", **EN)

    # then
    assert response.status_code == 200
    assert advocacy_alert(response) == "Sharing is unlocked: your certificate is valid."
    # the advocacy card's button, its "nothing shared yet" next step and the site navigation
    # lead to the feed
    assert response.content.decode().count('href="/advocacy/"') == 3
    assert '<li><a href="/advocacy/">Advocacy</a></li>' in response.content.decode()


def test_a_revoked_holder_gets_no_next_step_link(employee_client, employee):
    # given
    certificate = CertificateFactory(user=employee)
    certificate_revoke(certificate=certificate, actor=None, reason="Shared a confidential figure.")

    # when
    response = employee_client.get("/me/", **EN)

    # then
    assert response.status_code == 200
    assert advocacy_alert(response) == "Your certificate was revoked: sharing is locked."
    assert 'href="/advocacy/' not in response.content.decode()


def test_an_expired_holder_is_sent_to_the_refresher_course(employee_client, employee, refresher):
    # given
    program = CertificationProgramFactory(renewal_mode="refresher", refresher_course=refresher)
    CertificateFactory(user=employee, program=program, **expired_yesterday())

    # when
    response = employee_client.get("/me/", **EN)

    # then
    assert response.status_code == 200
    assert advocacy_alert(response) == (
        "Your certificate has expired: sharing is locked until you renew it. "
        '<a href="/courses/refresher/">Next step</a>'
    )


def test_an_expired_holder_of_a_full_renewal_is_sent_to_the_catalogue(employee_client, employee, refresher):
    # given
    program = CertificationProgramFactory(renewal_mode="full", refresher_course=refresher)
    CertificateFactory(user=employee, program=program, **expired_yesterday())

    # when
    response = employee_client.get("/me/", **EN)

    # then
    assert response.status_code == 200
    assert advocacy_alert(response) == (
        'Your certificate has expired: sharing is locked until you renew it. <a href="/courses/">Next step</a>'
    )
