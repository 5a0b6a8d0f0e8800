#!/usr/bin/env python
"""Bulk PDF re-issue: N certificates (default 1,000) rendered by 2 Celery worker processes
against Redis, with the progress HR sees in the admin printed as it moves.

Baseline measured in the same run: one warm in-process render. The ideal wall time is
N × baseline / workers; the report gives the measured time and its ratio to that ideal.

    python bench/bulk_render.py [--count 1000] [--workers 2] [--broker redis://127.0.0.1:6379/14]

Uses its own SQLite database (WAL) under a temporary directory unless DATABASE_URL is set;
starts and stops its own worker processes only. Exits 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import configure  # noqa: E402


def make_certificates(count: int):
    from django.utils import timezone

    from certification.models import Certificate, CertificationProgram
    from lms.people.models import User

    program = CertificationProgram.objects.create(
        name="Ambassadeur certifié",
        name_en="Certified Social Advocate",
        slug="bench-bulk",
        description="d",
        validity_months=12,
    )
    users = User.objects.bulk_create(
        User(email=f"holder{i}@bench.example", display_name=f"Holder Number {i}", password="!") for i in range(count)
    )
    users = list(User.objects.filter(email__endswith="@bench.example").order_by("pk"))
    now = timezone.now()
    Certificate.objects.bulk_create(
        Certificate(
            user=user,
            program=program,
            holder_name=user.display_name,
            issued_at=now,
            expires_at=now + timedelta(days=365),
            status_list_index=i,
        )
        for i, user in enumerate(users)
    )
    return program


def baseline_ms(program, runs: int = 5) -> float:
    from certification import pdf
    from certification.models import Certificate

    certificate = Certificate.objects.filter(program=program).select_related("program", "user").first()
    pdf.render_certificate_pdf(certificate)  # warm: fonts, templates
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        pdf.render_certificate_pdf(certificate)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def start_workers(count: int, logdir: Path) -> list[subprocess.Popen]:
    workers = []
    for i in range(count):
        log = open(logdir / f"worker-{i}.log", "w")  # noqa: SIM115 - closed with the process
        workers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "lms",
                    "worker",
                    "-P",
                    "prefork",
                    "-c",
                    "1",
                    "-n",
                    f"bench{i}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel=WARNING",
                ],
                cwd=ROOT,
                env=os.environ.copy(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    return workers


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for proc in workers:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in workers:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds before giving up")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="porte-voix-bulk-"))
    os.environ["CELERY_BROKER_URL"] = args.broker
    workers: list[subprocess.Popen] = []
    try:
        configure(workdir)
        os.environ["CELERY_BROKER_URL"] = args.broker  # configure() points at memory://
        from django.conf import settings
        from django.core.management import call_command

        from lms.celery import app

        app.conf.broker_url = args.broker
        app.conf.broker_transport_options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        call_command("migrate", verbosity=0, interactive=False)
        with app.connection_for_write() as conn:
            conn.default_channel.client.flushdb()  # this bench's own Redis database only
        program = make_certificates(args.count)
        single = baseline_ms(program)
        print(
            f"baseline: one warm render {single:.1f} ms; ideal for {args.count} on {args.workers} workers "
            f"{args.count * single / args.workers / 1000:.1f} s"
        )

        workers = start_workers(args.workers, workdir)
        time.sleep(3)
        from certification import lifecycle
        from certification.models import BulkRender

        started = time.monotonic()
        bulk = lifecycle.bulk_render_create(program=program)
        last = None
        while time.monotonic() - started < args.timeout:
            bulk = BulkRender.objects.get(pk=bulk.pk)
            progress = lifecycle.bulk_render_progress(bulk)
            line = f"  {time.monotonic() - started:6.1f} s  {bulk.done + bulk.failed}/{bulk.total} ({progress['percent']}%)"
            if line.split("s", 1)[1] != (last or "").split("s", 1)[-1]:
                print(line, flush=True)
                last = line
            if bulk.finished_at is not None:
                break
            time.sleep(2)
        elapsed = time.monotonic() - started
        ideal = args.count * single / args.workers / 1000
        print(
            f"rendered {bulk.done} (failed {bulk.failed}) of {bulk.total} in {elapsed:.1f} s: "
            f"{bulk.done / elapsed:.1f} PDF/s; {elapsed / ideal:.2f} × the ideal"
        )
    finally:
        stop_workers(workers)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
