#!/usr/bin/env python
"""The tracked-link redirect budget of DESIGN.md, served for real and loaded with ``wrk``.

``make bench`` (or ``python bench/links.py --duration 15 --count 20000``). Three servers, each
started like ``make run`` starts the web server (``bin/run``: gunicorn, 2 workers, the same
flags) on a free loopback port, with a fresh SQLite database in a temporary directory:

- ours: Porte-Voix (``lms.settings.dev``, as ``make run``), one share and its tracked link;
  ``/s/<code>`` with the visit recorded;
- bare: a minimal Django project whose one view answers the same 302 (no database);
- django-link-shortener (PyPI), installed in a throwaway venv under /tmp
  (``python3 -m venv`` + ``pip install django django-link-shortener gunicorn``), one short link.

Each is loaded with ``wrk`` for ``--duration`` seconds per round, one after the other, for
``--rounds`` rounds; the ratio of requests per second to the baseline of the same round is
taken per round, and the median of those ratios is printed against the budgets (ours ≥ 0.7 ×
bare, floor 0.5; ours ≥ 5 × link-shortener), next to the per-round ratios and the ratio of
the medians. Then a fixed-count load (``--count`` requests from a
counting client, 8 at a time) must leave exactly one visit per 302 served: on SQLite, and on
PostgreSQL too when ``DATABASE_URL`` is set (that database is migrated and used as is: give
a disposable one). Benchmarks are noisy, so the exit status is 0 whatever the verdicts; only a
crash, or a missing ``wrk``, exits non-zero.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections import Counter
from pathlib import Path

from served import PYTHON, ROOT, WORKERS, Server, get_status, manage, wrk

SHORTENER_VENV = Path(tempfile.gettempdir()) / "porte-voix-bench-link-shortener"
BUDGET = 0.7
FLOOR = 0.5
SHORTENER_BUDGET = 5.0
TARGET = "https://acme.example/news/launch?ref=home"


def counted_load(port: int, path: str, total: int, concurrency: int = 8) -> Counter:
    """Exactly ``total`` requests, ``concurrency`` at a time; the count of each status (0 for a
    connection error)."""
    statuses: Counter = Counter()
    lock = threading.Lock()
    remaining = [total]

    def worker() -> None:
        while True:
            with lock:
                if remaining[0] == 0:
                    return
                remaining[0] -= 1
            try:
                status = get_status(port, path)
            except OSError:
                status = 0
            with lock:
                statuses[status] += 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


# --- the three servers ---------------------------------------------------------------------


OURS_FIXTURE = textwrap.dedent(
    f"""
    from django.contrib.auth import get_user_model
    from policy.models import LinkDomainRule
    from advocacy_share.models import Campaign, Share, ShareableContent, TrackedLink
    user, _ = get_user_model().objects.get_or_create(email="bench-sharer@example.com")
    LinkDomainRule.objects.get_or_create(
        name="bench: allowed domains",
        defaults=dict(severity="warn", message="Liens", message_en="Links", domains="acme.example"),
    )
    campaign, _ = Campaign.objects.get_or_create(slug="bench-launch", defaults=dict(name="Bench launch"))
    content, _ = ShareableContent.objects.get_or_create(url="{TARGET}", defaults=dict(title="Bench", campaign=campaign))
    share = Share.objects.filter(user=user, content=content).first() or Share.objects.create(
        user=user, content=content, network="linkedin", text="Bench"
    )
    link, _ = TrackedLink.objects.get_or_create(
        share=share, defaults=dict(target_url=content.url, network="linkedin", campaign_slug=campaign.slug)
    )
    print(link.code)
    """
)


def ours(workdir: Path, database_url: str, name: str = "ours") -> Server:
    var = workdir / name
    (var / "static").mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        "DJANGO_DEBUG": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "PORTE_VOIX_VAR_DIR": str(var),
        "DATABASE_URL": database_url or f"sqlite:///{var / 'db.sqlite3'}",
        "CELERY_BROKER_URL": "memory://localhost/",
        "DJANGO_STATIC_ROOT": str(var / "static"),
        "DJANGO_MEDIA_ROOT": str(var / "media"),
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CACHE_URL", None)
    manage(env, "migrate", "--noinput")
    code = manage(env, "shell", "-c", OURS_FIXTURE).strip().splitlines()[-1]
    return Server(name, PYTHON, ROOT, env, f"/s/{code}", workdir / f"{name}.log")


def visits_of(server: Server) -> int:
    code = server.path.rsplit("/", 1)[1]
    script = f"from advocacy_share.models import Visit; print(Visit.objects.filter(link__code={code!r}).count())"
    return int(manage(server.env, "shell", "-c", script).strip().splitlines()[-1])


BARE_SETTINGS = """
SECRET_KEY = "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bare_urls"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "django.contrib.sessions", "django.contrib.messages"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}
USE_TZ = True
"""
BARE_URLS = f"""
from django.http import HttpResponseRedirect
from django.urls import path

