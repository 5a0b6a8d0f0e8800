"""``manage.py issuance_backfill [--days 30]``: once, when upgrading from a release that kept
no pending issuance requests, write one for every person who completed a course or accepted
the policy in the last ``--days`` days (deploy/README.md, upgrades). Issuance that a lost
message left undone before the upgrade is then found by the reconciliation job, batch by
batch, like any other. Rerunnable: people who already have a request are left alone.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from certification import services


class Command(BaseCommand):
    help = "Write pending issuance requests for the people active in the last days (once, at upgrade)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="How far back to look (default 30).")

    def handle(self, *args, days: int, **options):
        if days < 1:
            raise CommandError("--days must be 1 or more.")
        since = timezone.now() - timedelta(days=days)
        written = services.issuance_requests_backfill(since=since)
        self.stdout.write(f"{written} pending issuance requests written (activity since {since:%Y-%m-%d %H:%M} UTC).")
