from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "policy"
    verbose_name = _("Social media policy")

    def ready(self):
        from policy import checks, privacy  # noqa: F401 - checks registers the start-up checks

        privacy.register()
        from django.db.models.signals import post_delete
        from wagtail.signals import page_published

        from policy import handlers
        from policy.models import RULE_MODELS

        page_published.connect(handlers.on_page_published, dispatch_uid="policy_version_on_publish")
        for model in RULE_MODELS:
            post_delete.connect(
                handlers.on_rule_deleted, sender=model, dispatch_uid=f"policy_rules_changed_{model._meta.model_name}"
            )
