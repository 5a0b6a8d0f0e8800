"""Build the policy page, its versions and guardrail rules from plain data (demo content).

Idempotent: the page is found by slug, rules by name, and material changes are published
only while the page has fewer versions than the data describes.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from policy.models import (
    BlockedPhraseRule,
    DisclosureRule,
    EmbargoRule,
    LengthRule,
    LinkDomainRule,
    PolicyPage,
    PolicyVersion,
)

BLOCK_FIELDS = {
    "section": ("anchor", "heading", "text"),
    "do_dont": ("title", "dos", "donts"),
    "example_post": ("network", "author", "text", "verdict", "reason"),
    "disclosure": ("anchor", "title", "required_text", "explanation"),
    "escalation": ("anchor", "title", "contacts"),
}


def _blocks(entries: list[dict[str, Any]], where: str) -> list[tuple[str, dict[str, Any]]]:
    blocks = []
    for i, entry in enumerate(entries or []):
        kind = entry.get("type")
        if kind not in BLOCK_FIELDS:
            raise ValueError(f"{where}[{i}]: unknown block type {kind!r}")
        value = {key: entry[key] for key in BLOCK_FIELDS[kind] if key in entry}
        if kind == "example_post":
            value.setdefault("image", None)
        blocks.append((kind, value))
    return blocks


def _lines(values) -> str:
    if isinstance(values, str):
        return values
    return "\n".join(values or [])


@transaction.atomic
def rules_import(*, rules: list[dict[str, Any]]) -> int:
    """Create or update guardrail rules by name. Returns how many rules the data holds."""
    for i, data in enumerate(rules):
        kind = data.get("kind")
        common = {
            "severity": data.get("severity", "block"),
            "message": data["message"],
            "message_en": data.get("message_en", ""),
            "clause": data.get("clause", ""),
            "active": data.get("active", True),
        }
        if kind in ("blocked_phrase", "confidential"):
            model, extra = (
                BlockedPhraseRule,
                {
                    "category": kind,
                    "phrases": _lines(data.get("phrases")),
                    "patterns": _lines(data.get("patterns")),
                },
            )
        elif kind == "embargo":
            model, extra = EmbargoRule, {"phrases": _lines(data.get("phrases")), "not_before": data["not_before"]}
        elif kind == "disclosure":
            model, extra = (
                DisclosureRule,
                {
                    "required_text": data["required_text"],
                    "trigger_phrases": _lines(data.get("triggers")),
                    "on_advocacy": data.get("on_advocacy", True),
                },
            )
        elif kind == "links":
            model, extra = LinkDomainRule, {"domains": _lines(data.get("domains"))}
        elif kind == "length":
            model, extra = (
                LengthRule,
                {
                    "network": data["network"],
                    "max_length": data["max_length"],
                    "link_length": data.get("link_length"),
                },
            )
        else:
            raise ValueError(f"rules[{i}]: unknown rule kind {kind!r}")
        rule = model.objects.filter(name=data["name"]).first() or model(name=data["name"])
        values = {**common, **extra}
        if rule.pk is not None and all(getattr(rule, key) == value for key, value in values.items()):
            # Unchanged: saving would only move updated_at and rebuild every process's rules.
            continue
        for key, value in values.items():
            setattr(rule, key, value)
        rule.full_clean()
        rule.save()
    return len(rules)


def policy_import(*, data: dict[str, Any], parent) -> PolicyPage:
    """Create (or find) the policy page under ``parent`` and publish its versions."""
    page = PolicyPage.objects.filter(slug=data.get("slug", "policy")).first()
    if page is None:
        page = PolicyPage(
            title=data["title"],
            slug=data.get("slug", "policy"),
            intro=data.get("intro", ""),
            intro_en=data.get("intro_en", ""),
            body=_blocks(data.get("body"), "body"),
            body_en=_blocks(data.get("body_en"), "body_en"),
        )
        parent.add_child(instance=page)
        page.save_revision().publish()
    changes = data.get("material_changes", [])
    for number, change in enumerate(changes, start=2):
        if PolicyVersion.objects.filter(page=page, number=number).exists():
            continue
        draft = page.get_latest_revision_as_object()
        draft.body = list(draft.body.raw_data) + [
            {"type": kind, "value": value} for kind, value in _blocks(change.get("append_body"), "append_body")
        ]
        draft.body_en = list(draft.body_en.raw_data) + [
            {"type": kind, "value": value} for kind, value in _blocks(change.get("append_body_en"), "append_body_en")
        ]
        draft.change_is_material = True
        draft.change_summary = change["summary"]
        draft.change_summary_en = change.get("summary_en", "")
        draft.save_revision().publish()
        page = PolicyPage.objects.get(pk=page.pk)
    rules_import(rules=data.get("rules", []))
    return page
