"""Certification under broker and worker failures (TESTPLAN 44, 45), with real PostgreSQL,
Redis and Celery workers.

(a) The broker is down while a learner passes the final quiz: the request still answers fast
    (publishing to the dead broker gives up in under a second; the request takes under 2 s,
    or under a second more than the same request with the broker up on a machine too loaded
    for 2 s), nothing is issued yet, and once the broker is back the reconciliation job
    issues the certificate exactly once; the session's worker renders and emails it.
(b) A prefork child is SIGKILLed while it renders the PDF: the message (late ack, rejected on
    worker loss) goes back to the queue, a second worker finishes it, and there is exactly
    one certificate, one PDF, one email. This part runs its own redis-server and workers
    (with a settings module that slows rendering down), and stops only those processes.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings as django_settings
from django.db.models import F

from certification import lifecycle, tasks
from certification.models import Certificate, CertificateEvent, IssuanceRequest
from courses import services as courses_services
from tests.factories.answers import correct_answers, route
from tests.factories.certification import CertificationProgramFactory, ProgramRequirementFactory, eligible_learner

pytestmark = [pytest.mark.integration, pytest.mark.chaos, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
REQUEST_BOUND_SECONDS = 2.0
# What the broker outage may add to a request (bounded publish retry, then a log line).
PUBLISH_BOUND_SECONDS = 1.0
POLL_TIMEOUT = 120
WORKER_START_TIMEOUT = 90
RENDER_DELAY_SECONDS = 45  # below the render task's soft time limit (60 s)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(predicate, *, timeout: float, what: str, log: Path | None = None, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            tail = log.read_text()[-4000:] if log is not None and log.exists() else ""
            pytest.fail(f"{what}: not after {timeout} s\n{tail}")
        time.sleep(interval)


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
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env
        app.conf.broker_url, app._pool, app.amqp._producer_pool = saved


def database_url_for(db: dict) -> str:
    credentials = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{'@' if credentials else ''}{host}{port}/{quote(db['NAME'], safe='')}"


def stop_group(proc: subprocess.Popen, *, timeout: float = 20) -> None:
    """Stop a process started here in its own session, with its children (the prefork pool)."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@contextmanager
def redis_server(workdir: Path):
    """A throwaway redis-server on a free port, nothing on disk; yields its URL."""
    port = free_port()
    log = workdir / f"redis-{port}.log"
    command = [
        "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        "--dir", str(workdir), "--logfile", str(log),
    ]  # fmt: skip
    proc = subprocess.Popen(command, start_new_session=True)  # noqa: S603 - fixed command
    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.5)

    def answers() -> bool:
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False

    try:
        wait_until(answers, timeout=30, what="redis-server", log=log)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        stop_group(proc)


SLOW_RENDER_APP = """\
import time

from celery.signals import worker_process_init

from lms.celery import app  # noqa: F401


@worker_process_init.connect
def slow_renders(**kwargs):
    if not {delay!r}:
        return
    from certification import pdf

    real_render = pdf.render_certificate_pdf

    def slow_render(certificate):
        time.sleep({delay!r})
        return real_render(certificate)

    pdf.render_certificate_pdf = slow_render
"""


