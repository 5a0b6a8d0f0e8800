"""Celery tasks of the certification layer: every task name resolves, transient errors are
retried with backoff and others are not, publishing never hangs a request when the broker is
down."""

from __future__ import annotations

import ast
import logging
import smtplib
import socket
import time
from pathlib import Path

import pytest
from celery.exceptions import Retry
from django.core import mail

from certification import notifications, tasks
from certification.models import CertificateEvent
from lms.celery import app
from tests.factories.certification import CertificateFactory

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "var", "node_modules", "tests", "bench", "__pycache__", ".git"}


def project_sources() -> list[Path]:
    return [
        path
        for path in sorted(ROOT.rglob("*.py"))
        if not SKIPPED_DIRS & set(path.relative_to(ROOT).parts[:-1]) and "migrations" not in path.parts
    ]


def task_names_in(source: str) -> set[str]:
    """String task names: ``send_task("…")``, ``signature("…")`` and ``{"task": "…"}`` (beat)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0] if node.args else None
            if (
                called in {"send_task", "signature"}
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                names.add(first.value)
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and key.value == "task"
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                ):
                    names.add(value.value)
    return names


@pytest.fixture
def registered_tasks():
    app.loader.import_default_modules()
    return set(app.tasks)


# --- every task name resolves --------------------------------------------------------------------


def test_every_beat_schedule_entry_names_a_registered_task(registered_tasks):
    # given
    schedule = app.conf.beat_schedule

    # when
    unknown = {name: entry["task"] for name, entry in schedule.items() if entry["task"] not in registered_tasks}

    # then
    assert {entry["task"] for entry in schedule.values()} >= {
        "certification.tasks.certificate_reconcile_issuance_task",
        "certification.tasks.certificate_reconcile_pdfs_task",
        "certification.tasks.certificate_reconcile_emails_task",
        "certification.tasks.certificate_reconcile_reminders_task",
        "certification.tasks.certificate_expiry_reminders_task",
    }
    assert unknown == {}


def test_every_task_name_written_as_a_string_in_the_code_is_registered(registered_tasks):
    # given
    found = {}
    for path in project_sources():
        for name in task_names_in(path.read_text(encoding="utf-8")):
            found.setdefault(name, []).append(str(path.relative_to(ROOT)))

    # when
    unknown = {name: paths for name, paths in found.items() if name not in registered_tasks}

    # then
    assert "certification.tasks.certificate_reconcile_pdfs_task" in found, "the scan found nothing: it is broken"
    assert unknown == {}


def test_the_scan_sees_send_task_signature_and_beat_entries():
    # given
    source = (
        'app.send_task("a.tasks.one")\n'
        'signature("a.tasks.two", args=(1,))\n'
        'celery.signature("a.tasks.three")\n'
        'SCHEDULE = {"x": {"task": "a.tasks.four", "schedule": 60}}\n'
        "name = 'not.a.task'\n"
    )

    # when / then
    assert task_names_in(source) == {"a.tasks.one", "a.tasks.two", "a.tasks.three", "a.tasks.four"}


def test_the_certification_tasks_are_registered_under_their_module_path(registered_tasks):
    # then
    for task in (
        tasks.certificates_issue_for_user_task,
        tasks.certificate_render_pdf_task,
        tasks.certificate_email_task,
        tasks.certificate_reconcile_task,
        tasks.certificate_expiry_reminders_task,
        tasks.bulk_render_task,
        tasks.bulk_render_one_task,
    ):
        assert task.name == f"certification.tasks.{task.__name__}"
        assert task.name in registered_tasks
        assert task.acks_late is True


# --- retries -------------------------------------------------------------------------------------


@pytest.fixture
def retries(monkeypatch):
    """The countdown of every retry the email task asks for; jitter pinned to its maximum.

    Eager tasks do not propagate here, as in a worker: ``apply`` then replays each retry
    (Celery's eager retry) and returns the final state instead of raising ``Retry``.
    """
    import celery.utils.time

    asked: list[float] = []
    task = tasks.certificate_email_task
    original = task.retry

    def spy(*args, **kwargs):
        try:
            return original(*args, **kwargs)
        except Retry as retry:
            asked.append(retry.when)
            raise

    class HighestJitter:
        @staticmethod
        def randrange(stop):
            return stop - 1

    monkeypatch.setattr(task, "retry", spy)
    monkeypatch.setattr(celery.utils.time, "random", HighestJitter)
    saved = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield asked
    app.conf.task_eager_propagates = saved


@pytest.fixture
def sends(monkeypatch):
    """Make ``send_issued`` fail with the given exceptions in turn, then send for real."""
    calls: list[int] = []
    failures: list[BaseException] = []
    real_send = notifications.send_issued

    def send(certificate):
        calls.append(certificate.pk)
        if failures:
            raise failures.pop(0)
        real_send(certificate)

    monkeypatch.setattr(notifications, "send_issued", send)
    return calls, failures


def test_an_smtp_failure_is_retried_with_exponential_backoff_until_max_retries(db, retries, sends):
    # given: the SMTP server is down for good
    calls, failures = sends
    certificate = CertificateFactory()
    failures.extend(smtplib.SMTPServerDisconnected("connection unexpectedly closed") for _ in range(10))

    # when
    result = tasks.certificate_email_task.apply(args=[certificate.pk])

    # then: 1 try + 6 retries, 1, 2, 4… seconds apart (at most, with full jitter), then failed
    assert result.state == "FAILURE"
    assert isinstance(result.result, smtplib.SMTPServerDisconnected)
    assert len(calls) == 7
    assert retries == [1, 2, 4, 8, 16, 32]
    assert tasks.certificate_email_task.max_retries == 6
    assert mail.outbox == []
    assert CertificateEvent.objects.filter(certificate=certificate, key="email:issued").count() == 0


def test_a_transient_smtp_failure_ends_with_exactly_one_email(db, retries, sends):
    # given: the first two sends fail
    calls, failures = sends
    certificate = CertificateFactory()
    failures.extend([smtplib.SMTPConnectError(421, b"busy"), ConnectionResetError("reset by peer")])

    # when
    result = tasks.certificate_email_task.apply(args=[certificate.pk])

    # then
    assert result.get() is True
    assert len(calls) == 3
    assert retries == [1, 2]
    assert [m.to for m in mail.outbox] == [[certificate.user.email]]
    assert CertificateEvent.objects.filter(certificate=certificate, key="email:issued").count() == 1
    certificate.refresh_from_db()
    assert certificate.emailed_at is not None


def test_a_validation_error_is_not_retried(db, retries, sends):
    # given
    calls, failures = sends
    certificate = CertificateFactory()
    failures.append(ValueError("invalid address"))

    # when
    result = tasks.certificate_email_task.apply(args=[certificate.pk])

    # then: tried once, nothing recorded, so that a fixed address can be emailed later
    assert (result.state, repr(result.result)) == ("FAILURE", "ValueError('invalid address')")
    assert len(calls) == 1
    assert retries == []
    assert CertificateEvent.objects.filter(certificate=certificate).count() == 0


def test_the_email_task_run_twice_sends_one_email(db):
    # given
    certificate = CertificateFactory()

    # when
    first = tasks.certificate_email_task.apply(args=[certificate.pk]).get()
    second = tasks.certificate_email_task.apply(args=[certificate.pk]).get()

    # then
    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1


# --- publishing with the broker down ------------------------------------------------------------


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def broker_down(monkeypatch):
    """The app publishing for real (not eagerly) to a Redis URL where nothing listens.

    Celery reads ``CELERY_BROKER_URL`` from the environment before its setting: both change.
    """
    down = f"redis://127.0.0.1:{closed_port()}/0"
    # Read before the environment changes: once it does, ``app.conf.broker_url`` answers with it.
    saved = {
        "broker_url": app.conf.broker_url,
        "task_always_eager": app.conf.task_always_eager,
    }
    monkeypatch.setenv("CELERY_BROKER_URL", down)
    app.conf.broker_url = down
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    try:
        assert app.conf.broker_url == down
        yield down
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.broker_url = saved["broker_url"]
        app.conf.task_always_eager = saved["task_always_eager"]
        # Fresh pools for the tests that follow (eager tasks still take a producer from them):
        # never hand back a pool that may share state with the one just closed.
        app._pool = None
        app.amqp._producer_pool = None


def test_enqueue_with_the_broker_down_returns_false_fast_and_logs(broker_down, caplog):
    # given
    caplog.set_level(logging.WARNING, logger="certification.tasks")

    # when
    started = time.monotonic()
    published = tasks.enqueue(tasks.certificate_email_task, 123)
    took = time.monotonic() - started

    # then
    assert published is False
    assert took < 2, f"publishing blocked {took:.2f} s"
    warnings = [r for r in caplog.records if r.name == "certification.tasks"]
    assert [r.levelname for r in warnings] == ["WARNING"]
    assert (
        warnings[0]
        .getMessage()
        .startswith("broker unavailable, certification.tasks.certificate_email_task(123,) left to reconciliation")
    )


def test_enqueue_on_commit_with_the_broker_down_does_not_break_the_commit(
    broker_down, caplog, django_capture_on_commit_callbacks, db
):
    # given
    caplog.set_level(logging.WARNING, logger="certification.tasks")
    certificate = CertificateFactory()

    # when
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tasks.enqueue_on_commit(tasks.certificate_render_pdf_task, certificate.pk)
    took = time.monotonic() - started

    # then
    assert len(callbacks) == 1
    assert took < 2
    assert [r.getMessage().split(" left ")[0] for r in caplog.records if r.name == "certification.tasks"] == [
        f"broker unavailable, certification.tasks.certificate_render_pdf_task({certificate.pk},)"
    ]