def redirect(request, code):
    return HttpResponseRedirect({TARGET + "&utm_source=linkedin&utm_medium=social"!r})

urlpatterns = [path("s/<str:code>", redirect)]
"""
WSGI_APP = """
import os
from django.core.wsgi import get_wsgi_application
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{settings}")
application = get_wsgi_application()
"""


def bare(workdir: Path) -> Server:
    """A minimal Django project (``startproject``'s middleware), one view answering the 302."""
    project = workdir / "bare"
    project.mkdir()
    (project / "bare_settings.py").write_text(BARE_SETTINGS)
    (project / "bare_urls.py").write_text(BARE_URLS)
    (project / "wsgi_app.py").write_text(WSGI_APP.format(settings="bare_settings"))
    env = {**os.environ, "PYTHONPATH": str(project), "DJANGO_SETTINGS_MODULE": "bare_settings"}
    env.pop("DATABASE_URL", None)
    return Server("bare", PYTHON, project, env, "/s/AbCdEfGhIjKl", workdir / "bare.log", app="wsgi_app:application")


SHORTENER_SETTINGS = (
    BARE_SETTINGS.replace('ROOT_URLCONF = "bare_urls"', 'ROOT_URLCONF = "shortener_urls"').replace(
        '"django.contrib.messages"]', '"django.contrib.messages", "shortener"]'
    )
    + 'DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"\n'
)
SHORTENER_URLS = """
from django.urls import include, path
urlpatterns = [path("s/", include("shortener.urls"))]
"""
SHORTENER_MANAGE = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shortener_settings")
from django.core.management import execute_from_command_line
execute_from_command_line(sys.argv)
"""
SHORTENER_FIXTURE = f"""
from django.contrib.auth import get_user_model
from shortener import shortener
user, _ = get_user_model().objects.get_or_create(username="bench")
print(shortener.create(user, {TARGET!r}))
"""


def shortener_venv() -> str:
    python = SHORTENER_VENV / "bin" / "python"
    if not python.exists():
        print(f"installing django-link-shortener into {SHORTENER_VENV} (python3 -m venv, pip install)", flush=True)
        subprocess.run(["python3", "-m", "venv", str(SHORTENER_VENV)], check=True)  # noqa: S603, S607
        subprocess.run(  # noqa: S603
            [str(python), "-m", "pip", "install", "--quiet", "django", "django-link-shortener", "gunicorn"], check=True
        )
    return str(python)


def link_shortener(workdir: Path) -> Server:
    python = shortener_venv()
    project = workdir / "shortener"
    project.mkdir()
    (project / "shortener_settings.py").write_text(SHORTENER_SETTINGS)
    (project / "shortener_urls.py").write_text(SHORTENER_URLS)
    (project / "manage.py").write_text(SHORTENER_MANAGE)
    (project / "wsgi_app.py").write_text(WSGI_APP.format(settings="shortener_settings"))
    env = {**os.environ, "PYTHONPATH": str(project), "DJANGO_SETTINGS_MODULE": "shortener_settings"}
    env.pop("DATABASE_URL", None)
    manage(env, "migrate", "--noinput", python=python, cwd=project)
    code = manage(env, "shell", "-c", SHORTENER_FIXTURE, python=python, cwd=project).strip().splitlines()[-1]
    return Server(
        "link-shortener", python, project, env, f"/s/{code}/", workdir / "shortener.log", app="wsgi_app:application"
    )


# --- the run -------------------------------------------------------------------------------


def throughput(servers: list[Server], *, rounds: int, duration: int, connections: int) -> dict[str, list[float]]:
    """Requests per second of each server, one figure per round (servers loaded one after the
    other within a round)."""
    rates: dict[str, list[float]] = {server.name: [] for server in servers}
    for round_number in range(1, rounds + 1):
        for server in servers:
            server.start()
            try:
                wrk(server.url, 2, connections)  # warm-up: imports, connections, caches
                rate, requests, bad = wrk(server.url, duration, connections)
            finally:
                server.stop()
            rates[server.name].append(rate)
            note = f", {bad} non-3xx or socket errors" if bad else ""
            print(f"  round {round_number} {server.name:<15} {rate:9.1f} req/s ({requests} requests{note})", flush=True)
    return rates


def paired(rates: dict[str, list[float]], name: str, baseline: str) -> float:
    """The median over rounds of ``name`` / ``baseline`` measured in the same round: a machine
    whose speed drifts between rounds moves both figures of a round alike."""
    return statistics.median(a / b for a, b in zip(rates[name], rates[baseline], strict=True))


def fixed_count(server: Server, total: int) -> bool:
    server.start()  # its readiness probe is a request too: counted before the load
    try:
        before = visits_of(server)
        started = time.monotonic()
        statuses = counted_load(server.port, server.path, total)
        elapsed = time.monotonic() - started
    finally:
        server.stop()
    visits = visits_of(server) - before
    redirects = statuses.get(302, 0)
    ok = visits == redirects == total
    others = {status: n for status, n in statuses.items() if status != 302}
    print(
        f"  {server.name:<15} {total} requests in {elapsed:.1f} s: {redirects} × 302"
        f"{f', others {others}' if others else ''}; {visits} visits recorded -> {'PASS' if ok else 'FAIL'}",
        flush=True,
    )
    return ok


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk load per server and round")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds; the median ratio is compared")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--count", type=int, default=20000, help="requests of the fixed-count load")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=-1,
        help="also serve ours with DJANGO_CONN_MAX_AGE=N, e.g. 0 (a connection per request); default: skip",
    )
    parser.add_argument("--no-shortener", action="store_true", help="skip django-link-shortener")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian package wrk): cannot measure the redirect budget.")
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="porte-voix-bench-links-"))
    print(f"tracked links: gunicorn, {WORKERS} workers, wrk -t2 -c{args.connections}; work in {workdir}", flush=True)
    try:
        servers = [bare(workdir), ours(workdir, "")]
        if args.conn_max_age >= 0:
            # The same with another DJANGO_CONN_MAX_AGE (make run keeps connections 60 s).
            # Same database and link as "ours".
            plain = servers[1]
            env = {**plain.env, "DJANGO_CONN_MAX_AGE": str(args.conn_max_age)}
            servers.append(Server("ours-persistent", PYTHON, ROOT, env, plain.path, workdir / "ours-persistent.log"))
        if not args.no_shortener:
            servers.append(link_shortener(workdir))
        rates = throughput(servers, rounds=args.rounds, duration=args.duration, connections=args.connections)
        medians = {name: statistics.median(values) for name, values in rates.items()}
        ratio = paired(rates, "ours", "bare")
        print("results (median req/s):", ", ".join(f"{name} {rate:.1f}" for name, rate in medians.items()))
        print(
            "  ours / bare per round:",
            ", ".join(f"{a / b:.2f}" for a, b in zip(rates["ours"], rates["bare"], strict=True)),
            f"(ratio of the medians {medians['ours'] / medians['bare']:.2f}; the verdicts use the median per-round ratio)",
        )
        print(
            f"  ours / bare Django redirect  {ratio:5.2f}  budget ≥ {BUDGET}: {verdict(ratio >= BUDGET)}"
            f"  (floor {FLOOR}: {verdict(ratio >= FLOOR)})"
        )
        if "link-shortener" in medians:
            versus = paired(rates, "ours", "link-shortener")
            print(
                f"  ours / django-link-shortener {versus:5.2f}  budget ≥ {SHORTENER_BUDGET}: {verdict(versus >= SHORTENER_BUDGET)}"
            )
        if "ours-persistent" in medians:
            kept = paired(rates, "ours-persistent", "bare")
            label = f"ours, DJANGO_CONN_MAX_AGE={args.conn_max_age}"
            print(f"  {label} / bare {kept:5.2f}  budget ≥ {BUDGET}: {verdict(kept >= BUDGET)}")
            if "link-shortener" in medians:
                print(f"  {label} / link-shortener {medians['ours-persistent'] / medians['link-shortener']:5.2f}")

        print(f"fixed count: {args.count} requests, 8 at a time, one visit per 302", flush=True)
        fixed_count(next(server for server in servers if server.name == "ours"), args.count)
        database_url = os.environ.get("DATABASE_URL", "")
        if database_url.startswith("postgres"):
            fixed_count(ours(workdir, database_url, name="ours-postgresql"), args.count)
        else:
            print("  PostgreSQL: skipped (set DATABASE_URL=postgres://… to a disposable database)")
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
