"""Role changes are audited (TESTPLAN 41): who was added to or removed from which group, by
whom, whichever side of the relation the change was made from."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from wagtail.log_actions import LogContext
from wagtail.models import ModelLogEntry

from lms.people import audit, privacy
from tests.factories.people import SuperuserFactory, UserFactory


def entries(person):
    return [
        (entry.data["added"], entry.data["removed"], entry.user_id)
        for entry in ModelLogEntry.objects.filter(action=audit.ROLES_CHANGED, object_id=str(person.pk)).order_by("pk")
    ]


@pytest.mark.django_db
def test_adding_and_removing_a_role_is_logged_with_who_did_it():
    # given an admin, a person and two groups
    admin, person = SuperuserFactory(), UserFactory()
    hr, managers = Group.objects.create(name="HR editors"), Group.objects.create(name="Advocacy managers")

    # when the admin adds both roles, then removes one
    with LogContext(user=admin):
        person.groups.add(hr, managers)
        person.groups.remove(managers)

    # then two entries say so, in order, with the admin as author
    assert entries(person) == [
        (["Advocacy managers", "HR editors"], [], admin.pk),
        ([], ["Advocacy managers"], admin.pk),
    ]


@pytest.mark.django_db
def test_a_change_made_from_the_group_side_is_logged_on_the_person():
    person = UserFactory()
    group = Group.objects.create(name="HR editors")

    group.user_set.add(person)
    group.user_set.clear()

    assert entries(person) == [(["HR editors"], [], None), ([], ["HR editors"], None)]


@pytest.mark.django_db
def test_an_erasure_removes_the_roles_and_says_so():
    # given a person holding a role
    person = UserFactory()
    person.groups.add(Group.objects.create(name="Advocacy managers"))

    # when their data is erased
    privacy.erase_user(person)

    # then the removal of the role is in the trail
    assert entries(person)[-1] == ([], ["Advocacy managers"], None)


@pytest.mark.django_db
def test_saving_a_person_without_touching_roles_logs_nothing():
    person = UserFactory()

    person.first_name = "Renamed"
    person.save()
    person.groups.set([])

    assert entries(person) == []
