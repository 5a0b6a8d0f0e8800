"""The staff groups get the rights each app names for its admin screens."""

import pytest

from lms.home.roles import hr_editor_permission_names, permissions_named, roles_ensure


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
