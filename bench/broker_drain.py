#!/usr/bin/env python
"""How fast a real worker drains the embedded (filesystem) broker.

``python bench/broker_drain.py [--count 300] [--intervals 1.0,0.05]``. For each polling
interval, in a fresh temporary var/ directory: publish ``--count`` heartbeat tasks (the
cheapest task there is: one cache write) with no worker running, then start a worker as
``bin/run`` starts it (``celery -A lms worker -P prefork -c 2``, ``lms.settings.dev``) and time
from its first fetch until the queue folder is empty. Prints messages per second; the issue's
aim is ≥ 50 messages/s (kombu's default 1 s polling drained about 2).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def queued(folder: Path) -> int:
    return sum(1 for name in os.listdir(folder) if name.endswith(".msg"))


def publish(var: Path, count: int, env: dict[str, str]) -> None:
    script = (
        "import django; django.setup()\n"
        "from lms.celery import app\n"
        "from lms.home.tasks import worker_heartbeat_task\n"
        f"for _ in range({count}): worker_heartbeat_task.apply_async(expires=3600)\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, timeout=600)  # noqa: S603


def measure(count: int, interval: str, timeout: float) -> tuple[float, int]:
    with tempfile.TemporaryDirectory(prefix="porte-voix-drain-") as tmp:
        var = Path(tmp)
        for folder in ("broker/queue", "broker/processed", "broker/control"):
            (var / folder).mkdir(parents=True)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
            "PORTE_VOIX_VAR_DIR": str(var),
            "CELERY_BROKER_POLLING_INTERVAL": interval,
            "PYTHONPATH": str(ROOT),
        }
        env.pop("CELERY_BROKER_URL", None)
        queue = var / "broker" / "queue"
        publish(var, count, env)
        assert queued(queue) == count, queued(queue)
        worker = subprocess.Popen(  # noqa: S603 - fixed command
            [sys.executable, "-m", "celery", "-A", "lms", "worker", "-P", "prefork", "-c", "2", "--loglevel=WARNING"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + timeout
            while queued(queue) == count and time.monotonic() < deadline:
                time.sleep(0.005)
            started = time.monotonic()
            while (left := queued(queue)) and time.monotonic() < deadline:
                time.sleep(0.005)
            elapsed = time.monotonic() - started
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
        return elapsed, left


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--intervals", default="1.0,default")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    for interval in args.intervals.split(","):
        elapsed, left = measure(args.count, "" if interval == "default" else interval, args.timeout)
        drained = args.count - left
        label = "settings default" if interval == "default" else f"{interval} s"
        print(
            f"filesystem broker, polling {label}: {drained}/{args.count} messages drained in {elapsed:.2f} s"
            f" = {drained / elapsed:.1f} messages/s",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
