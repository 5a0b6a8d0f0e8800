"""``manage.py load_demo``: fill a development database with the bilingual demo."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lms.home.demo import DEFAULT_PASSWORD, demo_load


class Command(BaseCommand):
    help = (
        "Create the site structure, staff groups, demo departments and accounts, and import the "
        "policy and courses of fixtures/. Idempotent. Password: $DEMO_PASSWORD or the demo default."
    )

    def handle(self, *args, **options):
        settings_module = os.environ.get("DJANGO_SETTINGS_MODULE", "")
        if not settings.DEBUG and settings_module.endswith("production"):
            raise CommandError(
                f"load_demo refuses to run with {settings_module} and DEBUG off: it creates accounts "
                "with a well-known password. Use the dev settings on a development database."
            )
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        try:
            summary = demo_load(password=password)
        except ValueError as exc:
            raise CommandError(f"Demo data not loaded: {exc}") from exc

        by_language: dict[str, int] = {}
        for course in summary.courses:
            by_language[course.language] = by_language.get(course.language, 0) + 1
        languages = ", ".join(f"{count} {language}" for language, count in sorted(by_language.items()))
        self.stdout.write(f"Groups: {', '.join(summary.groups)}")
        self.stdout.write(f"Departments: {summary.departments}")
        self.stdout.write(f"Accounts ({len(summary.accounts)}): {', '.join(summary.accounts)}")
        self.stdout.write(f"Policy pages: {summary.policy_pages}")
        self.stdout.write(f"Courses: {len(summary.courses)} ({languages})")
        for course in summary.courses:
            self.stdout.write(f"  [{course.language}] {course.title}  {course.url}")
        for holder, certificate in summary.certificates.items():
            self.stdout.write(
                f"Certificate of the demo {holder}: {certificate['state']}  /certificates/{certificate['code']}/"
            )
        if summary.advocacy is not None:
            self.stdout.write(
                f"Advocacy: {summary.advocates} certified advocates, {summary.advocacy.contents} content items, "
                f"{summary.advocacy.shares} shares, {summary.advocacy.visits} visits, "
                f"{summary.advocacy.points_entries} points entries written"
            )
        shown = "the one in $DEMO_PASSWORD" if os.environ.get("DEMO_PASSWORD") else DEFAULT_PASSWORD
        self.stdout.write(self.style.SUCCESS(f"Demo loaded. Password for every demo account: {shown}"))
