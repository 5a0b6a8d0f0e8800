"""The staff groups and what they may do in the Wagtail admin. Idempotent.

- **HR editors** write the training: the course pages (add, edit, publish, lock, unlock below
  the catalogue), the question bank (every question type and the categories), and the images
  and documents of the root collection.
- **HR editors** also own the social media policy: the policy page (edit, publish), the
  guardrail rules, the version history and the acknowledgement report; and certification:
  programmes, certificates (revoke, reinstate) and PDF re-issues; and they lift sign-in
  lock-outs.
- **Advocacy managers** reach the admin; their reports and share-content rights come with the
  advocacy and certification layers.

Models of the courses layer are found through the app registry, by app label and base class,
so this module needs no import of ``courses.models`` (the layer contract forbids it) and picks
up new question types without change.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

HR_EDITORS = "HR editors"
ADVOCACY_MANAGERS = "Advocacy managers"

PAGE_ACTIONS = ("add", "change", "publish", "lock", "unlock")
MODEL_ACTIONS = ("add", "change", "delete", "view")
IMAGE_PERMISSIONS = ("add_image", "change_image", "choose_image")
DOCUMENT_PERMISSIONS = ("add_document", "change_document", "choose_document")


@dataclass(frozen=True)
class Roles:
    hr_editors: Group
    advocacy_managers: Group


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _question_bank_models() -> list[type]:
    """Every question model of the courses app (the polymorphic base and its subtypes) and
    the category model."""
    question = apps.get_model("courses", "Question")
    models = [m for m in apps.get_app_config("courses").get_models() if issubclass(m, question)]
    return [*models, apps.get_model("courses", "QuestionCategory")]


def _model_permissions(model: type) -> list[Permission]:
    content_type = ContentType.objects.get_for_model(model)
    codenames = [f"{action}_{model._meta.model_name}" for action in MODEL_ACTIONS]
    return list(Permission.objects.filter(content_type=content_type, codename__in=codenames))


def _catalogue_page() -> Page | None:
    return _first_page("courses", "courseindexpage")


def _first_page(app_label: str, model: str) -> Page | None:
    content_type = ContentType.objects.get_by_natural_key(app_label, model)
    return Page.objects.filter(content_type=content_type).order_by("path").first()


# Non-page models HR editors manage, by app label: (model name, actions).
HR_MODELS = {
    "policy": [
        ("blockedphraserule", MODEL_ACTIONS),
        ("embargorule", MODEL_ACTIONS),
        ("disclosurerule", MODEL_ACTIONS),
        ("linkdomainrule", MODEL_ACTIONS),
        ("lengthrule", MODEL_ACTIONS),
        ("policyversion", ("view",)),
        ("policyacknowledgement", ("view",)),
    ],
    "certification": [
        ("certificationprogram", ("add", "change", "view")),
        ("certificate", ("change", "view")),
        ("certificateevent", ("view",)),
        ("bulkrender", ("add", "view")),
    ],
    # Sign-in lock-outs (django-axes): see them and lift them.
    "axes": [("accessattempt", ("view", "delete"))],
}


def _named_permissions() -> list[Permission]:
    permissions = []
    for app_label, entries in HR_MODELS.items():
        for model, actions in entries:
            codenames = [f"{action}_{model}" for action in actions]
            permissions += list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
    return permissions


@transaction.atomic
def roles_ensure() -> Roles:
    """Create the two staff groups and grant their permissions.

    Idempotent: a second call adds nothing. It only adds permissions, never removes one an
    administrator granted by hand. The page permissions need the catalogue page; without one
    they are skipped (run it again after ``site_ensure``).
    """
    access_admin = _permission("wagtailadmin", "access_admin")

    hr, _created = Group.objects.get_or_create(name=HR_EDITORS)
    model_permissions = [p for model in _question_bank_models() for p in _model_permissions(model)]
    hr.permissions.add(access_admin, *model_permissions, *_named_permissions())

    root = Collection.get_first_root_node()
    for app_label, codenames in (("wagtailimages", IMAGE_PERMISSIONS), ("wagtaildocs", DOCUMENT_PERMISSIONS)):
        for codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=hr, collection=root, permission=_permission(app_label, codename)
            )

    for page in (_catalogue_page(), _first_page("policy", "policypage")):
        if page is None:
            continue
        for action in PAGE_ACTIONS:
            GroupPagePermission.objects.get_or_create(
                group=hr, page=page, permission=_permission("wagtailcore", f"{action}_page")
            )

    managers, _created = Group.objects.get_or_create(name=ADVOCACY_MANAGERS)
    managers.permissions.add(access_admin)
    return Roles(hr_editors=hr, advocacy_managers=managers)
