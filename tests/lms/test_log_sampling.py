"""429 answers are counted and sampled in the log, not written one line each (issue 12)."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import Client

from lms.log_sampling import SampledRefusals


class Clock:
    def __init__(self) -> None:
        self.now = 6000.0

    def __call__(self) -> float:
        return self.now


def refusal(path: str = "/s/unknown", status_code: int = 429) -> logging.LogRecord:
    reason = "Too Many Requests" if status_code == 429 else "Not Found"
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "%s: %s", (reason, path), None)
    record.status_code = status_code
    record.request = SimpleNamespace(path=path)
    return record


def test_a_thousand_refusals_in_a_minute_write_eleven_lines_that_count_them():
    # given
    clock = Clock()
    sampler = SampledRefusals(every=100, clock=clock)

    # when: 1000 refusals on /s/ within the same minute
    kept = [record for n in range(1000) if sampler.filter(record := refusal(f"/s/code{n}"))]

    # then: the first, then every hundredth, each with the running count
    assert len(kept) == 11
    assert kept[0].getMessage() == "Too Many Requests: /s/code0 (1 refused on /s/ this minute, 1 in 100 logged)"
    assert kept[1].getMessage() == "Too Many Requests: /s/code99 (100 refused on /s/ this minute, 1 in 100 logged)"
    assert kept[-1].getMessage() == "Too Many Requests: /s/code999 (1000 refused on /s/ this minute, 1 in 100 logged)"


def test_the_next_minute_starts_again_and_says_how_many_were_left_out():
    # given: 150 refusals in one minute (2 logged)
    clock = Clock()
    sampler = SampledRefusals(every=100, clock=clock)
    assert sum(sampler.filter(refusal()) for _ in range(150)) == 2

    # when: the next minute
    clock.now += 60
    first, second = sampler.filter(record := refusal()), sampler.filter(refusal())

    # then
    assert (first, second) == (True, False)
    assert record.getMessage() == (
        "Too Many Requests: /s/unknown (1 refused on /s/ this minute, 1 in 100 logged; 148 left out the minute before)"
    )


def test_groups_are_counted_apart_and_other_answers_pass_untouched():
    # given: /s/ already refused once this minute
    sampler = SampledRefusals(every=100, clock=Clock())
    sampler.filter(refusal("/s/a"))

    # when
    lookup = sampler.filter(refusal("/certificates/verify/"))
    again = sampler.filter(refusal("/s/b"))
    not_found = [sampler.filter(record := refusal("/s/c", status_code=404)) for _ in range(50)]

    # then: the lookup's first refusal is logged, the second /s/ one is not; 404s all pass as they were
    assert (lookup, again) == (True, False)
    assert not_found == [True] * 50
    assert (record.msg, record.args) == ("%s: %s", ("Not Found", "/s/c"))


def test_the_logging_setting_puts_the_sampler_on_django_request(settings):
    # then
    assert settings.LOGGING["filters"]["sampled_refusals"] == {"()": "lms.log_sampling.SampledRefusals"}
    assert settings.LOGGING["loggers"]["django.request"]["filters"] == ["sampled_refusals"]


def test_a_record_seen_by_two_samplers_gets_one_decision():
    # given: the logging configured twice, two filters on the logger
    clock = Clock()
    first, second = SampledRefusals(clock=clock), SampledRefusals(clock=clock)

    # when
    decisions = [first.filter(record := refusal()) and second.filter(record) for _ in range(200)]

    # then: the first, the 100th and the 200th, as with one
    assert [n + 1 for n, kept in enumerate(decisions) if kept] == [1, 100, 200]


@pytest.fixture
def sampler():
    """A sampler on django.request with fresh counts (the one LOGGING installs is put aside)."""
    logger = logging.getLogger("django.request")
    installed = list(logger.filters)
    for existing in installed:
        logger.removeFilter(existing)
    fresh = SampledRefusals()
    logger.addFilter(fresh)
    cache.clear()
    yield fresh
    logger.removeFilter(fresh)
    for existing in installed:
        logger.addFilter(existing)
    cache.clear()


def test_a_scripted_walk_of_tracked_link_codes_logs_a_few_lines_not_one_per_refusal(sampler, site, caplog):
    # given: one address past the unknown-code limit (30 a minute)
    walker = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(30):
        walker.get(f"/s/unknown{n:05d}")

    # when: 200 more unknown codes
    with caplog.at_level(logging.WARNING, logger="django.request"):
        statuses = [walker.get(f"/s/walk{n:05d}").status_code for n in range(200)]

    # then: 200 refusals, 3 lines (the 1st, 100th, 200th). If the limiter's minute turned during
    # the walk, 30 more codes were answered 404 and the sampler may have started a new minute:
    # still at most 5 lines.
    refusals = [r for r in caplog.records if r.name == "django.request" and r.status_code == 429]
    assert statuses.count(429) >= 170
    assert 3 <= len(refusals) <= 5
    assert refusals[0].getMessage() == "Too Many Requests: /s/walk00000 (1 refused on /s/ this minute, 1 in 100 logged)"
