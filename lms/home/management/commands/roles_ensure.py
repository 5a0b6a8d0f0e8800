"""``manage.py roles_ensure``: create the staff groups and grant them the rights each app names
(``lms.home.roles``). Idempotent, and it only adds: run it after ``migrate`` on every release,
so that an existing install's groups get the rights of new admin screens (``load_demo`` runs it
too)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from lms.home.roles import roles_ensure


class Command(BaseCommand):
    help = (
        "Create the staff groups (HR editors, Advocacy managers) and grant the rights the apps name. "
        "Idempotent; only adds rights. Run after migrate on every release."
    )

    def handle(self, *args, **options):
        roles = roles_ensure()
        for group in (roles.hr_editors, roles.advocacy_managers):
            self.stdout.write(f"{group.name}: {group.permissions.count()} permissions")