class Worker:
    """A Celery worker (``-A chaos_app``: the project's app) against the test database, in its own session."""

    def __init__(
        self, name: str, *, broker_url: str, workdir: Path, render_delay: float = 0, app_source: str | None = None
    ):
        self.hostname = f"{name}-{os.getpid()}@localhost"
        self.log = workdir / f"{name}.log"
        settings_dir = workdir / f"{name}-settings"
        settings_dir.mkdir()
        (settings_dir / "chaos_settings.py").write_text(
            "from lms.settings.dev import *  # noqa: F403\n"
            'EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"\n'
            f"EMAIL_FILE_PATH = {str(workdir / 'mail')!r}\n"
        )
        # The project's Celery app, with renders slowed down in the pool's processes so that the
        # worker can be killed in the middle of one (the code under test is left as it is).
        # ``app_source``: another hook of the same kind, for another task.
        (settings_dir / "chaos_app.py").write_text(app_source or SLOW_RENDER_APP.format(delay=render_delay))
        env = os.environ.copy()
        env.update(
            DATABASE_URL=database_url_for(django_settings.DATABASES["default"]),
            CELERY_BROKER_URL=broker_url,
            DJANGO_SETTINGS_MODULE="chaos_settings",
            DJANGO_SECRET_KEY=django_settings.SECRET_KEY,  # the key of the test process: one install
            DJANGO_DEBUG="false",
            PORTE_VOIX_VAR_DIR=str(workdir / f"{name}-var"),
            DJANGO_MEDIA_ROOT=str(django_settings.MEDIA_ROOT),
            PYTHONPATH=os.pathsep.join(filter(None, [str(settings_dir), str(ROOT), env.get("PYTHONPATH", "")])),
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

    def stop(self) -> None:
        stop_group(self.proc)


def time_publishes(monkeypatch) -> list[tuple[str, bool, float]]:
    """``(task name, published, seconds)`` of every ``certification.tasks.enqueue`` call."""
    calls: list[tuple[str, bool, float]] = []
    real_enqueue = tasks.enqueue

    def timed(task, *args):
        started = time.monotonic()
        published = real_enqueue(task, *args)
        calls.append((task.name, published, time.monotonic() - started))
        return published

    monkeypatch.setattr(tasks, "enqueue", timed)
    return calls


def timed_submit(client, quiz, attempt):
    """POST the right answers as the quiz form does; the response and the seconds it took."""
    started = time.monotonic()
    response = client.post(route(quiz, "attempt", attempt), {**correct_answers(attempt), "action": "submit"})
    return response, time.monotonic() - started


def succeeded_count(log: Path, task: str) -> int:
    return sum(1 for line in log.read_text().splitlines() if f"{task}[" in line and " succeeded " in line)


def certificate_events(certificate: Certificate) -> list[tuple[str, str]]:
    return sorted(CertificateEvent.objects.filter(certificate=certificate).values_list("action", "key"))


# --- (a) broker down during the final quiz (TESTPLAN 44) ------------------------------------------


def test_broker_down_while_passing_the_final_quiz_then_reconciliation_issues_once(
    celery_worker, live_celery_app, quiz_factory, employee, employee_client, caplog, monkeypatch
):
    # given: a programme requiring the course of a quiz, and the learner's attempt
    quiz = quiz_factory(types=("single_choice", "true_false"))
    program = CertificationProgramFactory()
    ProgramRequirementFactory(program=program, courses=[quiz.course_page])
    attempt = courses_services.attempt_start(user=employee, quiz=quiz)
    # ... and, for a baseline, the same request with the broker up: the final quiz of a course
    # no programme requires (the same publish on completion, no certificate)
    baseline_quiz = quiz_factory(types=("single_choice", "true_false"))
    baseline_attempt = courses_services.attempt_start(user=employee, quiz=baseline_quiz)
    publishes = time_publishes(monkeypatch)
    caplog.set_level(logging.WARNING, logger="certification.tasks")
    issuances_done = succeeded_count(celery_worker, "certificates_issue_for_user_task")
    baseline_response, baseline_took = timed_submit(employee_client, baseline_quiz, baseline_attempt)
    assert baseline_response.status_code == 302
    assert [(name, ok) for name, ok, _ in publishes] == [("certification.tasks.certificates_issue_for_user_task", True)]
    # (the worker has run that task, which issues nothing, before the real test starts)
    wait_until(
        lambda: succeeded_count(celery_worker, "certificates_issue_for_user_task") == issuances_done + 1,
        timeout=POLL_TIMEOUT,
        what="the baseline issuance task",
        log=celery_worker,
    )
    assert Certificate.objects.count() == 0
    publishes.clear()

    # when: the broker is unreachable while the learner submits the right answers
    with publishing_to(live_celery_app, f"redis://127.0.0.1:{free_port()}/0"):
        response, took = timed_submit(employee_client, quiz, attempt)
        result_page = employee_client.get(response["Location"])

    # then: answered in time, graded, shown; the issuance left to reconciliation
    assert (response.status_code, response["Location"]) == (302, route(quiz, "attempt_result", attempt))
    assert [(name, ok) for name, ok, _ in publishes] == [
        ("certification.tasks.certificates_issue_for_user_task", False)
    ]
    publish_seconds = publishes[0][2]
    assert publish_seconds < PUBLISH_BOUND_SECONDS, f"publishing to the dead broker took {publish_seconds:.2f} s"
    assert took < max(REQUEST_BOUND_SECONDS, baseline_took + PUBLISH_BOUND_SECONDS), (
        f"the submit took {took:.2f} s with the broker down, {baseline_took:.2f} s with it up"
    )
    assert result_page.status_code == 200
    attempt.refresh_from_db()
    assert (attempt.status, attempt.passed) == ("submitted", True)
    assert Certificate.objects.count() == 0
    assert [r.getMessage().split(" left ")[0] for r in caplog.records if r.name == "certification.tasks"] == [
        f"broker unavailable, certification.tasks.certificates_issue_for_user_task({employee.pk},)"
    ]

    # when: the broker is back (the real Redis) and the beat job runs, twice
    # (the pending issuance request dated back past the grace period: taken as lost)
    IssuanceRequest.objects.update(requested_at=F("requested_at") - lifecycle.reconcile_grace() - timedelta(seconds=1))
    first = lifecycle.certificates_reconcile()
    second = lifecycle.certificates_reconcile()

    # then: one certificate, rendered and emailed once by the session's worker
    assert first == {"issued": 1, "pdf_enqueued": 0, "email_enqueued": 0, "reminders_enqueued": 0, "errors": 0}
    assert second == {"issued": 0, "pdf_enqueued": 0, "email_enqueued": 0, "reminders_enqueued": 0, "errors": 0}
    certificate = Certificate.objects.get()
    assert (certificate.user_id, certificate.program_id, certificate.cycle) == (employee.pk, program.pk, 1)
    done = [("emailed", "email:issued"), ("issued", "issued"), ("pdf_rendered", "")]
    wait_until(
        lambda: certificate_events(certificate) == done,
        timeout=POLL_TIMEOUT,
        what="render and email",
        log=celery_worker,
    )
    certificate.refresh_from_db()
    assert certificate.pdf.name == f"certificates/pdf/{certificate.code}.pdf"
    assert certificate.pdf.read()[:4] == b"%PDF"
    assert Certificate.objects.count() == 1


# --- (b) worker killed mid-render (TESTPLAN 45) ---------------------------------------------------


@pytest.mark.slow
def test_a_worker_killed_mid_render_is_redelivered_and_finishes_exactly_once(live_celery_app, course_index, tmp_path):
    # given: an eligible learner, a dedicated Redis, and worker A whose rendering is slow
    learner = eligible_learner(course_index)
    app = live_celery_app
    workers: list[Worker] = []
    try:
        with redis_server(tmp_path) as broker_url, publishing_to(app, broker_url):
            worker_a = Worker("chaos-a", broker_url=broker_url, workdir=tmp_path, render_delay=RENDER_DELAY_SECONDS)
            workers.append(worker_a)
            worker_a.wait_ready(app)
            assert tasks.enqueue(tasks.certificates_issue_for_user_task, learner.user.pk) is True

            # ... A issued the certificate and is now rendering its PDF
            def rendering() -> bool:
                active = app.control.inspect(destination=[worker_a.hostname], timeout=1).active() or {}
                names = [task["name"] for task in active.get(worker_a.hostname, [])]
                return names == ["certification.tasks.certificate_render_pdf_task"]

            wait_until(rendering, timeout=POLL_TIMEOUT, what="A rendering", log=worker_a.log, interval=0.5)
            certificate = Certificate.objects.get()
            assert not certificate.pdf
            # A takes no new message from now on (it stays up: only its child dies)
            app.control.cancel_consumer("celery", destination=[worker_a.hostname], reply=True, timeout=5)

            # when: the prefork child is killed mid-render, and worker B starts
            children = worker_a.children()
            assert len(children) == 1, f"expected one pool child of worker A, found {children}"
            os.kill(children[0], signal.SIGKILL)
            wait_until(
                lambda: "WorkerLostError" in worker_a.log.read_text(),
                timeout=30,
                what="A noticing its lost child",
                log=worker_a.log,
            )
            worker_b = Worker("chaos-b", broker_url=broker_url, workdir=tmp_path)
            workers.append(worker_b)
            worker_b.wait_ready(app)

            # then: B finishes the work, once
            done = [("emailed", "email:issued"), ("issued", "issued"), ("pdf_rendered", "")]
            wait_until(
                lambda: certificate_events(certificate) == done,
                timeout=POLL_TIMEOUT,
                what="B rendering and emailing",
                log=worker_b.log,
            )
            for worker in workers:
                worker.stop()
    finally:
        for worker in workers:
            worker.stop()

    certificate.refresh_from_db()
    assert Certificate.objects.count() == 1
    assert certificate.pdf.name == f"certificates/pdf/{certificate.code}.pdf"
    pdf_dir = Path(django_settings.MEDIA_ROOT) / "certificates" / "pdf"
    assert sorted(p.name for p in pdf_dir.glob(f"{certificate.code}*")) == [f"{certificate.code}.pdf"]
    assert certificate.render_error == ""
    mails = sorted((tmp_path / "mail").iterdir())
    assert len(mails) == 1
    assert f"To: {learner.user.email}" in mails[0].read_text()
    log_a, log_b = worker_a.log.read_text(), worker_b.log.read_text()
    assert "signal 9 (SIGKILL)" in log_a
    assert rendered_lines(log_a) == []
    assert len(rendered_lines(log_b)) == 1


def rendered_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if "certificate_render_pdf_task[" in line and " succeeded " in line]
