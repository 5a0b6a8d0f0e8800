"""The social media policy: the page, its versions, acknowledgements and guardrail rules."""

# The classes were once written in one module, in this order: they register with Django in
# the same order (isort off).
# isort: off
from policy.models.pages import PolicyPage
from policy.models.versions import PolicyAcknowledgement, PolicyVersion
from policy.models.rules import (
    ANCHOR_RE,
    HOST_RE,
    RULE_MODELS,
    BlockedPhraseRule,
    DisclosureRule,
    EmbargoRule,
    GuardrailRule,
    GuardrailRuleForm,
    LengthRule,
    LinkDomainRule,
    _lines,
    _rules_changed,
    disclosure_applies_when,
)
from policy.models.reminders import AcknowledgementReminder, AcknowledgementReminderBatch

# isort: on

__all__ = [
    "ANCHOR_RE",
    "HOST_RE",
    "RULE_MODELS",
    "AcknowledgementReminder",
    "AcknowledgementReminderBatch",
    "BlockedPhraseRule",
    "DisclosureRule",
    "EmbargoRule",
    "GuardrailRule",
    "GuardrailRuleForm",
    "LengthRule",
    "LinkDomainRule",
    "PolicyAcknowledgement",
    "PolicyPage",
    "PolicyVersion",
    "_lines",
    "_rules_changed",
    "disclosure_applies_when",
]
