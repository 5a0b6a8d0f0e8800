"""The processes the integration tests start, and how they stop them: a web server (gunicorn,
as ``make run`` starts it), Celery workers, throwaway ``redis-server`` instances. Each runs in
a session of its own and only it (with its children) is ever stopped.

Ports are free loopback ports the system hands out, or, when ``PORTE_VOIX_TEST_PORTS`` names a
range (``8330-8339``), free ports of that range only (a machine shared by several runs).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
PORTS_VARIABLE = "PORTE_VOIX_TEST_PORTS"
# How long a web server or a worker may take to answer once started, and a chaos test to see
# the work it waits for done.
SERVER_START_TIMEOUT = 60
WORKER_START_TIMEOUT = 90
POLL_TIMEOUT = 120
# The Celery app of a worker with no hook: the project's.
PROJECT_APP = "from lms.celery import app  # noqa: F401\n"


def missing(message: str) -> None:
    """Fail under PORTE_VOIX_REQUIRE_SERVICES (CI), else skip."""
    if os.environ.get("PORTE_VOIX_REQUIRE_SERVICES"):
        pytest.fail(message)
    pytest.skip(message)


def port_range(value: str) -> range:
    """The ports of ``PORTE_VOIX_TEST_PORTS``: ``first-last`` or a single port, within 1024-65535."""
    first, dash, last = value.strip().partition("-")
    try:
        ports = range(int(first), int(last if dash else first) + 1)
    except ValueError:
        raise ValueError(f"{PORTS_VARIABLE}={value!r}: give a port range such as 8330-8339") from None
    if not ports or ports.start < 1024 or ports.stop > 65536:
        raise ValueError(f"{PORTS_VARIABLE}={value!r}: give a range of ports between 1024 and 65535, low to high")
    return ports


def _bindable(port: int) -> int | None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return None
        return int(probe.getsockname()[1])


def free_port() -> int:
    """A loopback port nothing listens on right now (see the module's docstring for the range)."""
    value = os.environ.get(PORTS_VARIABLE, "")
    if not value:
        port = _bindable(0)
        assert port is not None
        return port
    for candidate in port_range(value):
        port = _bindable(candidate)
        if port is not None:
            return port
    pytest.fail(f"no free port left in {PORTS_VARIABLE}={value}")


def wait_until(predicate, *, timeout: float, what: str, log: Path | None = None, interval: float = 0.2):
    """Poll ``predicate`` until it returns something true (returned), or fail with the tail of ``log``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            tail = log.read_text()[-4000:] if log is not None and log.exists() else ""
            pytest.fail(f"{what}: not after {timeout} s\n{tail}")
        time.sleep(interval)


def database_url_for(db: dict) -> str:
    """A DATABASE_URL for the database pytest-django created (``settings.DATABASES`` now names it)."""
    credentials = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{'@' if credentials else ''}{host}{port}/{quote(db['NAME'], safe='')}"


def child_env(*, python_path: tuple[Path, ...] = (), **variables: str | None) -> dict[str, str]:
    """This process's environment for a child process of the project: the test database, the
    test process's secret key (one install), DEBUG off, the project (and ``python_path``) on
    PYTHONPATH, then ``variables`` (``None`` removes one)."""
    from django.conf import settings

    env = os.environ.copy()
    env.update(
        DATABASE_URL=database_url_for(settings.DATABASES["default"]),
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
        DJANGO_DEBUG="false",
        PYTHONPATH=os.pathsep.join(filter(None, [*map(str, python_path), str(ROOT), env.get("PYTHONPATH", "")])),
    )
    for name, value in variables.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def stop_group(proc: subprocess.Popen, *, timeout: float = 20) -> None:
    """Stop a process started here in its own session, with its children (e.g. a prefork pool)."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def fetch(port: int, path: str) -> tuple[int, dict[str, str]]:
    """``GET path`` on the local server as a JSON client: the status and the headers (lower case)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}


# --- redis-server -----------------------------------------------------------------------------


class RedisServer:
    """A throwaway ``redis-server`` on a free loopback port, nothing on disk. ``kill`` is the
    fault a test injects (SIGKILL); ``start`` again listens on the same port."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            missing("this test needs redis-server on the PATH")
        self.binary = str(binary)
        self.port = free_port()
        self.dir = workdir
        self.log = workdir / f"redis-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [
            self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", str(self.dir), "--logfile", str(self.log),
        ]  # fmt: skip
        self.process = subprocess.Popen(command, start_new_session=True)  # noqa: S603 - fixed command
        import redis

        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        try:
            wait_until(answers, timeout=30, what="redis-server", log=self.log, interval=0.1)
        finally:
            client.close()

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=20)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            stop_group(self.process)
            self.process = None


@contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    """A ``RedisServer`` for the duration of the block; yields its URL."""
    server = RedisServer(workdir)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


# --- the web server -----------------------------------------------------------------------------


@contextmanager
def gunicorn_site(workdir: Path, **variables: str | None) -> Iterator[tuple[int, Path]]:
    """gunicorn as ``make run`` starts it (one worker), on the test database unless
    ``variables`` says otherwise (``DATABASE_URL``, ``CACHE_URL``...), its var/, static and media
    under ``workdir``, an in-memory broker. Yields its port and its log once ``/healthz`` answers."""
    port = free_port()
    (workdir / "static").mkdir()
    env = child_env(
        DJANGO_SETTINGS_MODULE="lms.settings.dev",
        DJANGO_LOG_LEVEL="WARNING",
        PORTE_VOIX_VAR_DIR=str(workdir),
        DJANGO_STATIC_ROOT=str(workdir / "static"),
        DJANGO_MEDIA_ROOT=str(workdir / "media"),
        CELERY_BROKER_URL="memory://localhost/",
        **variables,
    )
    command = [
        sys.executable, "-m", "gunicorn", "lms.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60", "--no-control-socket",
    ]  # fmt: skip
    log_path = workdir / "gunicorn.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603 - fixed command
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if server.poll() is not None:
                pytest.fail(f"gunicorn exited with {server.returncode}:\n{log_path.read_text()[-4000:]}")
            try:
                if fetch(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer within {SERVER_START_TIMEOUT} s:\n{log_path.read_text()[-4000:]}")
            time.sleep(0.3)
        yield port, log_path
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- Celery workers for the chaos tests -------------------------------------------------------------


def _forget_pools(connection) -> None:
    """Drop kombu's pools for ``connection``'s URL: kombu keeps them per URL for the whole
    process, and a pool closed here would be handed to the next test given the same URL (a
    port of PORTE_VOIX_TEST_PORTS used again), which could then not connect."""
    from kombu import pools
    from kombu.utils.collections import eqhash

    for group in (pools.connections, pools.producers):
        if eqhash(connection) in group:
            del group[connection]


@contextmanager
def publishing_to(app, broker_url: str):
    """This process's Celery app publishing to ``broker_url``: the environment variable (which
    Celery reads first) and the setting, with fresh connection pools; all restored after."""
    saved_env = os.environ.get("CELERY_BROKER_URL")
    saved = (app.conf.broker_url, app._pool, app.amqp._producer_pool)
    os.environ["CELERY_BROKER_URL"] = broker_url
    app.conf.broker_url = broker_url
    app._pool = None
    app.amqp._producer_pool = None
    try:
        assert app.conf.broker_url == broker_url
        yield app
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        _forget_pools(app.connection_for_write())
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env
        app.conf.broker_url, app._pool, app.amqp._producer_pool = saved


class Worker:
    """A Celery worker (``-A chaos_app``, one prefork child) against the test database, in its
    own session, emails written to ``workdir/mail``. ``app_source`` is the module ``chaos_app``:
    the project's app, with a hook of the test's own in the pool's processes (a pause, a slow
    render) so that the worker can be killed at a chosen point; the code under test is left as
    it is."""

    def __init__(self, name: str, *, broker_url: str, workdir: Path, app_source: str = PROJECT_APP):
        from django.conf import settings

        self.hostname = f"{name}-{os.getpid()}@localhost"
        self.log = workdir / f"{name}.log"
        settings_dir = workdir / f"{name}-settings"
        settings_dir.mkdir()
        (settings_dir / "chaos_settings.py").write_text(
            "from lms.settings.dev import *  # noqa: F403\n"
            'EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"\n'
            f"EMAIL_FILE_PATH = {str(workdir / 'mail')!r}\n"
        )
        (settings_dir / "chaos_app.py").write_text(app_source)
        env = child_env(
            python_path=(settings_dir,),
            CELERY_BROKER_URL=broker_url,
            DJANGO_SETTINGS_MODULE="chaos_settings",
            PORTE_VOIX_VAR_DIR=str(workdir / f"{name}-var"),
            DJANGO_MEDIA_ROOT=str(settings.MEDIA_ROOT),
            PYTHONUNBUFFERED="1",
        )
        command = [
            sys.executable, "-m", "celery", "-A", "chaos_app", "worker", "-P", "prefork", "-c", "1",
            "--loglevel=INFO", "--hostname", self.hostname, "--without-gossip", "--without-mingle",
            "--without-heartbeat",
        ]  # fmt: skip
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(  # noqa: S603 - fixed command
                command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def wait_ready(self, app) -> None:
        def ready() -> bool:
            if self.proc.poll() is not None:
                pytest.fail(
                    f"worker {self.hostname} exited with {self.proc.returncode}:\n{self.log.read_text()[-4000:]}"
                )
            return bool(app.control.ping(destination=[self.hostname], timeout=0.5))

        wait_until(ready, timeout=WORKER_START_TIMEOUT, what=f"worker {self.hostname}", log=self.log)

    def children(self) -> list[int]:
        found = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True, check=False)  # noqa: S603, S607
        return [int(pid) for pid in found.stdout.split()]

    def kill_child(self, app, *, name: str) -> None:
        """The failure the chaos tests inject: the worker takes no new message (it stays up),
        its one prefork child is SIGKILLed, and the worker has noticed (``WorkerLostError``)."""
        app.control.cancel_consumer("celery", destination=[self.hostname], reply=True, timeout=5)
        children = self.children()
        assert len(children) == 1, f"expected one pool child of worker {name}, found {children}"
        os.kill(children[0], signal.SIGKILL)
        wait_until(
            lambda: "WorkerLostError" in self.log.read_text(),
            timeout=30,
            what=f"{name} noticing its lost child",
            log=self.log,
        )

    def stop(self) -> None:
        stop_group(self.proc)


class ChaosBroker:
    """A throwaway Redis this process publishes to, and the workers started on it
    (``chaos_broker``)."""

    def __init__(self, app, broker_url: str, workdir: Path) -> None:
        self.app = app
        self.broker_url = broker_url
        self.workdir = workdir
        self.workers: list[Worker] = []

    def worker(self, name: str, *, app_source: str = PROJECT_APP) -> Worker:
        """Start a worker and wait until it answers a ping."""
        worker = Worker(name, broker_url=self.broker_url, workdir=self.workdir, app_source=app_source)
        self.workers.append(worker)
        worker.wait_ready(self.app)
        return worker

    def stop_workers(self) -> None:
        """Stop every worker started here (their logs are then complete)."""
        for worker in self.workers:
            worker.stop()


@contextmanager
def chaos_broker(app, workdir: Path) -> Iterator[ChaosBroker]:
    """A ``redis-server`` of the test's own, ``app`` publishing to it, and the workers started
    on it: every worker stopped, then the server, whatever happens."""
    with redis_server(workdir) as broker_url, publishing_to(app, broker_url):
        broker = ChaosBroker(app, broker_url, workdir)
        try:
            yield broker
        finally:
            broker.stop_workers()


def task_results(log: str, task: str) -> list[str]:
    """What each run of ``task`` that finished in this worker log returned."""
    return [
        line.split(" succeeded in ", 1)[1].split(": ", 1)[1]
        for line in log.splitlines()
        if f"{task}[" in line and " succeeded in " in line
    ]
