"""Redis cache out of reach (issue: faults injected for real, TESTPLAN 43): the web server,
started here as ``make run`` starts it (gunicorn), uses a ``redis-server`` this test starts as
its cache. Killing it, the site keeps serving (lms.cache.ResilientRedisCache) and the unknown
short-code limit fails open as documented; restarted, the cache counts again, without a
restart of the web server."""

from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.factories.advocacy import ShareableContentFactory, ShareFactory, TrackedLinkFactory
from tests.factories.policy import LinkDomainRuleFactory
from tests.integration.conftest import ROOT, _missing, database_url_for
from tests.integration.test_database_outage import START_TIMEOUT, fetch, free_port

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

UNKNOWN_CERTIFICATE = "/certificates/ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-Z/"
UNKNOWN_CODE_LIMIT = 30  # advocacy_share.views.links.UNKNOWN_CODE_RATE, per address and minute


class RedisServer:
    """A throw-away ``redis-server`` on a free loopback port, no persistence."""

    def __init__(self, tmp_path: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            _missing("the cache outage test needs redis-server on the PATH")
        self.binary = str(binary)
        self.port = free_port()
        self.dir = tmp_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", str(self.dir),
        ]  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603 - fixed command
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        import redis

        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 20
        while True:
            try:
                if client.ping():
                    return
            except redis.exceptions.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("redis-server did not answer within 20 s")
            time.sleep(0.1)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=20)
            self.process = None


@pytest.fixture
def cached_site(integration_services, site, tmp_path: Path):
    """gunicorn as ``make run`` starts it, its cache a ``RedisServer`` of this test's own."""
    from django.conf import settings

    redis_server = RedisServer(tmp_path)
    redis_server.start()
    port = free_port()
    env = os.environ.copy()
    env.update(
        DATABASE_URL=database_url_for(settings.DATABASES["default"]),
        CACHE_URL=f"redis://127.0.0.1:{redis_server.port}/0",
        DJANGO_SETTINGS_MODULE="lms.settings.dev",
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
        DJANGO_DEBUG="false",
        DJANGO_LOG_LEVEL="WARNING",
        PORTE_VOIX_VAR_DIR=str(tmp_path),
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        CELERY_BROKER_URL="memory://localhost/",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
    )
    (tmp_path / "static").mkdir()
    command = [
        sys.executable, "-m", "gunicorn", "lms.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60", "--no-control-socket",
    ]  # fmt: skip
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603 - fixed command
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if server.poll() is not None:
                pytest.fail(f"gunicorn exited with {server.returncode}:\n{log_path.read_text()[-4000:]}")
            try:
                if fetch(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer within {START_TIMEOUT} s:\n{log_path.read_text()[-4000:]}")
            time.sleep(0.3)
        yield port, redis_server, log_path
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        redis_server.kill()


def status(port: int, path: str) -> int:
    """The status of ``GET path``, redirects not followed (a tracked link leads off this machine)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def unknown_codes(port: int, count: int, start: int) -> list[int]:
    return [status(port, f"/s/unknown{n:05d}") for n in range(start, start + count)]


def test_the_site_serves_with_its_redis_cache_killed_and_counts_again_once_it_is_back(cached_site):
    port, redis_server, log_path = cached_site
    LinkDomainRuleFactory(domains="acme.com")
    link = TrackedLinkFactory(share=ShareFactory(content=ShareableContentFactory(url="https://www.acme.com/news")))

    def answers() -> dict[str, int]:
        return {
            "home": status(port, "/"),
            "link": status(port, f"/s/{link.code}"),
            "certificate": status(port, UNKNOWN_CERTIFICATE),
        }

    # given the site on its Redis cache: pages answer, and this address's unknown short codes
    # are counted there (30 a minute, then 429)
    assert answers() == {"home": 200, "link": 302, "certificate": 404}
    assert unknown_codes(port, UNKNOWN_CODE_LIMIT + 1, 0) == [404] * UNKNOWN_CODE_LIMIT + [429]

    # when redis-server is killed
    redis_server.kill()

    # then the same pages answer, and the limit fails open: the address that was over it gets
    # the 404 page for every unknown code, since nothing can count them
    assert answers() == {"home": 200, "link": 302, "certificate": 404}
    assert unknown_codes(port, UNKNOWN_CODE_LIMIT + 5, 100) == [404] * (UNKNOWN_CODE_LIMIT + 5)
    log = log_path.read_text()
    assert "Traceback" not in log, log[-3000:]
    assert log.count("out of reach (ConnectionError") == 1, log[-3000:]  # one warning, not a line per call

    # when it is started again (empty: no persistence) on the same port
    redis_server.start()
    time.sleep(2.5)  # the web process leaves Redis alone for lms.cache.RETRY_SECONDS after a failure

    # then the pages answer, and the limit counts again from zero
    assert answers() == {"home": 200, "link": 302, "certificate": 404}
    assert unknown_codes(port, UNKNOWN_CODE_LIMIT + 1, 200) == [404] * UNKNOWN_CODE_LIMIT + [429]
    assert "Traceback" not in log_path.read_text()
