"""Wagtail's publication event → a policy version when the change is material."""

from policy import services
from policy.models import PolicyPage


def on_page_published(sender, instance, revision=None, **kwargs):
    if isinstance(instance, PolicyPage):
        services.policy_version_record(page=instance, revision=revision, user=getattr(revision, "user", None))
