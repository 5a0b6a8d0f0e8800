"""The integration suite runs on the scaled mode's Redis cache, and a rate limit is one count
for every process of a deployment: requests answered by two processes add up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django_ratelimit.core import _get_window

from certification.views import LOOKUP_RATE
from tests.integration.processes import ROOT, database_url_for, missing

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

UNKNOWN = "/certificates/ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-Z/"
LIMIT = int(LOOKUP_RATE.split("/")[0])


@pytest.fixture
def redis_cache():
    """Skip (or fail, under PORTE_VOIX_REQUIRE_SERVICES) unless CACHE_URL names Redis."""
    if not os.environ.get("CACHE_URL", "").startswith("redis://"):
        missing("the integration suite needs CACHE_URL=redis://…")
    cache.clear()  # the suite's own Redis database: counts left by an earlier run
    yield
    cache.clear()


def address_with_time_left(seconds: int = 30) -> str:
    """A client address whose rate-limit window has ``seconds`` or more to run.

    django-ratelimit starts each address's minute at an offset of its own: an address picked
    this way keeps one window for the whole test, however slow the machine is.
    """
    for last in range(1, 255):
        address = f"203.0.113.{last}"
        if _get_window(address, 60) - time.time() >= seconds:
            return address
    raise AssertionError("no address with a window long enough")  # 254 offsets cover the minute


def lookup_in_another_process(address: str, tmp_path) -> int:
    """One verification-page lookup from ``address``, answered by a fresh Django process."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        "DATABASE_URL": database_url_for(settings.DATABASES["default"]),
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "PORTE_VOIX_VAR_DIR": str(tmp_path),
    }
    script = (
        "import django, json; django.setup(); from django.test import Client; "
        f"print(json.dumps(Client(REMOTE_ADDR={address!r}).get({UNKNOWN!r}).status_code))"
    )
    done = subprocess.run(  # noqa: S603 - fixed command
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_suite_runs_on_the_redis_cache(redis_cache):
    # when
    cache.set("integration-probe", "shared", timeout=30)

    # then: the configured backend, and the value is in Redis itself
    import redis

    assert settings.CACHES["default"]["BACKEND"] == "lms.cache.ResilientRedisCache"
    assert settings.CACHES["default"]["LOCATION"] == os.environ["CACHE_URL"]
    assert redis.Redis.from_url(os.environ["CACHE_URL"]).exists(cache.make_key("integration-probe")) == 1


def test_a_rate_limit_counts_the_requests_of_every_process(redis_cache, tmp_path):
    # given: one address spends its whole allowance of lookups in this process
    address = address_with_time_left()
    client = Client(REMOTE_ADDR=address)
    statuses = [client.get(UNKNOWN).status_code for _ in range(LIMIT)]

    # when: the next lookup from that address reaches another web process
    in_another_process = lookup_in_another_process(address, tmp_path)

    # then: refused there too, while another address is still answered
    assert statuses == [404] * LIMIT
    assert in_another_process == 429
    assert Client(REMOTE_ADDR="198.51.100.20").get(UNKNOWN).status_code == 404
