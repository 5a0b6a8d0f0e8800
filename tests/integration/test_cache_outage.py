"""Redis cache out of reach (issue: faults injected for real, TESTPLAN 43): the web server,
started here as ``make run`` starts it (gunicorn), uses a ``redis-server`` this test starts as
its cache. Killing it, the site keeps serving (lms.cache.ResilientRedisCache) and the unknown
short-code limit fails open as documented; restarted, the cache counts again, without a
restart of the web server."""

from __future__ import annotations

import http.client
import time
from pathlib import Path

import pytest

from tests.factories.advocacy import ShareableContentFactory, ShareFactory, TrackedLinkFactory
from tests.factories.policy import LinkDomainRuleFactory
from tests.integration.processes import RedisServer, gunicorn_site

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

UNKNOWN_CERTIFICATE = "/certificates/ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-Z/"
UNKNOWN_CODE_LIMIT = 30  # advocacy_share.views.links.UNKNOWN_CODE_RATE, per address and minute


@pytest.fixture
def cached_site(integration_services, site, tmp_path: Path):
    """gunicorn as ``make run`` starts it, its cache a ``RedisServer`` of this test's own."""
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    try:
        with gunicorn_site(tmp_path, CACHE_URL=redis_server.url) as (port, log_path):
            yield port, redis_server, log_path
    finally:
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
