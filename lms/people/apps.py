from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "lms.people"
    label = "people"
    verbose_name = _("People")

    def ready(self):
        from django.db.models.signals import m2m_changed

        from lms.people import audit, privacy
        from lms.people.models import User

        m2m_changed.connect(audit.groups_changed, sender=User.groups.through, dispatch_uid="people-roles-audit")

        privacy.register("people.User", privacy.export_profile, privacy.erase_profile)
        # Failed sign-ins name the account by its email address, not by a foreign key.
        privacy.register("axes.AccessAttempt", privacy.export_failed_sign_ins, privacy.erase_failed_sign_ins)
