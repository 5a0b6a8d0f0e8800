"""The demo policy (fixtures/policy/policy.toml) through ``policy.api.import_policy``."""

import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from django.forms.models import model_to_dict

from policy import api
from policy.models import RULE_MODELS, PolicyPage, PolicyVersion

DEMO = Path(settings.BASE_DIR) / "fixtures" / "policy" / "policy.toml"


@pytest.fixture
def demo_data():
    with DEMO.open("rb") as file:
        return tomllib.load(file)


def _snapshot():
    page = PolicyPage.objects.get()
    return {
        "pages": PolicyPage.objects.count(),
        "revisions": page.revisions.count(),
        "live_revision": page.live_revision_id,
        "versions": list(
            PolicyVersion.objects.order_by("number").values_list("pk", "number", "sha256_fr", "sha256_en")
        ),
        "rules": {
            model.__name__: [
                model_to_dict(rule) | {"updated_at": rule.updated_at} for rule in model.objects.order_by("pk")
            ]
            for model in RULE_MODELS
        },
    }


def test_importing_the_demo_policy_gives_two_versions_and_thirteen_rules(site, demo_data):
    # when
    page_id = api.import_policy(demo_data, parent=site)

    # then
    page = PolicyPage.objects.get()
    assert page.pk == page_id
    assert page.url == "/policy/"
    assert list(PolicyVersion.objects.order_by("number").values_list("number", "summary_en")) == [
        (1, ""),
        (2, demo_data["material_changes"][0]["summary_en"]),
    ]
    assert {model.__name__: model.objects.count() for model in RULE_MODELS} == {
        "BlockedPhraseRule": 6,
        "EmbargoRule": 2,
        "DisclosureRule": 1,
        "LinkDomainRule": 1,
        "LengthRule": 3,
    }
    assert sum(model.objects.count() for model in RULE_MODELS) == 13


def test_importing_the_demo_policy_twice_changes_nothing(site, demo_data):
    # given
    api.import_policy(demo_data, parent=site)
    before = _snapshot()

    # when
    api.import_policy(demo_data, parent=site)

    # then
    assert _snapshot() == before


def test_the_imported_policy_is_served_and_checks_posts(site, demo_data, employee_client):
    # given
    api.import_policy(demo_data, parent=site)

    # when
    page = employee_client.get("/policy/")
    findings = api.check_post("Grosse signature avec Zénith Industries", language="fr")

    # then
    assert page.status_code == 200
    assert "Version 2" in page.content.decode()
    assert [(f.kind, f.excerpt, f.clause_url) for f in findings] == [
        ("confidential", "Zénith Industries", "/policy/#confidentialite")
    ]


def test_a_document_that_does_not_fit_the_schema_names_each_entry_at_fault_and_writes_nothing(site, demo_data):
    # given
    demo_data["rules"][0]["kind"] = "hashtag"
    del demo_data["rules"][6]["not_before"]

    # when
    with pytest.raises(ValueError) as refused:
        api.import_policy(demo_data, parent=site)

    # then
    assert str(refused.value) == (
        "policy data not valid: rules[0]: Input tag 'hashtag' found using 'kind' does not match any of the "
        "expected tags: 'blocked_phrase', 'confidential', 'embargo', 'disclosure', 'links', 'length'; "
        "rules[6].embargo.not_before: Field required"
    )
    assert PolicyPage.objects.count() == 0
    assert sum(model.objects.count() for model in RULE_MODELS) == 0
