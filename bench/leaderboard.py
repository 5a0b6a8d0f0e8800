#!/usr/bin/env python
"""Leaderboard budget of DESIGN.md: with 100k employees and 2M ledger entries, the leaderboard
page costs at most 2 × the catalogue page (/courses/) and at most 1.3 × its own time with 10k
entries (the aggregates are maintained as entries are written, never scanned per request).

``python bench/leaderboard.py`` (``make bench`` runs it). For each size it builds a throwaway
SQLite database under /tmp (users, entries and their per-period totals computed in Python and
bulk-inserted, then the rank bands the beat keeps), serves it with gunicorn as ``make run`` does (``lms.wsgi``, 2 workers), loads
``/advocacy/leaderboard/`` and ``/courses/`` with ``wrk`` on loopback (a Python client with
threads when ``wrk`` is missing; the output says which), signed in as a certified employee,
in interleaved rounds (both databases served at once; ``--rounds``, medians kept, so that a
machine slowing down for a while slows every series alike), and prints requests per second
and the ratios. Exit status 0 whatever the verdicts; only a
crash exits non-zero.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE_BUDGET, SCALE_BUDGET = 2.0, 1.3


def environment(workdir: Path, static_root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        "DJANGO_DEBUG": "false",
        "DJANGO_LOG_LEVEL": "ERROR",
        "PORTE_VOIX_VAR_DIR": str(workdir),
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "CELERY_BROKER_URL": "memory://",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "PYTHONPATH": str(ROOT),
    }


# --- building a database (runs in a child process: one Django setup per database) ----------


def build(users: int, entries: int, days: int) -> None:
    """Fill the configured database; print the viewer's session cookie as JSON."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from advocacy_share.models import AdvocateProfile, PointsEntry, PointsTotal
    from advocacy_share.services.points import period_starts
    from lms.home.services import site_ensure
    from lms.people.models import Department, User
    from tests.factories.certification import CertificateFactory, CertificationProgramFactory

    sys.path.insert(0, str(ROOT / "bench"))
    from run import add_courses  # the catalogue as bench/run.py builds it

    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
    rng = random.Random(7)
    site_ensure()
    from courses.models import CourseIndexPage

    add_courses(CourseIndexPage.objects.get(), 20)
    departments = [Department.objects.create(name=f"Department {i}") for i in range(4)]
    with transaction.atomic():
        User.objects.bulk_create(
            [
                User(
                    email=f"bench{i}@example.com",
                    first_name=f"Bench{i}",
                    last_name="Person",
                    password="!",
                    department=departments[i % 4],
                )
                for i in range(users)
            ],
            batch_size=5000,
        )
    user_ids = list(User.objects.order_by("pk").values_list("pk", "department_id"))
    visible = {pk for pk, _ in user_ids if rng.random() < 0.5}
    AdvocateProfile.objects.bulk_create(
        [AdvocateProfile(user_id=pk, leaderboard_opt_in=pk in visible) for pk, _ in user_ids], batch_size=5000
    )
    now = timezone.now()
    sums: dict[tuple[int, str, object], int] = defaultdict(int)
    department_of = dict(user_ids)
    starts_of: dict[object, list[tuple[str, object]]] = {}
    batch: list[tuple[int, str, int, str, str]] = []
    insert = (
        f"INSERT INTO {PointsEntry._meta.db_table} (user_id, kind, points, key, at, note) "
        "VALUES (%s, %s, %s, %s, %s, '')"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        for n in range(entries):
            pk = user_ids[rng.randrange(len(user_ids))][0]
            at = now - timedelta(seconds=rng.randrange(days * 86400))
            points = rng.choice((1, 1, 1, 3, 5))
            batch.append((pk, "click", points, f"bench:{n}", at.replace(tzinfo=None).isoformat(sep=" ")))
            day = timezone.localdate(at)
            if day not in starts_of:
                starts_of[day] = list(period_starts(day).items())
            for period, start in starts_of[day]:
                sums[(pk, period, start)] += points
            if len(batch) == 20000:
                cursor.executemany(insert, batch)
                batch = []
        cursor.executemany(insert, batch)
        PointsTotal.objects.bulk_create(
            [
                PointsTotal(
                    user_id=pk,
                    period=period,
                    period_start=start,
                    points=points,
                    department_id=department_of[pk],
                    visible=pk in visible,
                )
                for (pk, period, start), points in sums.items()
            ],
            batch_size=20000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # What the beat does every minute in production: the rank bands of the current periods.
    from advocacy_share.services.points import ranks_rollup

    ranks_rollup()
    program = CertificationProgramFactory(unlocks_advocacy=True, requires_policy_acknowledgement=False)
    viewer = User.objects.get(email=f"bench{users // 2}@example.com")
    CertificateFactory(program=program, user=viewer)
    client = Client()
    client.force_login(viewer)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    print(json.dumps({"cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}", "totals": len(sums)}))


# --- serving and loading --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(base: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited")
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer")


def fetch(url: str, cookie: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Cookie": cookie, "Accept-Language": "en"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read()


def load_wrk(url: str, cookie: str, seconds: int, connections: int) -> float:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-H", f"Cookie: {cookie}", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise RuntimeError(f"{url}: {non_2xx.group(1)} error responses")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def load_threads(url: str, cookie: str, seconds: int, connections: int) -> float:
    done = [0] * connections
    stop = time.monotonic() + seconds

    def worker(i: int) -> None:
        while time.monotonic() < stop:
            status, _body = fetch(url, cookie)
            assert status == 200
            done[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / seconds


class Served:
    """A gunicorn serving one database as ``make run`` does (``lms.wsgi``, 2 workers)."""

    def __init__(self, workdir: Path, static_root: Path, cookie: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.cookie = cookie
        gunicorn = [
            sys.executable, "-m", "gunicorn", "lms.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--timeout", "60",
            "--graceful-timeout", "10", "--no-control-socket",
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            gunicorn,
            cwd=ROOT,
            env=environment(workdir, static_root),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_ready(self.base, self.proc)
        for path in PAGES.values():
            status, _body = fetch(self.base + path, cookie)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
            for _ in range(20):  # warm both workers
                fetch(self.base + path, cookie)

    def load(self, page: str, args: argparse.Namespace, loader) -> float:
        return loader(self.base + PAGES[page], self.cookie, args.seconds, args.connections)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


PAGES = {"leaderboard": "/advocacy/leaderboard/?period=month", "catalogue": "/courses/"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=2_000_000)
    parser.add_argument("--small-users", type=int, default=1_000)
    parser.add_argument("--small-entries", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=28, help="entries spread over this many days")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--build", nargs=2, type=int, metavar=("USERS", "ENTRIES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(args.build[0], args.build[1], args.days)
        return 0

    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    loader = load_wrk if shutil.which("wrk") else load_threads
    print(f"load generator: {'wrk' if loader is load_wrk else 'Python threads (wrk not found)'}, "
          f"{args.connections} connections, {args.seconds} s per page; gunicorn, 2 workers")  # fmt: skip
    top = Path(tempfile.mkdtemp(prefix="porte-voix-bench-leaderboard-", dir="/tmp"))
    try:
        static_root = top / "static"
        servers: dict[str, Served] = {}
        try:
            for label, users, entries in (
                ("small", args.small_users, args.small_entries),
                ("large", args.users, args.entries),
            ):
                workdir = top / label
                workdir.mkdir()
                env = environment(workdir, static_root)
                if not static_root.exists():
                    subprocess.run(
                        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                        cwd=ROOT,
                        env=env,
                        check=True,
                    )
                started = time.monotonic()
                built = subprocess.run(
                    [sys.executable, __file__, "--build", str(users), str(entries), "--days", str(args.days)],
                    cwd=ROOT,
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                info = json.loads(built.stdout.strip().splitlines()[-1])
                print(f"{label}: {users:,} users, {entries:,} entries, {info['totals']:,} totals "
                      f"built in {time.monotonic() - started:.0f} s")  # fmt: skip
                servers[label] = Served(workdir, static_root, info["cookie"])
            # Rounds interleaved (small, large, catalogue), medians kept: a machine that slows
            # down for a while slows every series alike.
            series: dict[tuple[str, str], list[float]] = defaultdict(list)
            for r in range(args.rounds):
                for label, page in (("small", "leaderboard"), ("large", "leaderboard"), ("large", "catalogue")):
                    series[(label, page)].append(servers[label].load(page, args, loader))
                print(f"  round {r + 1}: " + ", ".join(f"{label} {page} {values[-1]:.1f} req/s"
                                                         for (label, page), values in series.items()))  # fmt: skip
        finally:
            for server in servers.values():
                server.stop()
        rates = {
            "small": {"leaderboard": statistics.median(series[("small", "leaderboard")])},
            "large": {
                "leaderboard": statistics.median(series[("large", "leaderboard")]),
                "catalogue": statistics.median(series[("large", "catalogue")]),
            },
        }
        print(f"medians: small leaderboard {rates['small']['leaderboard']:.1f} req/s, large leaderboard "
              f"{rates['large']['leaderboard']:.1f} req/s, large catalogue {rates['large']['catalogue']:.1f} req/s")  # fmt: skip
        large, small = rates["large"], rates["small"]
        page_ratio = large["catalogue"] / large["leaderboard"]
        scale_ratio = small["leaderboard"] / large["leaderboard"]
        verdict = lambda ok: "PASS" if ok else "FAIL"  # noqa: E731
        print(f"leaderboard / catalogue time, large:  {page_ratio:.2f} × (budget ≤ {PAGE_BUDGET}) "
              f"{verdict(page_ratio <= PAGE_BUDGET)}")  # fmt: skip
        print(f"leaderboard large / small time:       {scale_ratio:.2f} × (budget ≤ {SCALE_BUDGET}) "
              f"{verdict(scale_ratio <= SCALE_BUDGET)}")  # fmt: skip
    finally:
        shutil.rmtree(top, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
