from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "policy"
    verbose_name = _("Social media policy")

    def ready(self):
        from wagtail.signals import page_published

        from policy import handlers

        page_published.connect(handlers.on_page_published, dispatch_uid="policy_version_on_publish")
