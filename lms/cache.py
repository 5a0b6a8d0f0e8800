"""The shared cache of the scaled mode: Django's Redis cache, which keeps the site serving while
Redis is out of reach.

With Django's ``RedisCache`` every cache call raises once Redis is down (refused, reset, timed
out), and every page that reads the cache answers 500. Nothing this project keeps in the cache
is the only copy of anything: the navigation flags and the policy rules' version are recomputed
from the database, and each rate limit decides for itself whether it lets requests through when
its counter cannot be read (``lms.ratelimit``). So here an unreachable Redis is a miss: reads
return the default, writes are dropped (``add``/``touch``/``delete`` answer False, ``set_many`` every key), ``incr``
raises ``ValueError`` as for a missing key.

Each process then leaves Redis alone for ``RETRY_SECONDS`` after a failure (a request makes
several cache calls: without this, each would wait for its own refused connection or
timeout), and logs one warning per ``LOG_EVERY_SECONDS`` with the number of calls skipped or
failed meanwhile, not a line per call. Only connection errors and time-outs are absorbed: any
other Redis error (a wrong command, a wrong type) is a bug and still raises.

The connection and socket time-outs belong in ``OPTIONS`` (``socket_connect_timeout``,
``socket_timeout``, see ``lms.settings.base``), short, so that a Redis that no longer answers
costs a request a fraction of a second once, not the operating system's minutes.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 2.0
LOG_EVERY_SECONDS = 60.0
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)

T = TypeVar("T")


class _Outage:
    """This process's view of the cache server: out of reach until ``down_until``
    (``time.monotonic``), and the failures not yet logged."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.unlogged = 0
        self.logged_at = float("-inf")

    def skipping(self) -> bool:
        if time.monotonic() >= self.down_until:
            return False
        with self.lock:
            self.unlogged += 1
        return True

    def failed(self, error: Exception, location: str) -> None:
        now = time.monotonic()
        with self.lock:
            self.down_until = now + RETRY_SECONDS
            self.unlogged += 1
            if now - self.logged_at < LOG_EVERY_SECONDS:
                return
            count, self.unlogged, self.logged_at = self.unlogged, 0, now
        logger.warning(
            "Cache server %s out of reach (%s: %s); serving without the cache, %d call(s) missed since the last warning",
            location,
            type(error).__name__,
            error,
            count,
        )


def _missing_on_outage(fallback: Callable[..., T]) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Run the cache call, or answer ``fallback(*args, **kwargs)`` while Redis is out of reach."""

    def decorate(method: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(method)
        def wrapper(self: ResilientRedisCache, *args: Any, **kwargs: Any) -> T:
            if self.outage.skipping():
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                self.outage.failed(error, self._location)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _default(key: str, default: Any = None, version: int | None = None) -> Any:
    return default


def _false(*args: Any, **kwargs: Any) -> bool:
    return False


def _none(*args: Any, **kwargs: Any) -> None:
    return None


def _nothing(*args: Any, **kwargs: Any) -> dict[str, Any]:
    return {}


def _all_failed(data: dict[str, Any], *args: Any, **kwargs: Any) -> list[str]:
    return list(data)


def _no_counter(key: str, *args: Any, **kwargs: Any) -> int:
    raise ValueError(f"Key '{key}' not found (the cache server is out of reach)")


class ResilientRedisCache(RedisCache):
    """``RedisCache`` for which an unreachable Redis is a miss, not an error (see the module)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._location = server
        self.outage = _Outage()

    @_missing_on_outage(_default)
    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        return super().get(key, default, version)

    @_missing_on_outage(_false)
    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return super().add(key, value, timeout, version)

    @_missing_on_outage(_none)
    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        super().set(key, value, timeout, version)

    @_missing_on_outage(_false)
    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return super().touch(key, timeout, version)

    @_missing_on_outage(_false)
    def delete(self, key: str, version: int | None = None) -> bool:
        return super().delete(key, version)

    @_missing_on_outage(_nothing)
    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        return super().get_many(keys, version)

    @_missing_on_outage(_false)
    def has_key(self, key: str, version: int | None = None) -> bool:
        return super().has_key(key, version)

    @_missing_on_outage(_no_counter)
    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        return super().incr(key, delta, version)

    @_missing_on_outage(_all_failed)
    def set_many(self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[str]:
        return super().set_many(data, timeout, version)

    @_missing_on_outage(_none)
    def delete_many(self, keys: Any, version: int | None = None) -> None:
        super().delete_many(keys, version)

    @_missing_on_outage(_none)
    def clear(self) -> None:
        super().clear()
