"""lms.cache.ResilientRedisCache with no Redis behind it (a port nobody listens on: refused at
once), and lms.ratelimit's per-limit outcome when the cache cannot count."""

from __future__ import annotations

import logging
import socket

import pytest
from django.core.cache import caches
from django.test import Client, RequestFactory, override_settings
from redis.exceptions import ResponseError

from lms import cache as resilient
from lms.ratelimit import is_ratelimited
from tests.factories.people import UserFactory


def closed_port() -> int:
    """A loopback port nobody listens on (bound then released: the kernel refuses connections)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_down() -> dict:
    return {
        "default": {
            "BACKEND": "lms.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/6",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(resilient.time, "monotonic", clock)
    return clock


@pytest.fixture
def down():
    with override_settings(CACHES=redis_down()):
        yield caches["default"]


def test_every_call_answers_as_a_miss_while_redis_is_out_of_reach(down, clock):
    # when every kind of call is made with Redis refusing connections
    answers = {
        "get": down.get("k", "fallback"),
        "set": down.set("k", 1),
        "add": down.add("k", 1),
        "touch": down.touch("k"),
        "delete": down.delete("k"),
        "get_many": down.get_many(["a", "b"]),
        "has_key": down.has_key("k"),
        "set_many": down.set_many({"a": 1, "b": 2}),
        "delete_many": down.delete_many(["a"]),
        "clear": down.clear(),
        "get_or_set": down.get_or_set("k", lambda: "computed"),
    }

    # then reads miss and writes are dropped, as documented
    assert answers == {
        "get": "fallback",
        "set": None,
        "add": False,
        "touch": False,
        "delete": False,
        "get_many": {},
        "has_key": False,
        "set_many": ["a", "b"],
        "delete_many": None,
        "clear": None,
        "get_or_set": "computed",
    }
    # and incr/decr fail as for a missing key
    with pytest.raises(ValueError, match="out of reach"):
        down.incr("k")
    with pytest.raises(ValueError, match="out of reach"):
        down.decr("k")


def test_after_a_failure_redis_is_left_alone_for_a_while_then_tried_again(down, clock, monkeypatch):
    attempts = []
    real_get_client = down._cache.get_client

    def counting_get_client(*args, **kwargs):
        attempts.append(clock.now)
        return real_get_client(*args, **kwargs)

    monkeypatch.setattr(down._cache, "get_client", counting_get_client)

    # when one call fails, then 20 more are made within the retry delay
    down.get("k")
    for _ in range(20):
        down.get("k")
    clock.now += resilient.RETRY_SECONDS
    down.get("k")

    # then only the first and the one after the delay reached for Redis
    assert attempts == [1000.0, 1000.0 + resilient.RETRY_SECONDS]


def test_failures_are_logged_once_a_minute_with_the_count_missed(down, clock, caplog):
    caplog.set_level(logging.WARNING, logger="lms.cache")

    # when 100 calls are made over a minute and a half of outage, a retry every 2 s failing
    for _ in range(100):
        down.get("k")
        clock.now += 0.9

    # then two warnings: at the first failure, then at the first retry failing a minute or
    # more later (the 70th call, at 62.1 s: retries fail every 2.7 s), with the 69 calls since
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2
    assert "out of reach (ConnectionError" in messages[0]
    assert messages[0].endswith("1 call(s) missed since the last warning")
    assert messages[1].endswith("69 call(s) missed since the last warning")


def test_other_redis_errors_still_raise(down, monkeypatch):
    # given a Redis that answers with an error (a bug: a wrong command or type), not an outage
    def wrong_type(*args, **kwargs):
        raise ResponseError("WRONGTYPE Operation against a key holding the wrong kind of value")

    monkeypatch.setattr(down._cache, "get", wrong_type)

    # then it is not absorbed
    with pytest.raises(ResponseError):
        down.get("k")


@pytest.mark.parametrize(("fail_open", "limited"), [(True, False), (False, True)])
def test_an_uncounted_request_is_limited_as_the_limit_says(down, fail_open, limited):
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5")

    # when the cache cannot count, whatever the rate
    answer = is_ratelimited(request, fail_open=fail_open, group="t", key="ip", rate="1000/m", increment=True)

    # then the limit's own choice decides
    assert answer is limited


@pytest.mark.parametrize("fail_open", [True, False])
def test_a_counted_request_is_limited_by_its_count_only(fail_open):
    caches["default"].clear()
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.6")

    # when the (working) cache counts three requests against 2/m
    answers = [
        is_ratelimited(request, fail_open=fail_open, group="t", key="ip", rate="2/m", increment=True) for _ in range(3)
    ]

    # then the third is over, whether the limit fails open or closed
    assert answers == [False, False, True]


def test_pages_tracked_links_and_verification_answer_with_redis_down(site, down):
    client = Client(REMOTE_ADDR="203.0.113.10")

    # when the home page, an unknown tracked link and an unknown certificate are asked for,
    # more times than their limits allow
    home = client.get("/")
    links = [client.get(f"/s/unknown{n:05d}").status_code for n in range(35)]
    certificates = [client.get("/certificates/ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-Z/").status_code for _ in range(35)]

    # then the site serves them, and both limits fail open
    assert home.status_code == 200
    assert links == [404] * 35
    assert certificates == [404] * 35


def test_a_signed_in_page_answers_with_redis_down(site, down):
    client = Client()
    client.force_login(UserFactory())

    # when an employee opens their page (the navigation reads the cache)
    response = client.get("/me/")

    # then it is served
    assert response.status_code == 200
