"""``bin/run`` supervises its children: a child that dies is started again alone, with a
pause that grows on quick failures, and the others keep running (issue 12)."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import signal
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]
QUITTER = [sys.executable, "-c", "raise SystemExit(3)"]


def load_run():
    loader = importlib.machinery.SourceFileLoader("porte_voix_bin_run", str(ROOT / "bin" / "run"))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


run = load_run()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def wait_exited(proc, timeout: float = 10) -> None:
    proc.wait(timeout=timeout)


@pytest.fixture
def supervised():
    started = []

    def make(commands, **options):
        supervisor = run.Supervisor(commands, os.environ.copy(), pipe_output=False, **options)
        started.append(supervisor)
        supervisor.start()
        return supervisor

    yield make
    for supervisor in started:
        supervisor.stop()


def test_a_killed_child_is_started_again_alone_and_the_others_keep_their_pids(supervised):
    # given: three children, like web, worker and beat
    clock = Clock()
    supervisor = supervised([(name, SLEEPER, ROOT) for name in ("web", "worker", "beat")], backoff_start=1, clock=clock)
    pids = {name: child.proc.pid for name, child in supervisor.children.items()}

    # when: the worker is SIGKILLed, and the pause is over
    os.kill(pids["worker"], signal.SIGKILL)
    wait_exited(supervisor.children["worker"].proc)
    clock.now += 5
    supervisor.poll()
    paused = supervisor.children["worker"].restart_at
    clock.now += 1
    supervisor.poll()

    # then: it waited 1 s, runs again under a new pid; web and beat were not touched
    worker = supervisor.children["worker"]
    assert paused == 1006.0
    assert (worker.restarts, worker.proc.poll()) == (1, None)
    assert worker.proc.pid != pids["worker"]
    assert {name: c.proc.pid for name, c in supervisor.children.items() if name != "worker"} == {
        "web": pids["web"],
        "beat": pids["beat"],
    }
    assert all(c.proc.poll() is None for c in supervisor.children.values())


def test_the_pause_doubles_on_quick_failures_up_to_the_cap_and_resets_after_a_stable_run(supervised):
    # given: a child that exits as soon as it starts
    clock = Clock()
    supervisor = supervised([("worker", QUITTER, ROOT)], backoff_start=1, backoff_max=30, stable_after=60, clock=clock)
    worker = supervisor.children["worker"]

    # when: it fails again and again, each time right after its pause
    pauses = []
    for _ in range(7):
        wait_exited(worker.proc)
        supervisor.poll()
        pauses.append(worker.restart_at - clock.now)
        clock.now = worker.restart_at
        supervisor.poll()

    # then: 1, 2, 4, 8, 16, then capped at 30
    assert pauses == [1, 2, 4, 8, 16, 30, 30]
    assert worker.restarts == 7

    # when: it stays up past the stable time before failing again
    wait_exited(worker.proc)
    clock.now += 61
    supervisor.poll()

    # then: the pause is back to 1 s
    assert worker.restart_at - clock.now == 1


def test_stop_ends_every_child_and_a_pending_restart_starts_nothing(supervised):
    # given: one running child and one waiting for its restart
    clock = Clock()
    supervisor = supervised([("web", SLEEPER, ROOT), ("worker", QUITTER, ROOT)], clock=clock)
    wait_exited(supervisor.children["worker"].proc)
    supervisor.poll()

    # when
    supervisor.stop()

    # then
    assert supervisor.children["web"].proc.poll() == -signal.SIGTERM
    assert supervisor.children["worker"].restarts == 0


def test_run_keeps_polling_until_told_to_stop(supervised):
    # given: the real clock and a short pause
    import threading

    supervisor = supervised([("worker", SLEEPER, ROOT)], backoff_start=0.1)
    first = supervisor.children["worker"].proc.pid
    stop = threading.Event()
    loop = threading.Thread(target=supervisor.run, args=(stop, 0.05))
    loop.start()

    # when: the child is killed
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while supervisor.children["worker"].restarts == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    loop.join(timeout=5)

    # then
    assert supervisor.children["worker"].restarts == 1
    assert supervisor.children["worker"].proc.pid != first
    assert not loop.is_alive()


def test_what_a_dead_child_left_in_its_group_is_stopped_before_it_starts_again(supervised, tmp_path):
    # given: a child that starts a grandchild in its group (as a prefork worker does)
    pidfile = tmp_path / "grandchild"
    parent = [
        sys.executable,
        "-c",
        "import subprocess, sys, time; "
        f"p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); open({str(pidfile)!r}, 'w').write(str(p.pid)); "
        "time.sleep(60)",
    ]
    clock = Clock()
    supervisor = supervised([("worker", parent, ROOT)], clock=clock)
    deadline = time.monotonic() + 10
    while not (pidfile.exists() and pidfile.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    grandchild = int(pidfile.read_text())

    # when: the child is SIGKILLed and the supervisor notices
    os.kill(supervisor.children["worker"].proc.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while supervisor.children["worker"].restart_at is None and time.monotonic() < deadline:
        supervisor.poll()
        time.sleep(0.05)

    # then: the grandchild got SIGKILL too (it is gone, or a zombie waiting for init)
    time.sleep(0.2)
    try:
        state = Path(f"/proc/{grandchild}/stat").read_text().split()[2]
    except FileNotFoundError:
        state = "gone"
    assert state in {"gone", "Z"}
