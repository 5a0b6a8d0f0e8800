"""``bin/run``, the supervisor of ``make run`` and ``make run-scaled``: the processes it starts
and what it asks of the scaled mode. (Starting them for real is what ``make run`` does.)"""

import importlib.util
import sys
from importlib.machinery import SourceFileLoader
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def run():
    loader = SourceFileLoader("porte_voix_bin_run", str(ROOT / "bin" / "run"))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


@pytest.fixture
def clean_environ(monkeypatch):
    for name in ("WEB_SERVER", "WEB_CONCURRENCY", "CELERY_CONCURRENCY", "CELERY_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


SCALED = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/porte_voix",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}


def names_and_arguments(commands) -> list[tuple[str, list[str]]]:
    return [(name, command[1:]) for name, command, _cwd in commands]


def test_embedded_mode_runs_gunicorn_one_worker_and_beat(run, clean_environ):
    # when
    commands = run.commands(8000, "127.0.0.1", workers=run.worker_count(scaled=False))

    # then
    assert names_and_arguments(commands) == [
        (
            "web",
            [
                "-m", "gunicorn", "lms.wsgi:application", "--bind", "127.0.0.1:8000", "--workers", "2",
                "--timeout", "60", "--graceful-timeout", "10", "--access-logfile", "-", "--no-control-socket",
            ],
        ),
        ("worker", ["-m", "celery", "-A", "lms", "worker", "-P", "prefork", "-c", "2", "--loglevel=INFO"]),
        ("beat", ["-m", "celery", "-A", "lms", "beat", "--loglevel=INFO"]),
    ]  # fmt: skip
    assert all(command[0] == sys.executable for _name, command, _cwd in commands)


def test_scaled_mode_runs_two_named_workers_next_to_web_and_one_beat(run, clean_environ):
    # given
    clean_environ.setenv("WEB_CONCURRENCY", "3")

    # when
    commands = run.commands(8133, "0.0.0.0", workers=run.worker_count(scaled=True))  # noqa: S104

    # then
    arguments = dict(names_and_arguments(commands))
    assert list(arguments) == ["web", "worker1", "worker2", "beat"]
    assert arguments["web"][4:7] == ["0.0.0.0:8133", "--workers", "3"]
    worker = ["-m", "celery", "-A", "lms", "worker", "-P", "prefork", "-c", "2", "--loglevel=INFO"]
    assert arguments["worker1"] == [*worker, "-n", "worker1@%h"]
    assert arguments["worker2"] == [*worker, "-n", "worker2@%h"]
    assert arguments["beat"] == ["-m", "celery", "-A", "lms", "beat", "--loglevel=INFO"]


def test_worker_count_follows_the_environment(run, clean_environ):
    # given
    clean_environ.setenv("CELERY_WORKERS", "3")

    # when / then
    assert run.worker_count(scaled=False) == 3
    assert [name for name, *_ in run.commands(8000, "127.0.0.1", workers=3)][1:4] == ["worker1", "worker2", "worker3"]


def test_scaled_mode_accepts_postgresql_and_redis(run):
    # when / then
    assert run.scaled_problems(SCALED) == []


def test_scaled_mode_refuses_the_embedded_defaults(run):
    # when
    problems = run.scaled_problems({"DATABASE_URL": "sqlite:///var/db.sqlite3", "CELERY_BROKER_URL": "filesystem://"})

    # then
    assert problems == [
        "DATABASE_URL must be a PostgreSQL URL (postgres://user@host:5432/name)",
        "CELERY_BROKER_URL must be a Redis URL (redis://host:6379/N)",
        "CACHE_URL must be a Redis URL (redis://host:6379/N)",
    ]


def test_scaled_mode_without_its_services_stops_before_starting_anything(run, monkeypatch):
    # given
    for name in SCALED:
        monkeypatch.delenv(name, raising=False)
    started = []
    monkeypatch.setattr(run.subprocess, "Popen", lambda *args, **kwargs: started.append(args))

    # when
    with pytest.raises(SystemExit) as stopped:
        run.main(["--scaled"])

    # then
    assert str(stopped.value).startswith("The scaled mode needs:\n  DATABASE_URL must be a PostgreSQL URL")
    assert started == []


def test_prepare_needs_scaled(run, capsys):
    # when
    with pytest.raises(SystemExit) as stopped:
        run.parse_arguments(["--prepare"])

    # then
    assert stopped.value.code == 2
    assert "--prepare goes with --scaled" in capsys.readouterr().err


def test_local_redis_is_started_like_ci_without_persistence(run, tmp_path):
    # when
    command = run.redis_server_command(6390, tmp_path)

    # then
    assert command == [
        "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6390",
        "--save", "", "--appendonly", "no", "--dir", str(tmp_path), "--logfile", str(tmp_path / "redis.log"),
    ]  # fmt: skip


def test_postgresql_clusters_are_started_per_installed_version(run, tmp_path, monkeypatch):
    # given: Debian's layout, two major versions, one without a main cluster
    (tmp_path / "15" / "main").mkdir(parents=True)
    (tmp_path / "16" / "main").mkdir(parents=True)
    (tmp_path / "17").mkdir()
    monkeypatch.setattr(run.shutil, "which", lambda name: f"/usr/bin/{name}")

    # when
    commands = run.postgres_start_commands(tmp_path)

    # then
    assert commands == [
        ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "start"],
        ["pg_ctlcluster", "--skip-systemctl-redirect", "16", "main", "start"],
    ]


def test_no_postgresql_start_without_pg_ctlcluster(run, tmp_path, monkeypatch):
    # given
    (tmp_path / "15" / "main").mkdir(parents=True)
    monkeypatch.setattr(run.shutil, "which", lambda name: None)

    # when / then
    assert run.postgres_start_commands(tmp_path) == []


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:s3cret@redis.internal:6379/0", "redis://:***@redis.internal:6379/0"),
        ("postgres://app:pa55@db:5432/porte_voix", "postgres://app:***@db:5432/porte_voix"),
        ("redis://127.0.0.1:6379/1", "redis://127.0.0.1:6379/1"),
    ],
)
def test_passwords_are_not_printed(run, url, shown):
    # when / then
    assert run.redacted(url) == shown
