"""Wagtail's publication event → a policy version when the change is material; rule deletions
→ a fresh compiled rule set."""

from policy import services
from policy.models import PolicyPage, _rules_changed


def on_page_published(sender, instance, revision=None, **kwargs):
    if isinstance(instance, PolicyPage):
        services.policy_version_record(page=instance, revision=revision, user=getattr(revision, "user", None))


def on_rule_deleted(sender, instance, **kwargs):
    # Deletions through a queryset (the admin's bulk delete, a shell) skip ``GuardrailRule.delete``.
    _rules_changed()
