"""Integration suite: PostgreSQL, Redis and a real Celery worker in a subprocess.

Runs when ``DATABASE_URL`` points at PostgreSQL and ``CELERY_BROKER_URL`` at Redis (``make
test-integration`` and ``.ci/run`` set both). Otherwise the tests that need the services are
skipped, or fail when ``PORTE_VOIX_REQUIRE_SERVICES`` is set, so CI cannot pass without them.

The processes the tests start (web servers, workers, Redis servers) and the helpers around
them are in ``tests/integration/processes.py``. The worker is started once per session against the test database pytest-django created, and
only that subprocess (and its process group: the prefork pool) is stopped at the end, before
the test database is dropped.

The Open Badges interoperability test runs Digital Bazaar's verifier stack under Node.js: the
``node_verifier`` fixture installs the npm packages pinned in ``tests/interop/package-lock.json``
(``npm ci``, no install scripts) when they are missing or older than the lock file, and skips,
or fails under ``PORTE_VOIX_REQUIRE_SERVICES``, when node or npm is not on the PATH.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from tests.integration.processes import ROOT, child_env, database_url_for, missing

__all__ = ["ROOT", "database_url_for"]  # where the tests once found them
WORKER_START_TIMEOUT = 60
WORKER_STOP_TIMEOUT = 20
INTEROP = ROOT / "tests" / "interop"
NPM_CI_TIMEOUT = 300


def services_missing() -> str | None:
    database_url = os.environ.get("DATABASE_URL", "")
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    missing = []
    if not database_url.startswith(("postgres://", "postgresql://")):
        missing.append("DATABASE_URL=postgres://…")
    if not broker_url.startswith("redis://"):
        missing.append("CELERY_BROKER_URL=redis://…")
    return " and ".join(missing) or None


_missing = missing  # fail under PORTE_VOIX_REQUIRE_SERVICES (CI), else skip


@pytest.fixture(scope="session")
def integration_services() -> None:
    """Skip (or fail, under PORTE_VOIX_REQUIRE_SERVICES) unless PostgreSQL and Redis are configured."""
    missing = services_missing()
    if missing:
        _missing(f"the integration suite needs {missing}")


@pytest.fixture(scope="session")
def node_verifier() -> list[str]:
    """The command that runs ``tests/interop/verify.mjs``, its npm packages installed.

    ``npm ci`` runs when ``node_modules`` is missing or older than ``package-lock.json`` (npm
    writes ``node_modules/.package-lock.json`` last). ``--ignore-scripts``: the packages are
    plain JavaScript, and no install script may download anything (a browser least of all).
    """
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _missing("the Open Badges interoperability test needs node and npm on the PATH")
    installed = INTEROP / "node_modules" / ".package-lock.json"
    lock = INTEROP / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        command = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
        done = subprocess.run(  # noqa: S603 - fixed command
            command, cwd=INTEROP, capture_output=True, text=True, timeout=NPM_CI_TIMEOUT, check=False
        )
        if done.returncode != 0:
            pytest.fail(f"npm ci in {INTEROP.relative_to(ROOT)} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return [node, str(INTEROP / "verify.mjs")]


@pytest.fixture(scope="session")
def live_celery_app(integration_services):
    """The project's Celery app publishing to the real broker instead of running tasks eagerly."""
    from lms.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = saved


def _stop_group(proc: subprocess.Popen) -> None:
    """TERM the worker's main process (it stops its pool), SIGKILL its whole group if it hangs."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=WORKER_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, live_celery_app, tmp_path_factory):
    """Start ``celery -A lms worker -P prefork -c 2`` against the test database; yield its log path."""
    from django.conf import settings

    workdir = tmp_path_factory.mktemp("celery-worker")
    log_path = workdir / "worker.log"
    hostname = f"integration-{os.getpid()}@localhost"
    live_celery_app.control.purge()  # stale messages from an earlier, interrupted run

    env = child_env(
        DJANGO_SETTINGS_MODULE="lms.settings.dev",
        PORTE_VOIX_VAR_DIR=str(workdir),
        DJANGO_MEDIA_ROOT=str(settings.MEDIA_ROOT),
        PYTHONUNBUFFERED="1",
    )
    command = [
        sys.executable, "-m", "celery", "-A", "lms", "worker",
        "-P", "prefork", "-c", "2", "--loglevel=INFO",
        "--hostname", hostname, "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    with open(log_path, "w") as log:
        proc = subprocess.Popen(  # noqa: S603 - fixed command
            command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the Celery worker exited with {proc.returncode}:\n{log_path.read_text()[-4000:]}")
            if live_celery_app.control.ping(destination=[hostname], timeout=0.5):
                break
            if time.monotonic() > deadline:
                pytest.fail(
                    f"the Celery worker did not answer within {WORKER_START_TIMEOUT} s:\n{log_path.read_text()[-4000:]}"
                )
        yield log_path
    finally:
        _stop_group(proc)
