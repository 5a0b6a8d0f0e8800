#!/usr/bin/env python
"""Page capacity (issue 12, part 6): the catalogue, a course page and the policy page served
for real, against the site's home page served the same way.

``make bench`` (or ``python bench/pages_http.py --duration 5 --rounds 3``). One server, started
like ``make run`` starts the web server (``bin/run``: gunicorn, 2 workers, the same flags) on a
free loopback port, on a fresh SQLite database in a temporary directory filled by
``manage.py load_demo`` as ``make run`` fills it (the bilingual demo: courses, policy, accounts),
with the embedded file cache of ``make run`` (``CACHE_URL`` unset) or the one ``CACHE_URL``
names.

Pages: ``/`` (the home page, the baseline), ``/healthz``, ``/courses/``, the first French demo
course, ``/policy/``; each loaded with ``wrk`` for ``--duration`` seconds, signed in as the demo
learner (``employee@demo.example``: a session cookie passed with ``-H``) and, for the pages open
to everyone (home, health, policy: the training asks for a sign-in), anonymously, in
``--rounds`` interleaved rounds. Per round, each page's requests per second is divided by the
home page's of the same round and the same visitor; the median of those ratios is compared
with the budget (≥ 0.6 × the home page). Benchmarks are noisy, so the exit status is 0 whatever
the verdicts; only a crash, a page that does not answer 200, or a missing ``wrk`` exits
non-zero.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import textwrap
from pathlib import Path

from served import PYTHON, ROOT, WORKERS, Server, get_status, manage, wrk

BUDGET = 0.6
BUDGETED = ("catalogue", "course", "policy")
# What an anonymous visitor can open: the catalogue and the courses send them to sign in.
PUBLIC = ("home", "healthz", "policy")
LEARNER = "employee@demo.example"

# The first live French course of the demo, and a session of the demo learner (what a browser
# holds after signing in).
FIXTURE = textwrap.dedent(
    f"""
    import json
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from courses.models import CoursePage
    course = CoursePage.objects.live().filter(language="fr").order_by("path").first()
    client = Client()
    client.force_login(get_user_model().objects.get(email={LEARNER!r}))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    print(json.dumps({{"course": course.url, "cookie": f"{{cookie.key}}={{cookie.value}}"}}))
    """
)


def demo_server(workdir: Path) -> tuple[Server, dict[str, str]]:
    """A server of the demo content (``make run``'s settings); the pages to load."""
    var = workdir / "var"
    (var / "static").mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        "DJANGO_DEBUG": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "PORTE_VOIX_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'db.sqlite3'}",
        "CELERY_BROKER_URL": "memory://localhost/",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_STATIC_ROOT": str(var / "static"),
        "DJANGO_MEDIA_ROOT": str(var / "media"),
        "WAGTAILADMIN_BASE_URL": "http://localhost:8000",
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CELERY_RESULT_BACKEND", None)
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")
    info = json.loads(manage(env, "shell", "-c", FIXTURE).strip().splitlines()[-1])
    pages = {
        "home": "/",
        "healthz": "/healthz",
        "catalogue": "/courses/",
        "course": info["course"],
        "policy": "/policy/",
    }
    server = Server("pages", PYTHON, ROOT, env, "/healthz", workdir / "server.log", expect=200)
    return server, {"pages": pages, "cookie": info["cookie"]}  # type: ignore[dict-item]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk load per page, visitor and round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the median ratio is compared")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian package wrk): cannot measure the page capacity.")
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="porte-voix-bench-pages-"))
    cache = os.environ.get("CACHE_URL") or "the embedded file cache"
    print(
        f"page capacity: gunicorn, {WORKERS} workers, wrk -t2 -c{args.connections}, {args.duration} s per page; "
        f"demo content; cache: {cache}; work in {workdir}",
        flush=True,
    )
    server, info = demo_server(workdir)
    pages: dict[str, str] = info["pages"]  # type: ignore[assignment]
    visitors = {"anonymous": {}, "learner": {"Cookie": info["cookie"]}}  # type: ignore[dict-item]
    shown = {"anonymous": {n: p for n, p in pages.items() if n in PUBLIC}, "learner": pages}
    rates: dict[tuple[str, str], list[float]] = {(v, p): [] for v in visitors for p in shown[v]}
    try:
        server.start()
        for visitor, headers in visitors.items():
            for name, path in shown[visitor].items():
                status = get_status(server.port, path, headers=headers)
                if status != 200:
                    raise RuntimeError(f"{visitor} {name} {path} answered {status}, not 200 (see {server.log})")
                wrk(f"http://127.0.0.1:{server.port}{path}", 1, args.connections, headers)  # warm-up
        for round_number in range(1, args.rounds + 1):
            for visitor, headers in visitors.items():
                figures = []
                for name, path in shown[visitor].items():
                    rate, requests, bad = wrk(
                        f"http://127.0.0.1:{server.port}{path}", args.duration, args.connections, headers
                    )
                    if bad:
                        raise RuntimeError(f"{visitor} {name}: {bad} non-2xx/3xx responses or socket errors")
                    rates[(visitor, name)].append(rate)
                    figures.append(f"{name} {rate:.1f}")
                print(f"  round {round_number} {visitor:<9} req/s: " + ", ".join(figures), flush=True)
    finally:
        server.stop()
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    print(f"results (median req/s; ratio = median over rounds of page / home of the same round); budget ≥ {BUDGET}")
    for visitor in visitors:
        home = rates[(visitor, "home")]
        print(f"  {visitor}:")
        for name, path in shown[visitor].items():
            series = rates[(visitor, name)]
            ratio = statistics.median(a / b for a, b in zip(series, home, strict=True))
            line = f"    {name:<10} {path:<48} {statistics.median(series):8.1f} req/s  {ratio:5.2f} × home"
            if name in BUDGETED:
                line += f"  {'PASS' if ratio >= BUDGET else 'FAIL'}"
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
