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
    (with a Celery app that slows rendering down), and stops only those processes
    (``tests/integration/processes.py``).
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db.models import F

from certification import lifecycle, tasks
from certification.models import Certificate, CertificateEvent, IssuanceRequest
from courses import services as courses_services
from tests.factories.answers import correct_answers, route
from tests.factories.certification import CertificationProgramFactory, ProgramRequirementFactory, eligible_learner
from tests.integration.processes import POLL_TIMEOUT, chaos_broker, free_port, publishing_to, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.chaos, pytest.mark.django_db(transaction=True)]

REQUEST_BOUND_SECONDS = 2.0
# What the broker outage may add to a request (bounded publish retry, then a log line).
PUBLISH_BOUND_SECONDS = 1.0
RENDER_DELAY_SECONDS = 45  # below the render task's soft time limit (60 s)

# The project's Celery app, with renders slowed down in the pool's processes so that the worker
# can be killed in the middle of one (the code under test is left as it is).
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
    with chaos_broker(app, tmp_path) as broker:
        worker_a = broker.worker("chaos-a", app_source=SLOW_RENDER_APP.format(delay=RENDER_DELAY_SECONDS))
        assert tasks.enqueue(tasks.certificates_issue_for_user_task, learner.user.pk) is True

        # ... A issued the certificate and is now rendering its PDF
        def rendering() -> bool:
            active = app.control.inspect(destination=[worker_a.hostname], timeout=1).active() or {}
            names = [task["name"] for task in active.get(worker_a.hostname, [])]
            return names == ["certification.tasks.certificate_render_pdf_task"]

        wait_until(rendering, timeout=POLL_TIMEOUT, what="A rendering", log=worker_a.log, interval=0.5)
        certificate = Certificate.objects.get()
        assert not certificate.pdf

        # when: the prefork child is killed mid-render (A takes no new message from then on: it
        # stays up, only its child dies), and worker B starts
        worker_a.kill_child(app, name="A")
        worker_b = broker.worker("chaos-b")

        # then: B finishes the work, once
        done = [("emailed", "email:issued"), ("issued", "issued"), ("pdf_rendered", "")]
        wait_until(
            lambda: certificate_events(certificate) == done,
            timeout=POLL_TIMEOUT,
            what="B rendering and emailing",
            log=worker_b.log,
        )
        broker.stop_workers()

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
