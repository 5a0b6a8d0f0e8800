"""The demo policy: the page, its history of material versions and its guardrail rules, built
from a document of ``fixtures/policy/`` (see ``policy.importer`` for its schema). Called by
``manage.py load_demo`` through ``policy.api.import_policy``.

Idempotent: the page is found by slug, rules by name, and material changes are published
only while the page has fewer versions than the document describes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from wagtail.models import Page

from policy.importer import MaterialChangeSpec, PolicySpec, policy_data_parse, rules_import, stream_blocks
from policy.models import PolicyPage, PolicyVersion


@transaction.atomic
def policy_demo_load(*, data: Mapping[str, Any], parent: Page) -> PolicyPage:
    """Create (or find) the policy page under ``parent``, publish its versions, import its rules.

    Raises ``ValueError`` naming every entry of ``data`` that does not fit the schema; nothing
    is written then. Publishing records each version through ``page_published``.
    """
    spec = policy_data_parse(data)
    page = PolicyPage.objects.filter(slug=spec.slug).first() or _page_create(spec, parent=parent)
    for number, change in enumerate(spec.material_changes, start=2):
        if not PolicyVersion.objects.filter(page=page, number=number).exists():
            page = _material_change_publish(page, change)
    rules_import(rules=spec.rules)
    return page


def _page_create(spec: PolicySpec, *, parent: Page) -> PolicyPage:
    page = PolicyPage(
        title=spec.title,
        slug=spec.slug,
        intro=spec.intro,
        intro_en=spec.intro_en,
        body=stream_blocks(spec.body),
        body_en=stream_blocks(spec.body_en),
    )
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _material_change_publish(page: PolicyPage, change: MaterialChangeSpec) -> PolicyPage:
    """Publish ``page`` with the change's blocks appended, as a material change."""
    draft = page.get_latest_revision_as_object()
    draft.body = [*draft.body.raw_data, *_raw(stream_blocks(change.append_body))]
    draft.body_en = [*draft.body_en.raw_data, *_raw(stream_blocks(change.append_body_en))]
    draft.change_is_material = True
    draft.change_summary = change.summary
    draft.change_summary_en = change.summary_en
    draft.save_revision().publish()
    return PolicyPage.objects.get(pk=page.pk)


def _raw(pairs: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Blocks in the stored form of a StreamField, to follow the raw data of the draft."""
    return [{"type": kind, "value": value} for kind, value in pairs]
