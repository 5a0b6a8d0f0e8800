from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvocacyShareConfig(AppConfig):
    name = "advocacy_share"
    verbose_name = _("Employee advocacy")

    def ready(self):
        from advocacy_share import privacy

        privacy.register()
