from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvocacyShareConfig(AppConfig):
    name = "advocacy_share"
    verbose_name = _("Employee advocacy")

    def ready(self):
        from advocacy_share import privacy

        privacy.register()

        # Points: the ledger's receivers.
        from advocacy_share import handlers, signals
        from certification.signals import certificate_status_changed
        from courses.signals import course_completed

        signals.share_recorded.connect(handlers.on_share_recorded, dispatch_uid="advocacy_points_on_share")
        signals.visits_qualified.connect(handlers.on_visits_qualified, dispatch_uid="advocacy_points_on_visits")
        course_completed.connect(handlers.on_course_completed, dispatch_uid="advocacy_points_on_course")
        certificate_status_changed.connect(
            handlers.on_certificate_status_changed, dispatch_uid="advocacy_points_on_certificate"
        )

        from django.conf import settings
        from django.db.models.signals import post_save

        post_save.connect(handlers.on_user_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="advocacy_user_saved")

        from advocacy_share import admin_actions

        admin_actions.register()  # the crisis switch's flips in the admin are audited
