"""The real server for the browser journeys, started once per test session as `make run` starts it.

``live_site`` prepares a fresh, temporary ``var/`` (``collectstatic``, ``migrate``, ``load_demo``
with ``lms.settings.dev``, as the Makefile's ``run`` target does), then starts ``bin/run``:
gunicorn, a real Celery worker and Celery beat on kombu's filesystem broker, SQLite. It waits for
``/readyz`` (database, broker, worker heartbeat and queue all ok) and, at the end, stops the
supervisor it started by its pid (the supervisor stops its own children); the process group is
killed only if that did not work in time.

The tests never write to the server's database: everything they need beyond the demo is done
through the site itself. ``live_site.read(sql, params)`` opens the SQLite file read-only, for
what a test must know and no page shows on purpose (the keys of a quiz attempt, like the
in-process browser test reads them from the attempt's snapshot).

Environment:
    PORTE_VOIX_JOURNEY_PORT       the port (default 8270)
    PORTE_VOIX_BROWSER_ARTEFACTS  where screenshots go (default var/browser-artefacts)
    PORTE_VOIX_CHROMIUM           the browser (default /usr/bin/chromium)
    PORTE_VOIX_JOURNEY_REUSE      while writing a journey: the var/ folder of a server already
                                  running on the port with the demo's default password, used
                                  as it is instead of starting one

Screenshots: ``<artefacts>/<journey>/<nn>-<step>-desktop.png`` (1280 px wide) and
``…-phone.png`` (390 px wide), full page, one pair per step; the folder of a journey is emptied
when the journey starts. The server's output is kept in ``<artefacts>/server.log``.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PORT = int(os.environ.get("PORTE_VOIX_JOURNEY_PORT", "8270"))
ARTEFACTS = Path(os.environ.get("PORTE_VOIX_BROWSER_ARTEFACTS", ROOT / "var" / "browser-artefacts"))
CHROMIUM = os.environ.get("PORTE_VOIX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Nothing leaves the machine: every host but the server's is unknown (the routes of
    # new_context answer the pages the journeys open elsewhere, such as the networks' intents).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
# The demo accounts' default password (DEMO_PASSWORD is cleared for the server, as in a plain `make run`).
DEMO_PASSWORD = "porte-voix-demo"
PREPARE_TIMEOUT = 300
READY_TIMEOUT = 120
STOP_TIMEOUT = 40
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@dataclass
class LiveSite:
    url: str
    var_dir: Path
    log_path: Path
    password: str = DEMO_PASSWORD
    process: subprocess.Popen | None = field(default=None, repr=False)

    def read(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Rows of a read-only query on the server's SQLite database."""
        connection = sqlite3.connect(f"file:{self.var_dir / 'db.sqlite3'}?mode=ro", uri=True, timeout=10)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    def worker_runs(self, task: str) -> int:
        """How many times the Celery worker's log shows ``task`` (dotted name) succeeded."""
        pattern = re.compile(rf"^worker\s*\|.*Task {re.escape(task)}\[[^\]]+\] succeeded", re.M)
        try:
            return len(pattern.findall(self.log_path.read_text(errors="replace")))
        except OSError:
            return 0

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _server_environment(var_dir: Path) -> dict[str, str]:
    """The environment of `make run`: the embedded defaults (SQLite, filesystem broker, file
    cache) under ``var_dir``, whatever the test run itself points at (CI's PostgreSQL suite
    sets DATABASE_URL, for one)."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "PORTE_VOIX_", "CELERY_", "WAGTAIL"))
        and name not in {"DATABASE_URL", "CACHE_URL", "REDIS_URL", "PORT", "BIND", "DEMO_PASSWORD"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.dev",
        PORTE_VOIX_VAR_DIR=str(var_dir),
        WAGTAILADMIN_BASE_URL=f"http://127.0.0.1:{PORT}",
        PORT=str(PORT),
        BIND="127.0.0.1",
        PYTHONUNBUFFERED="1",
    )
    return env


def _run(command: list[str], env: dict[str, str], log) -> None:
    log.write(f"$ {' '.join(command)}\n")
    log.flush()
    result = subprocess.run(  # noqa: S603 - fixed commands of the project
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=PREPARE_TIMEOUT
    )
    log.write(result.stdout.decode(errors="replace"))
    log.flush()
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command[1:])} failed (exit {result.returncode}):\n{result.stdout.decode()[-3000:]}"
        )


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=5) as response:  # noqa: S310 - our own server
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the supervisor we started (it stops web, worker and beat), then its group."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="session")
def live_site(tmp_path_factory) -> Iterator[LiveSite]:
    if reuse := os.environ.get("PORTE_VOIX_JOURNEY_REUSE"):
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        yield LiveSite(url=f"http://127.0.0.1:{PORT}", var_dir=Path(reuse), log_path=Path(reuse) / "run.log")
        return
    if not _port_is_free(PORT):
        pytest.fail(f"port {PORT} is taken: set PORTE_VOIX_JOURNEY_PORT to a free one")
    var_dir = tmp_path_factory.mktemp("journey-var")
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    site = LiveSite(url=f"http://127.0.0.1:{PORT}", var_dir=var_dir, log_path=ARTEFACTS / "server.log")
    env = _server_environment(var_dir)
    python = sys.executable
    with site.log_path.open("w") as log:
        for folder in ("broker/queue", "broker/processed", "broker/control", "media"):
            (var_dir / folder).mkdir(parents=True, exist_ok=True)
        # collectstatic does not touch the database: it runs while the database is migrated.
        with ThreadPoolExecutor(max_workers=2) as pool:
            static = pool.submit(
                subprocess.run,
                [python, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                timeout=PREPARE_TIMEOUT,
            )
            _run([python, "manage.py", "migrate", "--noinput"], env, log)
            collected = static.result()
        if collected.returncode != 0:
            raise RuntimeError(f"collectstatic failed:\n{collected.stderr.decode()[-3000:]}")
        _run([python, "manage.py", "load_demo"], env, log)
        site.process = subprocess.Popen(  # noqa: S603 - the project's own supervisor
            [python, "bin/run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + READY_TIMEOUT
            while not _ready(site.url):
                if site.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not become ready:\n{site.log_tail()}")
                time.sleep(0.5)
            yield site
        finally:
            _stop(site.process)


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Camera:
    """Screenshots of each step of one journey, at desktop and phone widths."""

    def __init__(self, journey: str):
        self.folder = ARTEFACTS / journey
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.count = 0

    def shoot(self, page, step: str) -> None:
        self.count += 1
        name = f"{self.count:02d}-{_slug(step)}"
        page.screenshot(path=self.folder / f"{name}-desktop.png", full_page=True)
        page.set_viewport_size(PHONE)
        page.screenshot(path=self.folder / f"{name}-phone.png", full_page=True)
        page.set_viewport_size(DESKTOP)


@pytest.fixture
def camera(request) -> Camera:
    return Camera(request.node.name.removeprefix("test_"))


@pytest.fixture
def new_context(chromium, live_site):
    """Browser contexts (separate cookie jars) opened by the test, closed at its end. Nothing
    leaves 127.0.0.1: requests to other hosts (the social networks' intents) get an empty page
    from the test instead of the internet. Playwright does not route the target of a redirect:
    a redirect away from the server ends on Chromium's error page, as no other host resolves."""
    contexts = []

    def make(locale: str = "fr-FR", user_agent: str | None = None):
        context = chromium.new_context(locale=locale, viewport=DESKTOP, accept_downloads=True, user_agent=user_agent)
        context.route(
            lambda url: not url.startswith(f"{live_site.url}/"),
            lambda route: route.fulfill(status=200, content_type="text/html", body="<title>outside</title>"),
        )
        # A machine shared with other work answers slowly at times: a minute per step.
        context.set_default_timeout(60_000)
        contexts.append(context)
        page = context.new_page()
        # Leaving an admin form Wagtail still counts as changed asks "leave the page?": yes.
        page.on("dialog", lambda dialog: dialog.accept() if dialog.type == "beforeunload" else dialog.dismiss())
        page.console_errors = []
        page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
        return page

    yield make
    for context in contexts:
        context.close()
