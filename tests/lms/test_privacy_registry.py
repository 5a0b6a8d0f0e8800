"""The personal data registry covers every project model that points at a user (TESTPLAN 38)."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model

from lms.people import privacy
from tests.factories.people import UserFactory

PROJECT_APPS = ("people", "home", "courses", "policy", "certification", "advocacy_share")


def _models_pointing_at_users() -> set[str]:
    user_model = get_user_model()
    labels = set()
    for app_label in PROJECT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model is user_model or any(
                field.is_relation
                and field.related_model is user_model
                and field.concrete
                # Fields inherited from Wagtail's Page (owner, locked_by) belong to Wagtail.
                and field.model._meta.app_label in PROJECT_APPS
                for field in model._meta.get_fields()
            ):
                labels.add(model._meta.label_lower)
    return labels


def test_every_model_that_points_at_a_user_is_registered():
    # given the project's models with a relation to the user model
    pointing = _models_pointing_at_users()
    # when we compare with the registry
    registered = set(privacy.registrations())
    # then none is missing, and the list is not trivially empty
    assert pointing - registered == set()
    assert {"people.user", "policy.policyacknowledgement", "courses.attempt", "certification.certificate"} <= pointing


def test_the_export_holds_the_policy_acknowledgements_of_that_user_only(db):
    # given two users, one of whom acknowledged a policy version
    from policy.models import PolicyAcknowledgement, PolicyPage, PolicyVersion

    reader, other = UserFactory(), UserFactory()
    page = PolicyPage.objects.first()
    if page is None:
        from wagtail.models import Page

        page = PolicyPage(title="Policy", slug="policy-export", body=[])
        Page.get_first_root_node().add_child(instance=page)
    version = PolicyVersion.objects.create(
        page=page,
        number=99,
        published_at=page.first_published_at or page.latest_revision_created_at or reader.date_joined,
        text_fr="x",
        sha256_fr="0" * 64,
    )
    PolicyAcknowledgement.objects.create(user=reader, version=version, language="fr", text_sha256="a" * 64)
    # when each user's data is exported
    mine, theirs = privacy.export_user(reader), privacy.export_user(other)
    # then the acknowledgement is in the reader's export only
    assert [row["version"] for row in mine["policy.PolicyAcknowledgement"]] == [99]
    assert theirs["policy.PolicyAcknowledgement"] == []
    assert mine["people.User"][0]["email"] == reader.email
