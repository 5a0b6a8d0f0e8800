"""The advocacy part of the HR overview: shares per week, and active sharers by department
with a minimum group of 5 certified people (smaller departments merged into "Other", whose
figures are withheld when it is itself smaller than 5).

Now is Wednesday 3 June 2026, 10:00 UTC; this week starts Monday 1 June; the last 4 weeks
start on 6 May, 10:00.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from advocacy_share import api
from advocacy_share.data import DepartmentAdvocacy, WeeklyCount
from advocacy_share.models import Share
from tests.factories.advocacy import ShareFactory
from tests.factories.certification import CertificateFactory, CertificationProgramFactory
from tests.factories.people import DepartmentFactory, UserFactory

NOW = datetime(2026, 6, 3, 10, 0, tzinfo=UTC)


def certified(n, *, department=None, program):
    people = [UserFactory(department=department) for _ in range(n)]
    for person in people:
        CertificateFactory(user=person, program=program, issued_at=NOW - timedelta(days=60))
    return people


def shared(user, days_ago, *, status=Share.Status.SHARED):
    return ShareFactory(user=user, created_at=NOW - timedelta(days=days_ago), status=status)


@pytest.fixture
def program(db):
    return CertificationProgramFactory(unlocks_advocacy=True)


def test_departments_of_five_are_shown_smaller_ones_merged_into_other(program):
    # given
    sales, legal, it = DepartmentFactory(name="Sales"), DepartmentFactory(name="Legal"), DepartmentFactory(name="IT")
    s = certified(6, department=sales, program=program)
    legal_people = certified(3, department=legal, program=program)
    it_people = certified(1, department=it, program=program)
    loners = certified(1, program=program)
    shared(s[0], 1)
    shared(s[0], 2)
    shared(s[1], 27)
    shared(s[2], 29)  # before the last 4 weeks
    shared(s[3], 1, status=Share.Status.SCHEDULED)  # a reminder, not a share
    shared(legal_people[0], 3)
    shared(it_people[0], 4)
    shared(loners[0], 5)

    # when
    overview = api.advocacy_overview(now=NOW, other_label="Other")

    # then
    assert overview.departments == (
        DepartmentAdvocacy(sales.pk, "Sales", certified=6, sharers=2, shares=3, hidden=False),
        DepartmentAdvocacy(None, "Other", certified=5, sharers=3, shares=3, hidden=False),
    )
    assert [row.participation for row in overview.departments] == [33, 60]
    assert (overview.recent_weeks, overview.minimum_group) == (4, 5)


def test_an_other_group_smaller_than_five_is_withheld(program):
    # given
    sales, legal = DepartmentFactory(name="Sales"), DepartmentFactory(name="Legal")
    s = certified(5, department=sales, program=program)
    legal_people = certified(2, department=legal, program=program)
    shared(s[0], 1)
    shared(legal_people[0], 1)
    shared(legal_people[1], 1)

    # when
    overview = api.advocacy_overview(now=NOW, other_label="Other")

    # then
    assert overview.departments == (
        DepartmentAdvocacy(sales.pk, "Sales", certified=5, sharers=1, shares=1, hidden=False),
        DepartmentAdvocacy(None, "Other", certified=0, sharers=0, shares=0, hidden=True),
    )
    assert overview.departments[1].participation is None


def test_sharers_whose_certificate_lapsed_count_in_other_when_their_department_is_small(program):
    # given: Sales has 4 people certified now and one sharer whose certificate expired
    sales = DepartmentFactory(name="Sales")
    certified(4, department=sales, program=program)
    lapsed = UserFactory(department=sales)
    CertificateFactory(user=lapsed, program=program, issued_at=NOW - timedelta(days=400), expires_at=NOW - timedelta(1))
    shared(lapsed, 10)

    # when
    overview = api.advocacy_overview(now=NOW, other_label="Other")

    # then
    assert overview.departments == (DepartmentAdvocacy(None, "Other", 0, 0, 0, True),)


def test_shares_per_week_count_shared_ones_in_the_last_twelve_weeks(program):
    # given
    person = UserFactory()
    shared(person, 0)  # Wednesday 3 June
    shared(person, 2)  # Monday 1 June, 10:00
    shared(person, 3)  # Sunday 31 May
    shared(person, 3, status=Share.Status.CANCELLED)
    shared(person, 80)  # Sunday 15 March: the day before the twelve weeks
    shared(person, 90)  # before the twelve weeks

    # when
    weeks = api.advocacy_overview(now=NOW).weekly_shares

    # then
    assert len(weeks) == 12
    assert weeks[-1] == WeeklyCount(date(2026, 6, 1), 2)
    assert weeks[-2] == WeeklyCount(date(2026, 5, 25), 1)
    assert weeks[0] == WeeklyCount(date(2026, 3, 16), 0)
    assert sum(week.count for week in weeks) == 3


def test_nothing_shared_nor_certified_gives_no_department(db):
    # when
    overview = api.advocacy_overview(now=NOW)

    # then
    assert overview.departments == ()
    assert [week.count for week in overview.weekly_shares] == [0] * 12


@pytest.mark.parametrize("arguments", [{"minimum_group": 0}, {"recent_weeks": 0}, {"weeks": 0}])
def test_bad_arguments_are_refused(db, arguments):
    with pytest.raises(ValueError, match="must be at least 1"):
        api.advocacy_overview(now=NOW, **arguments)
