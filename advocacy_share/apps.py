from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvocacyShareConfig(AppConfig):
    name = "advocacy_share"
    verbose_name = _("Employee advocacy")

    def ready(self):
        from advocacy_share import privacy

        privacy.register()

        from advocacy_share import admin_actions

        admin_actions.register()  # the crisis switch's flips in the admin are audited
