"""The policy as plain data (the TOML or JSON of ``fixtures/policy/``): its declared schema, and
the upsert of its guardrail rules.

``policy_data_parse`` validates a whole document against the schema (pydantic models) and
raises ``ValueError`` naming every entry that does not fit, before anything is written.
``rules_import`` creates or updates rules by name. Building the demo page and its versions
from a document is ``policy.demo``'s job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar, Literal

from django.db import models, transaction
from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, NonNegativeInt, ValidationError

from policy.models import BlockedPhraseRule, DisclosureRule, EmbargoRule, LengthRule, LinkDomainRule

ANCHOR = r"^[a-z0-9][a-z0-9-]{0,60}$"
Network = Literal["linkedin", "x", "facebook", "instagram"]


def _as_text(value: object) -> object:
    """A list of lines as the text the rule models store (one per line); a string as it is."""
    if isinstance(value, list | tuple) and all(isinstance(line, str) for line in value):
        return "\n".join(value)
    return value


# Phrases, patterns, triggers and domains: a list of lines in the data, text in the models.
Lines = Annotated[str, BeforeValidator(_as_text)]


class _Schema(BaseModel):
    # A misspelt key is an error, not a setting silently left at its default.
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- body blocks (policy.blocks.PolicyBodyBlock) -------------------------------------------------


class SectionSpec(_Schema):
    type: Literal["section"]
    anchor: str = Field(pattern=ANCHOR)
    heading: str
    text: str


class DoDontSpec(_Schema):
    type: Literal["do_dont"]
    title: str = ""
    dos: list[str]
    donts: list[str]


class ExamplePostSpec(_Schema):
    type: Literal["example_post"]
    network: Network
    author: str
    text: str
    verdict: Literal["ok", "change", "no"]
    reason: str


class DisclosureSpec(_Schema):
    type: Literal["disclosure"]
    anchor: str = Field(pattern=ANCHOR)
    title: str
    required_text: str
    explanation: str


class ContactSpec(_Schema):
    name: str
    role: str
    email: str = ""
    phone: str = ""
    when: str = ""


class EscalationSpec(_Schema):
    type: Literal["escalation"]
    anchor: str = Field(pattern=ANCHOR)
    title: str
    contacts: list[ContactSpec]


BlockSpec = Annotated[
    SectionSpec | DoDontSpec | ExamplePostSpec | DisclosureSpec | EscalationSpec, Field(discriminator="type")
]


def stream_blocks(blocks: Sequence[BlockSpec]) -> list[tuple[str, dict[str, Any]]]:
    """``blocks`` as ``(block type, value)`` pairs for a StreamField: the keys the data gave
    (the block fills in the rest), and no image on example posts."""
    pairs: list[tuple[str, dict[str, Any]]] = []
    for block in blocks:
        value = block.model_dump(exclude={"type"}, exclude_unset=True)
        if isinstance(block, ExamplePostSpec):
            value["image"] = None
        pairs.append((block.type, value))
    return pairs


# --- guardrail rules (policy.models.GuardrailRule and its kinds) ---------------------------------


class _RuleSpec(_Schema):
    model: ClassVar[type[models.Model]]

    name: str
    severity: Literal["block", "warn"] = "block"
    message: str
    message_en: str = ""
    clause: str = ""
    active: bool = True

    def values(self) -> dict[str, Any]:
        """The model's fields as the data sets them."""
        return self.model_dump(exclude={"kind", "name"})


class BlockedPhraseSpec(_RuleSpec):
    model = BlockedPhraseRule
    kind: Literal["blocked_phrase", "confidential"]
    phrases: Lines = ""
    patterns: Lines = ""

    def values(self) -> dict[str, Any]:
        return {**super().values(), "category": self.kind}


class EmbargoSpec(_RuleSpec):
    model = EmbargoRule
    kind: Literal["embargo"]
    phrases: Lines = ""
    not_before: AwareDatetime


class DisclosureRuleSpec(_RuleSpec):
    model = DisclosureRule
    kind: Literal["disclosure"]
    required_text: str
    on_company_name: bool = True
    triggers: Lines = ""
    on_advocacy: bool = True

    def values(self) -> dict[str, Any]:
        values = super().values()
        values["trigger_phrases"] = values.pop("triggers")
        return values


class LinkDomainSpec(_RuleSpec):
    model = LinkDomainRule
    kind: Literal["links"]
    domains: Lines = ""


class LengthSpec(_RuleSpec):
    model = LengthRule
    kind: Literal["length"]
    network: Network
    max_length: NonNegativeInt
    link_length: NonNegativeInt | None = None


RuleSpec = Annotated[
    BlockedPhraseSpec | EmbargoSpec | DisclosureRuleSpec | LinkDomainSpec | LengthSpec, Field(discriminator="kind")
]


# --- the document --------------------------------------------------------------------------------


class MaterialChangeSpec(_Schema):
    """A change published after the first version, as a new material version."""

    summary: str
    summary_en: str = ""
    append_body: list[BlockSpec] = []
    append_body_en: list[BlockSpec] = []


class PolicySpec(_Schema):
    title: str
    slug: str = "policy"
    intro: str = ""
    intro_en: str = ""
    body: list[BlockSpec] = []
    body_en: list[BlockSpec] = []
    material_changes: list[MaterialChangeSpec] = []
    rules: list[RuleSpec] = []


def _where(location: tuple[int | str, ...]) -> str:
    where = ""
    for part in location:
        where += f"[{part}]" if isinstance(part, int) else f".{part}" if where else str(part)
    return where or "document"


def policy_data_parse(data: Mapping[str, Any]) -> PolicySpec:
    """``data`` checked against the schema. Raises ``ValueError`` naming each entry at fault,
    e.g. ``rules[3].embargo.not_before: Field required``."""
    try:
        return PolicySpec.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{_where(error['loc'])}: {error['msg']}" for error in exc.errors())
        raise ValueError(f"policy data not valid: {problems}") from exc


@transaction.atomic
def rules_import(*, rules: Sequence[RuleSpec]) -> int:
    """Create or update guardrail rules by name, each checked by its model's ``full_clean``.

    Idempotent: a rule the data leaves unchanged is not saved again. Returns how many rules
    the data holds.
    """
    for spec in rules:
        rule = spec.model.objects.filter(name=spec.name).first() or spec.model(name=spec.name)
        values = spec.values()
        if rule.pk is not None and all(getattr(rule, key) == value for key, value in values.items()):
            # Unchanged: saving would only move updated_at and rebuild every process's rules.
            continue
        for key, value in values.items():
            setattr(rule, key, value)
        rule.full_clean()
        rule.save()
    return len(rules)
