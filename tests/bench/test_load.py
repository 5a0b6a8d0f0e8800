"""The load bench's driver (``bench/load.py``): its options and its verdicts."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

LOAD = Path(__file__).resolve().parents[2] / "bench" / "load.py"
_spec = importlib.util.spec_from_file_location("bench_load", LOAD)
assert _spec is not None and _spec.loader is not None
load = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(load)

SCALED = [
    "--database-url", "postgres://postgres@127.0.0.1:5432/load",
    "--broker-url", "redis://127.0.0.1:6379/12",
    "--cache-url", "redis://127.0.0.1:6379/13",
]  # fmt: skip


def test_the_scaled_mode_is_refused_without_its_disposable_services(capsys, monkeypatch):
    # given: none in the environment either
    for name in ("LOAD_DATABASE_URL", "LOAD_BROKER_URL", "LOAD_CACHE_URL"):
        monkeypatch.delenv(name, raising=False)

    # when / then
    with pytest.raises(SystemExit):
        load.parse_arguments(["--mode", "scaled", "--database-url", "sqlite:///x"])
    assert "--database-url, --broker-url, --cache-url" in capsys.readouterr().err


def test_the_embedded_mode_needs_no_service_and_the_short_run_is_small():
    # when
    full = load.parse_arguments(["--mode", "embedded"])
    short = load.parse_arguments(["--short", *SCALED])

    # then
    assert (full.duration, full.users, full.factor, full.warmup) == (60, 40, 10, 15)
    assert (short.mode, short.duration, short.users, short.factor, short.warmup) == ("both", 15, 10, 2, 5)


def test_successes_are_requests_less_failures_and_unknown_names_count_zero():
    stats = {"endpoints": {"quiz submit": {"requests": 12, "failures": 2}}}

    assert load.ok(stats, "quiz submit") == 10
    assert load.ok(stats, "/s/[code]") == 0


def test_the_verdict_names_errors_each_count_that_differs_and_memory_past_the_budget():
    # given
    stats = {"endpoints": {"Aggregated": {"requests": 100, "failures": 3}}}
    checks = {
        "quiz starts 302": 5,
        "attempts started": 5,
        "quiz submits 302": 4,
        "attempts submitted": 5,
        "tracked links 302": 40,
        "visits written": 40,
    }

    # when
    problems = load.verdict(stats, checks, {"web": 50.0, "worker": 50.1})

    # then
    assert problems == ["3 errors", "quiz submits 302 4 but attempts submitted 5", "worker grew 50.1 MB"]


def test_a_clean_run_has_no_problem():
    stats = {"endpoints": {"Aggregated": {"requests": 100, "failures": 0}}}
    checks = dict.fromkeys(
        (
            "quiz starts 302",
            "attempts started",
            "quiz submits 302",
            "attempts submitted",
            "tracked links 302",
            "visits written",
        ),
        7,
    )

    assert load.verdict(stats, checks, {"web": -2.0, "worker1": 12.5}) == []
