"""The personal data registry covers every project model that points at a user (TESTPLAN 38)."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model

from lms.people import privacy
from tests.factories.people import UserFactory

PROJECT_APPS = ("people", "home", "courses", "policy", "certification", "advocacy_share")


MAX_HOPS = 3


def _forward_relations(model):
    """The foreign keys, one-to-ones and many-to-manys a project model declares itself
    (fields inherited from Wagtail's Page, such as owner and locked_by, belong to Wagtail)."""
    return [
        field
        for field in model._meta.get_fields()
        if field.is_relation
        and field.concrete
        and field.related_model is not None
        and field.model._meta.app_label in PROJECT_APPS
    ]


def _chains_to_users(model, hops: int = MAX_HOPS) -> list[tuple[str, ...]]:
    """Every path of at most ``hops`` relations from ``model`` to the user model, through
    project models only, as model labels: ``("advocacy_share.visit", "advocacy_share.trackedlink",
    "advocacy_share.share", "people.user")``."""
    user_model = get_user_model()
    chains = []
    for field in _forward_relations(model):
        target = field.related_model
        if target is user_model:
            chains.append((model._meta.label_lower, user_model._meta.label_lower))
        elif hops > 1 and target is not model and target._meta.app_label in PROJECT_APPS:
            chains.extend((model._meta.label_lower, *chain) for chain in _chains_to_users(target, hops - 1))
    return chains


def _models_linked_to_users() -> dict[str, list[tuple[str, ...]]]:
    """Each project model linked to the user model (directly or within ``MAX_HOPS``), with the
    paths that link it; the user model itself with the empty path."""
    user_model = get_user_model()
    linked: dict[str, list[tuple[str, ...]]] = {user_model._meta.label_lower: [()]}
    for app_label in PROJECT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            chains = _chains_to_users(model)
            if chains:
                linked[model._meta.label_lower] = chains
    return linked


def _models_pointing_at_users() -> set[str]:
    return {
        label
        for label, chains in _models_linked_to_users().items()
        if chains == [()] or any(len(c) == 2 for c in chains)
    }


def test_the_walk_follows_foreign_keys_up_to_three_hops():
    # when
    linked = _models_linked_to_users()

    # then: a visit belongs to the sharer through its link and share
    assert ("advocacy_share.visit", "advocacy_share.trackedlink", "advocacy_share.share", "people.user") in linked[
        "advocacy_share.visit"
    ]
    assert ("advocacy_share.trackedlink", "advocacy_share.share", "people.user") in linked["advocacy_share.trackedlink"]
    assert "courses.attemptanswer" in linked


def test_every_model_linked_to_a_user_through_other_models_is_registered():
    # given the project's models linked to a user within three hops
    linked = _models_linked_to_users()
    registered = privacy.registrations()

    # then each one is registered: exported, declared not personal with a reason, or exported
    # with a registered model it is linked through
    assert set(linked) - set(registered) == set()
    for label in linked:
        registration = registered[label]
        if registration.exported_with:
            within = registration.exported_with.lower()
            assert registered[within].exporter is not None, label
            assert any(within in chain for chain in linked[label]), label
        else:
            assert registration.exporter is not None or registration.not_personal_reason, label
        # whatever is exported can be erased
        if registration.exporter is not None:
            assert registration.eraser is not None, label


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
