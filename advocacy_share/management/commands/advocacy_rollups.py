"""``manage.py advocacy_rollups``: rebuild the advocacy roll-ups now (the dashboard's activity
tables and the leaderboard's rank bands) instead of waiting for beat: the nightly rebuild at
02:30 and the rank bands every minute. Run it after an upgrade whose migration adds a roll-up
table, so the dashboard is complete at once. Idempotent; the rebuild replaces the tables in one
transaction, so readers see the old figures or the new, never a half."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from advocacy_share.services import analytics, points


class Command(BaseCommand):
    help = "Rebuild the advocacy dashboard's roll-ups and the leaderboard's rank bands now (idempotent)."

    def handle(self, *args, **options):
        rows = analytics.activity_rebuild()
        bands = points.ranks_rollup()
        self.stdout.write(f"Dashboard roll-ups: {rows} rows written. Rank bands: {bands} written.")
