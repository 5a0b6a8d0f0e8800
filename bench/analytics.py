#!/usr/bin/env python
"""Advocacy dashboard budget (DESIGN.md, issue 11): over 1M visits and 100k shares, the
dashboard /advocacy/analytics/ answers in at most 300 ms, with a constant number of queries
(it reads roll-ups, never the shares and visits).

``python bench/analytics.py`` (``make bench`` runs it). Builds a throwaway SQLite database under
/tmp with raw bulk inserts: 10k employees in 8 departments (a fifth opted in to the
leaderboard, most with a declared audience), 200 library items in 10 campaigns, 100k shares
over 26 weeks (a tenth of them own posts) with their tracked links, and 1M visits (about seven
in ten qualified), then builds the roll-ups with the nightly rebuild (timed). It loads the
dashboard in-process with Django's test client, signed in as an advocacy manager, and prints
the median over 20 loads and the query count for the last 4, 12 and 26 weeks; and the query
count of the same page with a tenth of the data, which must be the same; and the dashboard
with the pilot comparison (an eight-week pilot that ended nine weeks ago, against the eight
weeks before and after it). Exit status 0 whatever the verdict; only a crash exits non-zero.

``--keep DIR`` builds the database in ``DIR`` and keeps it; a later run with the same ``DIR``
reuses it (no build, no rebuild, no tenth-of-the-data count), to profile the page again.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MS = 300.0
sys.path.insert(0, str(ROOT / "bench"))

from run import configure, get, measure, print_budget_table  # noqa: E402 - bench/run.py's helpers


def _insert(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    from django.db import connection

    q = connection.ops.quote_name
    sql = f"INSERT INTO {q(table)} ({', '.join(q(c) for c in columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 - our own identifiers
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 20_000):
            chunk = [
                tuple(adapt(v) if isinstance(v, datetime) else v for v in row) for row in rows[start : start + 20_000]
            ]
            cursor.executemany(sql, chunk)


def build(employees: int, shares: int, visits: int, *, tag: str, seed: int = 7) -> None:
    """Fill the database (already migrated) with raw inserts, then rebuild the roll-ups."""
    from django.db import connection, transaction
    from django.utils import timezone

    from advocacy_share.models import (
        AdvocateProfile,
        Campaign,
        Share,
        ShareableContent,
        TrackedLink,
        Visit,
    )
    from lms.people.models import Department, User

    rng = random.Random(seed)
    now = timezone.now()
    departments = [Department.objects.create(name=f"Department {tag}-{i}") for i in range(8)]
    with transaction.atomic():
        User.objects.bulk_create(
            [
                User(
                    email=f"advocate{tag}-{i}@example.com",
                    first_name=f"Advocate{i}",
                    last_name="Bench",
                    password="!",
                    department=departments[i % 8] if i % 40 else None,
                )
                for i in range(employees)
            ],
            batch_size=5000,
        )
        user_ids = list(User.objects.filter(email__startswith=f"advocate{tag}-").values_list("pk", flat=True))
        AdvocateProfile.objects.bulk_create(
            [
                AdvocateProfile(
                    user_id=user_id,
                    leaderboard_opt_in=rng.random() < 0.2,
                    audience={"linkedin": rng.randrange(100, 3000), "x": rng.randrange(0, 800)}
                    if rng.random() < 0.7
                    else {},
                )
                for user_id in user_ids
            ],
            batch_size=5000,
        )
        campaigns = [Campaign.objects.create(name=f"Campaign {tag}-{i}", slug=f"campaign-{tag}-{i}") for i in range(10)]
        ShareableContent.objects.bulk_create(
            [
                ShareableContent(
                    url=f"https://acme.com/{tag}/{i}",
                    title=f"Article {i}",
                    campaign=campaigns[i % 10],
                    kind="company" if i % 3 else "industry",
                )
                for i in range(200)
            ]
        )
        content_ids = list(ShareableContent.objects.filter(url__contains=f"/{tag}/").values_list("pk", flat=True))
        share_meta = Share._meta
        first_share = (Share.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        share_rows, link_rows, share_times = [], [], []
        for n in range(shares):
            created = now - timedelta(minutes=rng.randrange(0, 26 * 7 * 24 * 60))
            content = None if rng.random() < 0.1 else rng.choice(content_ids)
            network = rng.choice(("linkedin", "linkedin", "x", "facebook"))
            share_rows.append(
                (
                    first_share + n,
                    rng.choice(user_ids),
                    content,
                    network,
                    "A post",
                    "",
                    "fr",
                    "shared",
                    created,
                    "",
                    True,
                )
            )
            link_rows.append((f"{tag}{n:011d}", first_share + n, "https://acme.com/", network, "", created))
            share_times.append(created)
        _insert(
            share_meta.db_table,
            (
                "id",
                "user_id",
                "content_id",
                "network",
                "text",
                "own_url",
                "language",
                "status",
                "created_at",
                "text_fingerprint",
                "counted",
            ),
            share_rows,
        )
        _insert(
            TrackedLink._meta.db_table,
            ("code", "share_id", "target_url", "network", "campaign_slug", "created_at"),
            link_rows,
        )
        links = dict(TrackedLink.objects.filter(share_id__gte=first_share).values_list("share_id", "pk"))
        visit_rows = []
        for _ in range(visits):
            n = rng.randrange(shares)
            at = share_times[n] + timedelta(minutes=rng.randrange(0, 3 * 24 * 60))
            qualified = rng.random() < 0.7
            at = min(at, now)
            visit_rows.append(
                (links[first_share + n], at, f"{rng.randrange(10**9):064x}", "chrome", not qualified, qualified)
            )
        _insert(
            Visit._meta.db_table,
            (
                "link_id",
                "at",
                "visitor",
                "agent_family",
                "is_bot",
                "is_prefetch",
                "is_head",
                "is_self",
                "is_repeat",
                "qualified",
                "processed_at",
            ),
            [
                (link, at, visitor, agent, bot, False, False, False, False, qualified, at)
                for link, at, visitor, agent, bot, qualified in visit_rows
            ],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed loads per measurement (default 20)")
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--shares", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="build the database in this directory and keep it, or reuse it")
    args = parser.parse_args()

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="porte-voix-bench-analytics-"))
    reuse = bool(args.keep) and (workdir / "bench.sqlite3").exists()
    small = None
    try:
        configure(workdir)
        from django.core.management import call_command
        from django.db import connection, reset_queries
        from django.test import Client
        from django.utils import timezone

        from advocacy_share.services.analytics import activity_rebuild
        from lms.home.roles import roles_ensure
        from lms.home.services import site_ensure
        from lms.people.models import User
        from tests.factories.people import UserFactory

        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
        site_ensure()
        client = Client()
        manager = User.objects.filter(email="bench-manager@example.com").first() or UserFactory(
            email="bench-manager@example.com", groups=[roles_ensure().advocacy_managers]
        )
        client.force_login(manager)
        page = "/advocacy/analytics/"

        if reuse:
            print(f"Reused the database in {workdir}; {args.runs} loads per measurement.")
        else:
            build(args.employees // 10, args.shares // 10, args.visits // 10, tag="s", seed=3)
            activity_rebuild()
            reset_queries()
            small = measure(client, "GET", get(f"{page}?weeks=26"), 3)
            build(args.employees, args.shares, args.visits, tag="l")
            built = time.perf_counter() - started
            rebuild_started = time.perf_counter()
            rows = activity_rebuild()
            rebuild_s = time.perf_counter() - rebuild_started
            print(
                f"Set up {args.employees} employees, {args.shares} shares and {args.visits} visits (and a tenth of "
                f"each) in {built:.1f} s; the nightly rebuild wrote {rows} roll-up rows in {rebuild_s:.1f} s; "
                f"{args.runs} loads per measurement."
            )
        results = {}
        for weeks in (4, 12, 26):
            reset_queries()
            results[f"dashboard, last {weeks} weeks"] = measure(client, "GET", get(f"{page}?weeks={weeks}"), args.runs)
        today = timezone.localdate()
        pilot = f"pilot_start={today - timedelta(weeks=16)}&pilot_end={today - timedelta(weeks=9)}"
        reset_queries()
        results["dashboard and pilot, 12 weeks"] = measure(client, "GET", get(f"{page}?weeks=12&{pilot}"), args.runs)
    except BaseException:
        print(f"The bench crashed; its files are in {workdir}", file=sys.stderr)
        raise
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)

    print_budget_table("page (whole request)", results, BUDGET_MS)
    large = results["dashboard, last 26 weeks"]
    if small is not None:
        same = not small.error and not large.error and small.queries == large.queries
        print(
            f"\nDashboard queries (26 weeks): {small.queries} with a tenth of the data, {large.queries} with all of "
            f"it: {'PASS' if same else 'FAIL'} (constant)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
