"""The staff groups get the rights each app names for its admin screens."""

import io

import pytest

from lms.home.roles import (
    advocacy_manager_permission_names,
    hr_editor_permission_names,
    permissions_named,
    roles_ensure,
)


def granted(group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_hr_editors_get_every_right_the_apps_name_and_a_second_call_adds_nothing(site):
    # when
    first = granted(roles_ensure().hr_editors)
    second = granted(roles_ensure().hr_editors)

    # then
    assert first == second == {"wagtailadmin.access_admin", *hr_editor_permission_names()}
    assert {
        "courses.add_singlechoicequestion",
        "courses.delete_questioncategory",
        "policy.change_blockedphraserule",
        "policy.view_policyacknowledgement",
        "certification.change_certificate",
        "axes.delete_accessattempt",
    } <= first
    assert "certification.delete_certificate" not in first


def test_hr_editors_may_publish_below_the_catalogue(site):
    # when
    hr = roles_ensure().hr_editors

    # then
    catalogue = [
        gp for gp in hr.page_permissions.select_related("page", "permission") if gp.page.url_path.endswith("/courses/")
    ]
    assert sorted(gp.permission.codename for gp in catalogue) == [
        "add_page",
        "change_page",
        "lock_page",
        "publish_page",
        "unlock_page",
    ]


def test_a_permission_no_model_has_is_an_error(db):
    # when / then
    with pytest.raises(LookupError, match="No such permission: courses.add_nosuchquestion"):
        permissions_named(["courses.add_nosuchquestion", "policy.view_policyversion"])


def test_advocacy_managers_run_the_content_library_the_settings_and_read_the_pause_audit(site):
    # when
    first = granted(roles_ensure().advocacy_managers)
    managers = roles_ensure().advocacy_managers

    # then
    assert granted(managers) == first == {"wagtailadmin.access_admin", *advocacy_manager_permission_names()}
    assert {
        "advocacy_share.add_shareablecontent",
        "advocacy_share.change_shareablecontent",
        "advocacy_share.delete_shareablecontent",
        "advocacy_share.view_shareablecontent",
        "advocacy_share.delete_campaign",
        "advocacy_share.change_advocacysettings",
        "advocacy_share.view_pauselog",
    } <= first
    assert "advocacy_share.change_pauselog" not in first
    assert sorted(managers.collection_permissions.values_list("permission__codename", flat=True)) == [
        "add_image",
        "choose_image",
    ]


def test_hr_editors_may_manage_advocacy_content_but_not_delete_it(site):
    # when
    hr = granted(roles_ensure().hr_editors)

    # then
    assert {
        "advocacy_share.add_shareablecontent",
        "advocacy_share.change_shareablecontent",
        "advocacy_share.view_shareablecontent",
        "advocacy_share.add_campaign",
        "advocacy_share.change_campaign",
    } <= hr
    assert "advocacy_share.delete_shareablecontent" not in hr
    assert "advocacy_share.change_advocacysettings" not in hr


def test_the_roles_ensure_command_gives_an_existing_group_the_new_rights_and_keeps_the_rest(site):
    # given an install whose "Advocacy managers" predate the points ledger screens, with a right
    # an administrator added by hand
    from django.contrib.auth.models import Permission
    from django.core.management import call_command

    managers = roles_ensure().advocacy_managers
    ledger = permissions_named(
        ["advocacy_share.view_pointsentry", "advocacy_share.add_pointsentry", "advocacy_share.change_pointstotal"]
    )
    managers.permissions.remove(*ledger)
    by_hand = Permission.objects.get(content_type__app_label="advocacy_share", codename="view_share")
    managers.permissions.add(by_hand)

    # when
    call_command("roles_ensure", stdout=io.StringIO())
    call_command("roles_ensure", stdout=io.StringIO())

    # then
    assert granted(managers) == {
        "wagtailadmin.access_admin",
        *advocacy_manager_permission_names(),
        "advocacy_share.view_share",
    }
    assert {
        "advocacy_share.view_pointsentry",
        "advocacy_share.add_pointsentry",
        "advocacy_share.change_pointstotal",
    } <= granted(managers)
