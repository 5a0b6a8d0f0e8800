"""Serving the site the way ``make run`` does and loading it with ``wrk``: the helpers the HTTP
benchmarks share (``bench/links.py``, ``bench/pages_http.py``).

A server is gunicorn with the flags of ``bin/run`` (``commands()``): 2 workers on a free
loopback port. ``wrk`` reports requests per second; anything but 2xx/3xx and every socket error
is counted as bad.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
WORKERS = "2"


def gunicorn_command(python: str, app: str, port: int) -> list[str]:
    """The web server as ``bin/run`` starts it (``commands()``): ``app`` on ``port``."""
    return [
        python, "-m", "gunicorn", app,
        "--bind", f"127.0.0.1:{port}",
        "--workers", WORKERS,
        "--timeout", "60",
        "--graceful-timeout", "10",
        "--access-logfile", "-",
        "--no-control-socket",
    ]  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def manage(env: dict[str, str], *args: str, python: str = PYTHON, cwd: Path = ROOT) -> str:
    """``manage.py ARGS`` in a child process with ``env``; its standard output."""
    return subprocess.run(  # noqa: S603 - fixed command
        [python, "manage.py", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    ).stdout


def get_status(port: int, path: str, timeout: float = 30, headers: dict[str, str] | None = None) -> int:
    """One request on a fresh connection, as a browser following a link; the status code."""
    extra = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: {USER_AGENT}\r\n{extra}"
            "Connection: close\r\n\r\n"
        )
        sock.sendall(request.encode())
        data = b""
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        while sock.recv(65536):
            pass
    return int(data.split(b" ", 2)[1])


@dataclass
class Server:
    """gunicorn serving ``app`` from ``cwd`` with ``env``; ready once ``path`` answers ``expect``."""

    name: str
    python: str
    cwd: Path
    env: dict[str, str]
    path: str
    log: Path
    process: subprocess.Popen | None = None
    port: int = 0
    app: str = "lms.wsgi:application"
    expect: int = 302
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def start(self) -> None:
        self.port = free_port()
        command = gunicorn_command(self.python, self.app, self.port)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed command
                command, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name}: gunicorn exited, see {self.log}")
            try:
                status = get_status(self.port, self.path, headers=self.headers)
            except OSError:
                time.sleep(0.3)
                continue
            if status != self.expect:
                raise RuntimeError(f"{self.name}: {self.path} answered {status}, not {self.expect} (see {self.log})")
            return
        raise RuntimeError(f"{self.name}: no answer within 60 s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def wrk(url: str, duration: int, connections: int, headers: dict[str, str] | None = None) -> tuple[float, int, int]:
    """Requests per second, requests, and non-2xx/3xx responses + socket errors, from wrk."""
    header_args = [arg for name, value in {"User-Agent": USER_AGENT, **(headers or {})}.items()
                   for arg in ("-H", f"{name}: {value}")]  # fmt: skip
    out = subprocess.run(  # noqa: S603 - fixed command
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", *header_args, url],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if errors:
        bad += sum(int(n) for n in errors.groups())
    return rate, requests, bad
