"""The certification part of the HR overview (status by department, issued per week) and the
certified headcount the advocacy part groups people by.

Now is Wednesday 3 June 2026, 10:00 UTC; this week starts Monday 1 June.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from certification import api
from certification.data import CertifiedHeadcount, DepartmentCertificates, WeeklyCount
from tests.factories.certification import CertificateFactory, CertificationProgramFactory
from tests.factories.people import DepartmentFactory, UserFactory

NOW = datetime(2026, 6, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def scene(db):
    sales, legal = DepartmentFactory(name="Sales"), DepartmentFactory(name="Legal")
    advocacy = CertificationProgramFactory(unlocks_advocacy=True)
    safety = CertificationProgramFactory(unlocks_advocacy=False)
    s1, s2, s3 = (UserFactory(department=sales) for _ in range(3))
    l1 = UserFactory(department=legal)
    n1 = UserFactory()
    gone = UserFactory(department=sales, is_active=False)
    # s1: valid in both programmes (counted once as certified for advocacy).
    CertificateFactory(user=s1, program=advocacy, issued_at=NOW - timedelta(days=1))
    CertificateFactory(user=s1, program=safety, issued_at=NOW - timedelta(days=8))
    # s2: expiring in 20 days; s3: expired; l1: revoked; n1: valid without department.
    CertificateFactory(user=s2, program=advocacy, issued_at=NOW - timedelta(days=345), expires_at=NOW + timedelta(20))
    CertificateFactory(user=s3, program=advocacy, issued_at=NOW - timedelta(days=400), expires_at=NOW - timedelta(1))
    CertificateFactory(user=l1, program=advocacy, issued_at=NOW - timedelta(days=30), revoked=True)
    CertificateFactory(user=n1, program=advocacy, issued_at=NOW - timedelta(days=8, hours=12))
    CertificateFactory(user=gone, program=advocacy, issued_at=NOW - timedelta(days=2))
    return sales, legal


def test_certification_overview_counts_statuses_by_department_and_issues_per_week(scene):
    # given
    sales, legal = scene

    # when
    overview = api.certification_overview(weeks=12, now=NOW, no_department_label="None")

    # then
    assert overview.departments == (
        DepartmentCertificates(legal.pk, "Legal", valid=0, expiring=0, expired=0, revoked=1),
        DepartmentCertificates(sales.pk, "Sales", valid=3, expiring=1, expired=1, revoked=0),  # as the report: gone too
        DepartmentCertificates(None, "None", valid=1, expiring=0, expired=0, revoked=0),
    )
    assert overview.departments[1].total == 5
    weeks = overview.weekly_issued
    assert len(weeks) == 12
    assert weeks[-1] == WeeklyCount(date(2026, 6, 1), 2)  # s1 (advocacy), gone
    assert weeks[-2] == WeeklyCount(date(2026, 5, 25), 2)  # s1 (safety), n1
    assert weeks[-5] == WeeklyCount(date(2026, 5, 4), 1)  # l1, revoked since
    assert weeks[0].week_start == date(2026, 3, 16)
    assert sum(week.count for week in weeks) == 5  # s2 and s3 were issued a year ago


def test_certified_headcount_counts_valid_advocacy_certificates_of_active_people_once(scene):
    # given
    sales, _legal = scene

    # when
    headcount = sorted(api.certified_headcount(now=NOW), key=lambda row: row.department_id or 0)

    # then: s1 and s2 in Sales (s3 expired, gone inactive), n1 without a department; l1 revoked
    assert headcount == [
        CertifiedHeadcount(department_id=None, department_name="", people=1),
        CertifiedHeadcount(department_id=sales.pk, department_name="Sales", people=2),
    ]


def test_certification_overview_refuses_no_week(db):
    with pytest.raises(ValueError, match="weeks must be at least 1"):
        api.certification_overview(weeks=0, now=NOW)
