from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = _("Certification")

    def ready(self):
        from certification import privacy

        privacy.register()
        from certification import handlers
        from courses.signals import course_completed
        from policy.signals import policy_acknowledged

        course_completed.connect(handlers.on_course_completed, dispatch_uid="certification_on_course_completed")
        policy_acknowledged.connect(
            handlers.on_policy_acknowledged, dispatch_uid="certification_on_policy_acknowledged"
        )
