from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "lms.people"
    label = "people"
    verbose_name = _("People")

    def ready(self):
        from lms.people import privacy

        privacy.register("people.User", privacy.export_profile)
        # Failed sign-ins name the account by its email address, not by a foreign key.
        privacy.register("axes.AccessAttempt", privacy.export_failed_sign_ins)
