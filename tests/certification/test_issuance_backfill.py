"""``manage.py issuance_backfill``: at the upgrade that introduced pending issuance requests,
the people active in the last days get one, so that issuance lost before the upgrade is found
by the reconciliation like any other."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from certification import lifecycle, services
from certification.models import Certificate, IssuanceRequest
from policy.models import PolicyAcknowledgement, PolicyVersion
from tests.certification.test_lifecycle import ISSUED_AT, complete, make_program
from tests.factories.courses import CoursePageFactory
from tests.factories.people import UserFactory
from tests.factories.policy import PolicyPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(course_index):
    return CoursePageFactory(parent=course_index, title="Main course")


def acknowledge(user, at):
    with time_machine.travel(at, tick=False):
        PolicyAcknowledgement.objects.create(
            user=user, version=PolicyVersion.objects.get(number=1), language="en", text_sha256="0" * 64
        )


def test_the_people_active_in_the_window_get_one_request_each_and_a_rerun_writes_none(course, site):
    # given: a completion 3 days ago, a policy acceptance 10 days ago (another person), a person
    # with both, a completion 40 days ago, a person with nothing, and one already pending
    PolicyPageFactory(parent=site)
    completed, accepted, both, old, idle, pending = (UserFactory() for _ in range(6))
    complete(completed, course, at=ISSUED_AT - timedelta(days=3))
    acknowledge(accepted, ISSUED_AT - timedelta(days=10))
    complete(both, course, at=ISSUED_AT - timedelta(days=1))
    acknowledge(both, ISSUED_AT - timedelta(days=2))
    complete(old, course, at=ISSUED_AT - timedelta(days=40))
    complete(pending, course, at=ISSUED_AT - timedelta(days=5))
    services.issuance_request(user_id=pending.pk, now=ISSUED_AT - timedelta(hours=1))

    # when: the command, twice
    out = StringIO()
    with time_machine.travel(ISSUED_AT, tick=False):
        call_command("issuance_backfill", days=30, stdout=out)
        call_command("issuance_backfill", days=30, stdout=out)

    # then: three requests written at the run, the pending one untouched, none on the rerun
    requests = dict(IssuanceRequest.objects.values_list("user_id", "requested_at"))
    assert requests == {
        completed.pk: ISSUED_AT,
        accepted.pk: ISSUED_AT,
        both.pk: ISSUED_AT,
        pending.pk: ISSUED_AT - timedelta(hours=1),
    }
    assert out.getvalue().splitlines() == [
        "3 pending issuance requests written (activity since 2025-12-16 09:00 UTC).",
        "0 pending issuance requests written (activity since 2025-12-16 09:00 UTC).",
    ]


def test_a_certificate_lost_before_the_upgrade_is_issued_by_the_next_reconciliation(course):
    # given: a person who completed the programme's course two days ago, whose issuance message
    # was lost before the release that writes pending requests (so there is none)
    program = make_program(courses=[course])
    holder = UserFactory()
    complete(holder, course, at=ISSUED_AT - timedelta(days=2))
    assert not IssuanceRequest.objects.exists()

    # when: the backfill at the upgrade, then the reconciliation after the grace period
    with time_machine.travel(ISSUED_AT, tick=False):
        assert services.issuance_requests_backfill(since=ISSUED_AT - timedelta(days=30)) == 1
    counts = lifecycle.certificates_reconcile(now=ISSUED_AT + lifecycle.reconcile_grace() + timedelta(minutes=1))

    # then: one certificate, and nothing left pending
    assert counts["issued"] == 1
    assert list(Certificate.objects.values_list("user_id", "program_id")) == [(holder.pk, program.pk)]
    assert not IssuanceRequest.objects.exists()


def test_more_people_than_one_batch_are_all_written(course, monkeypatch):
    # given: five active people and batches of two
    monkeypatch.setattr(services, "BACKFILL_BATCH", 2)
    people = [UserFactory() for _ in range(5)]
    for person in people:
        complete(person, course, at=ISSUED_AT - timedelta(days=1))

    # when
    with time_machine.travel(ISSUED_AT, tick=False):
        written = services.issuance_requests_backfill(since=ISSUED_AT - timedelta(days=30))

    # then
    assert written == 5
    assert sorted(IssuanceRequest.objects.values_list("user_id", flat=True)) == sorted(p.pk for p in people)


def test_a_window_under_one_day_is_refused_and_writes_nothing(course):
    complete(UserFactory(), course, at=ISSUED_AT)
    with pytest.raises(CommandError, match="--days must be 1 or more."):
        call_command("issuance_backfill", days=0)
    assert not IssuanceRequest.objects.exists()
