"""The staff groups and what they may do in the Wagtail admin. Idempotent.

- **HR editors** write the training: the course pages (add, edit, publish, lock, unlock below
  the catalogue), the question bank (every question type and the categories), and the images
  and documents of the root collection.
- **HR editors** also own the social media policy: the policy page (edit, publish), the
  guardrail rules, the version history and the acknowledgement report; and certification:
  programmes, certificates (revoke, reinstate), PDF re-issues, the certification report and
  its "remind these people"; they lift sign-in lock-outs and erase the personal data of
  former employees.
- **HR editors** may also manage the advocacy content library and campaigns.
- **Advocacy managers** run the advocacy programme: the content library, campaigns, the
  moderation of suggestions, the programme settings and the crisis-switch audit, and the images
  of the root collection (to choose a content's picture).

Each app names the rights its screens need (``hr_editor_permissions`` and
``hr_editor_page_ids`` in its ``api``), so this module reads no app's models and picks up a new
question type or rule without change.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from advocacy_share import api as advocacy_api
from certification import api as certification_api
from courses import api as courses_api
from policy import api as policy_api

HR_EDITORS = "HR editors"
ADVOCACY_MANAGERS = "Advocacy managers"

PAGE_ACTIONS = ("add", "change", "publish", "lock", "unlock")
IMAGE_PERMISSIONS = ("add_image", "change_image", "choose_image")
DOCUMENT_PERMISSIONS = ("add_document", "change_document", "choose_document")
MANAGER_IMAGE_PERMISSIONS = ("add_image", "choose_image")
# Sign-in lock-outs (django-axes, wired in lms.people): see them and lift them.
LOCKOUT_PERMISSIONS = ("axes.view_accessattempt", "axes.delete_accessattempt")
# Erasing a former employee's personal data (lms.people.erasure).
ERASURE_PERMISSIONS = ("people.erase_user",)


@dataclass(frozen=True)
class Roles:
    hr_editors: Group
    advocacy_managers: Group


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def permissions_named(names: list[str]) -> list[Permission]:
    """The permissions named ``app_label.codename``; a name that matches none is an error, so
    that a renamed model cannot silently take a right away."""
    if not names:
        return []
    wanted = Q()
    for name in names:
        app_label, codename = name.split(".", 1)
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(wanted).select_related("content_type"))
    missing = set(names) - {f"{p.content_type.app_label}.{p.codename}" for p in found}
    if missing:
        raise LookupError(f"No such permission: {', '.join(sorted(missing))}")
    return found


def hr_editor_permission_names() -> list[str]:
    return [
        *courses_api.hr_editor_permissions(),
        *policy_api.hr_editor_permissions(),
        *certification_api.hr_editor_permissions(),
        *advocacy_api.hr_editor_permissions(),
        *LOCKOUT_PERMISSIONS,
        *ERASURE_PERMISSIONS,
    ]


def advocacy_manager_permission_names() -> list[str]:
    return advocacy_api.advocacy_manager_permissions()


@transaction.atomic
def roles_ensure() -> Roles:
    """Create the two staff groups and grant their permissions.

    Idempotent: a second call adds nothing. It only adds permissions, never removes one an
    administrator granted by hand. The page permissions need the catalogue and policy pages;
    without them they are skipped (run it again after ``site_ensure``).
    """
    access_admin = _permission("wagtailadmin", "access_admin")

    hr, _created = Group.objects.get_or_create(name=HR_EDITORS)
    hr.permissions.add(access_admin, *permissions_named(hr_editor_permission_names()))

    root = Collection.get_first_root_node()
    for app_label, codenames in (("wagtailimages", IMAGE_PERMISSIONS), ("wagtaildocs", DOCUMENT_PERMISSIONS)):
        for codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=hr, collection=root, permission=_permission(app_label, codename)
            )

    page_ids = [*courses_api.hr_editor_page_ids(), *policy_api.hr_editor_page_ids()]
    for page in Page.objects.filter(pk__in=page_ids):
        for action in PAGE_ACTIONS:
            GroupPagePermission.objects.get_or_create(
                group=hr, page=page, permission=_permission("wagtailcore", f"{action}_page")
            )

    managers, _created = Group.objects.get_or_create(name=ADVOCACY_MANAGERS)
    managers.permissions.add(access_admin, *permissions_named(advocacy_manager_permission_names()))
    for codename in MANAGER_IMAGE_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=managers, collection=root, permission=_permission("wagtailimages", codename)
        )
    return Roles(hr_editors=hr, advocacy_managers=managers)
