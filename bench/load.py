#!/usr/bin/env python
"""A mixed load on the running site, in the embedded and the scaled mode, with the demo data and
with ten times as much (``make bench-load``; ``make bench-load ARGS=--short`` for a smoke run).

For each mode, on loopback:

1. a fresh server, prepared and started the way ``make run`` / ``make run-scaled`` do it
   (embedded: a new temporary var folder, its broker folders, ``migrate``, ``load_demo``, then
   ``bin/run``: gunicorn with 2 workers, the filesystem broker, a Celery worker and beat, SQLite.
   Scaled: ``bin/run --scaled --prepare``, ``migrate``, ``load_demo`` into ``--database-url``,
   which is dropped and created again, then ``bin/run --scaled``: PostgreSQL, Redis broker and
   cache on ``--broker-url`` / ``--cache-url``, whose two Redis databases are emptied first,
   2 Celery workers and beat). Static files are not collected: the load opens no static file.
   ``PORTE_VOIX_TRUSTED_PROXY_HEADER=X-Forwarded-For`` is set, as behind the nginx of deploy/,
   and every simulated person sends an address of its own: the per-address limits (certificate
   lookups, 30 a minute) then count people, not the load generator;
2. bench learners are created (``bench/load_data.py``) and a short warm-up load runs (first
   requests import and compile what every later one reuses: memory is measured after it);
3. **demo**: web and worker memory (RSS summed over each process group: gunicorn master and
   workers; each Celery worker and its pool; beat), the rows, then ``--duration`` seconds of
   Locust (``bench/locustfile.py``, ``--users`` people), then the queue is drained and memory
   and rows are taken again;
4. **×10**: the demo grown ``--factor`` times through the product's services
   (``load_data.py grow``) while the same server runs, and the same load again.

Reported per run: requests per second, p50/p95/p99 per endpoint and overall, errors, memory
before/after and its growth (budget ≤ 50 MB per group), and "nothing lost": quiz starts and
submits answered 302 against the attempts started and submitted in the database, tracked-link
302s against the visits written. Everything goes to ``--out`` (JSON and the Locust CSVs) and
the summary to stdout. Exits 1 when a run had errors, lost or duplicated a row, or grew past
the memory budget; the figures are noisy on a shared machine, the checks are not.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psutil

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
MEMORY_BUDGET_MB = 50
DRAIN_TIMEOUT = 180
SETTLE_TIMEOUT = 600


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the server ------------------------------------------------------------------------------


def server_env(args: argparse.Namespace, mode: str, var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"}}
    env.update(
        PORTE_VOIX_VAR_DIR=str(var),
        PORT=str(args.port),
        WAGTAILADMIN_BASE_URL=f"http://localhost:{args.port}",
        PORTE_VOIX_TRUSTED_PROXY_HEADER="X-Forwarded-For",
        DJANGO_SETTINGS_MODULE="lms.settings.dev",
        PYTHONUNBUFFERED="1",
    )
    if mode == "scaled":
        env.update(DATABASE_URL=args.database_url, CELERY_BROKER_URL=args.broker_url, CACHE_URL=args.cache_url)
    return env


def run(command: list[str], env: dict[str, str], logfile: Path) -> str:
    with logfile.open("a") as out:
        out.write(f"$ {' '.join(command)}\n")
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)  # noqa: S603 - fixed commands
    with logfile.open("a") as out:
        out.write(done.stdout + done.stderr)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:3])} failed (status {done.returncode}), see {logfile}")
    return done.stdout


def fresh_scaled_services(args: argparse.Namespace) -> None:
    """Drop and create the bench's database, empty its two Redis databases."""
    import psycopg
    import redis
    from psycopg import sql

    parts = urlsplit(args.database_url)
    name = unquote(parts.path.lstrip("/"))
    with psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password or "") or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    for url in {args.broker_url, args.cache_url}:
        redis.Redis.from_url(url).flushdb()


def prepare(args: argparse.Namespace, mode: str, env: dict[str, str], var: Path, logfile: Path) -> None:
    """What ``make run`` / ``make run-scaled`` do before ``bin/run``."""
    if mode == "embedded":
        for folder in ("broker/queue", "broker/processed", "broker/control", "media"):
            (var / folder).mkdir(parents=True, exist_ok=True)
    else:
        (var / "media").mkdir(parents=True, exist_ok=True)
        run([PYTHON, "bin/run", "--scaled", "--prepare"], env, logfile)
        fresh_scaled_services(args)
    log(f"{mode}: migrate")
    run([PYTHON, "manage.py", "migrate", "--noinput"], env, logfile)
    log(f"{mode}: load_demo")
    run([PYTHON, "manage.py", "load_demo"], env, logfile)


def get(url: str, timeout: float = 5) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - our own loopback server
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return 0


def start_server(args: argparse.Namespace, mode: str, env: dict[str, str], logfile: Path) -> subprocess.Popen:
    command = [PYTHON, "bin/run", *(["--scaled"] if mode == "scaled" else [])]
    out = logfile.open("a")
    server = subprocess.Popen(  # noqa: S603 - fixed command
        command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{args.port}"
    deadline = time.monotonic() + 120
    # /readyz answers 200 once the database and broker answer and a worker's heartbeat is fresh.
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"bin/run exited with status {server.returncode}, see {logfile}")
        if get(base + "/readyz") == 200:
            return server
        time.sleep(1)
    stop_server(server)
    raise RuntimeError(f"{base}/readyz did not answer 200 within 120 s, see {logfile}")


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM to bin/run (it stops its children), SIGKILL to its group after 40 s."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def memory_mb(server: subprocess.Popen) -> dict[str, float]:
    """RSS in MB of each of bin/run's children with everything below it: web (gunicorn master
    and workers), each Celery worker (main process and pool), beat."""
    groups: dict[str, float] = {}
    for child in psutil.Process(server.pid).children():
        try:
            line = " ".join(child.cmdline())
            processes = [child, *child.children(recursive=True)]
            rss = sum(p.memory_info().rss for p in processes if p.is_running())
        except psutil.NoSuchProcess:
            continue
        if "gunicorn" in line:
            name = "web"
        elif " beat" in line:
            name = "beat"
        else:
            name = "worker" + (line.split(" -n worker")[1].split("@")[0] if " -n worker" in line else "")
        groups[name] = round(groups.get(name, 0) + rss / 2**20, 1)
    return dict(sorted(groups.items()))


def queued(mode: str, var: Path, args: argparse.Namespace) -> int:
    if mode == "embedded":
        return sum(1 for entry in os.scandir(var / "broker" / "queue") if entry.name.endswith(".msg"))
    import redis

    client = redis.Redis.from_url(args.broker_url)
    return sum(int(client.llen(key)) for key in client.scan_iter(match="celery*") if client.type(key) == b"list")


def drain(mode: str, var: Path, args: argparse.Namespace) -> float:
    """Wait until the broker's queue is empty (and 3 s more for the tasks in hand); seconds."""
    started = time.monotonic()
    while time.monotonic() - started < DRAIN_TIMEOUT:
        if queued(mode, var, args) == 0:
            time.sleep(3)
            if queued(mode, var, args) == 0:
                return round(time.monotonic() - started, 1)
        time.sleep(1)
    raise RuntimeError(f"{mode}: {queued(mode, var, args)} messages still queued after {DRAIN_TIMEOUT} s")


def settle(mode: str, var: Path, args: argparse.Namespace, env: dict[str, str], logfile: Path) -> float:
    """Let the worker finish the background work the demo or ``grow`` left (certificate PDFs and
    emails: reconciliation enqueued now rather than at beat's next round), so that the run
    measures the load, not a backlog. Seconds taken."""
    started = time.monotonic()
    data(env, logfile, "reconcile")
    while time.monotonic() - started < SETTLE_TIMEOUT:
        if data(env, logfile, "counts")["certificates_without_pdf"] == 0:
            break
        time.sleep(3)
    else:
        log(f"{mode}: certificates still without a PDF after {SETTLE_TIMEOUT} s; measuring anyway")
    drain(mode, var, args)
    return round(time.monotonic() - started, 1)


# --- the load --------------------------------------------------------------------------------


def data(env: dict[str, str], logfile: Path, *command: str):
    return json.loads(run([PYTHON, str(BENCH / "load_data.py"), *command], env, logfile))


def locust(
    args: argparse.Namespace, env: dict[str, str], plan: Path, prefix: Path, *, users: int, seconds: int, logfile: Path
) -> None:
    command = [
        PYTHON, "-m", "locust", "-f", str(BENCH / "locustfile.py"), "--headless",
        "--host", f"http://127.0.0.1:{args.port}",
        "--users", str(users), "--spawn-rate", str(args.spawn_rate), "--run-time", f"{seconds}s",
        # Users finish the task in hand when the time is up: a submit that was sent is counted.
        "--stop-timeout", "60",
        "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0",
    ]  # fmt: skip
    locust_env = {
        **env,
        "LOAD_PLAN": str(plan),
        "LOAD_KNOW_RATE": str(args.know_rate),
        "LOAD_FORWARDED": "1",
        "LOAD_REPORT": str(prefix.parent / f"{prefix.name}.stats.json"),
    }
    run(command, locust_env, logfile)


def read_stats(prefix: Path) -> dict:
    """What the locustfile wrote when Locust quit, every user stopped (see ``_report`` there)."""
    return json.loads((prefix.parent / f"{prefix.name}.stats.json").read_text())


def ok(stats: dict, name: str) -> int:
    row = stats["endpoints"].get(name)
    return 0 if row is None else row["requests"] - row["failures"]


def verdict(stats: dict, checks: dict[str, int], growth: dict[str, float]) -> list[str]:
    """What went wrong in a run: errors, rows lost or duplicated, memory past the budget."""
    problems = []
    errors = stats["endpoints"].get("Aggregated", {}).get("failures", 0)
    if errors:
        problems.append(f"{errors} errors")
    for answered, written in (
        ("quiz starts 302", "attempts started"),
        ("quiz submits 302", "attempts submitted"),
        ("tracked links 302", "visits written"),
    ):
        if checks[answered] != checks[written]:
            problems.append(f"{answered} {checks[answered]} but {written} {checks[written]}")
    problems += [f"{name} grew {mb} MB" for name, mb in growth.items() if mb > MEMORY_BUDGET_MB]
    return problems


def one_run(label, args, mode, env, var, plan, server, out: Path, logfile: Path) -> dict:
    before_rows = data(env, logfile, "counts")
    before_memory = memory_mb(server)
    load_before = round(os.getloadavg()[0], 1)
    log(f"{mode} {label}: {args.duration} s, {args.users} users; memory before {before_memory}")
    prefix = out / f"{mode}-{label}"
    locust(args, env, plan, prefix, users=args.users, seconds=args.duration, logfile=logfile)
    drained = drain(mode, var, args)
    after_memory = memory_mb(server)
    load_after = round(os.getloadavg()[0], 1)
    added = data(env, logfile, "added", json.dumps(before_rows))
    stats = read_stats(prefix)
    growth = {name: round(after_memory.get(name, 0) - mb, 1) for name, mb in before_memory.items()}
    checks = {
        "quiz starts 302": ok(stats, "quiz start"),
        "attempts started": added["attempts_started"],
        "quiz submits 302": ok(stats, "quiz submit"),
        "attempts submitted": added["attempts_submitted"],
        "tracked links 302": ok(stats, "/s/[code]"),
        "visits written": added["visits"],
    }
    problems = verdict(stats, checks, growth)
    result = {
        "mode": mode,
        "data": label,
        "rows_before": before_rows,
        "seconds": args.duration,
        "users": args.users,
        # The machine's 1-minute load average around the run: figures are only comparable
        # between runs on an equally busy machine.
        "load_average": [load_before, load_after],
        "stats": stats,
        "memory_before_mb": before_memory,
        "memory_after_mb": after_memory,
        "memory_growth_mb": growth,
        "drained_in_s": drained,
        "nothing_lost": checks,
        "problems": problems,
    }
    (out / f"{mode}-{label}.json").write_text(json.dumps(result, indent=2))
    print_run(result)
    return result


def bench_mode(args: argparse.Namespace, mode: str, out: Path) -> list[dict]:
    var = Path(tempfile.mkdtemp(prefix=f"porte-voix-load-{mode}-"))
    logfile = out / f"{mode}.log"
    env = server_env(args, mode, var)
    results = []
    try:
        prepare(args, mode, env, var, logfile)
        learners = data(env, logfile, "learners", str(args.users * 3))
        targets = data(env, logfile, "targets")
        plans = []
        for n, label in enumerate(("warm-up", "demo", f"x{args.factor}")):
            plan = out / f"{mode}-{label}-plan.json"
            slice_ = learners[n * args.users : (n + 1) * args.users]
            plan.write_text(json.dumps({**targets, "learners": slice_, "password": args.password}))
            plans.append(plan)
        log(f"{mode}: starting bin/run on port {args.port}")
        server = start_server(args, mode, env, logfile)
        try:
            log(f"{mode}: warm-up, {args.warmup} s")
            locust(
                args, env, plans[0], out / f"{mode}-warm-up", users=min(args.users, 10), seconds=args.warmup,
                logfile=logfile,
            )  # fmt: skip
            log(f"{mode}: background work of the demo settled in {settle(mode, var, args, env, logfile)} s")
            results.append(one_run("demo", args, mode, env, var, plans[1], server, out, logfile))
            log(f"{mode}: growing the demo x{args.factor} on the running server")
            grown = data(env, logfile, "grow", str(args.factor))
            log(f"{mode}: rows now {grown}")
            log(f"{mode}: background work of the growth settled in {settle(mode, var, args, env, logfile)} s")
            results.append(one_run(f"x{args.factor}", args, mode, env, var, plans[2], server, out, logfile))
        finally:
            stop_server(server)
    finally:
        if not args.keep:
            shutil.rmtree(var, ignore_errors=True)
    return results


# --- the report ------------------------------------------------------------------------------


def print_run(result: dict) -> None:
    endpoints = result["stats"]["endpoints"]
    print(
        f"\n== {result['mode']}, {result['data']} data: {result['users']} users, {result['seconds']} s "
        f"(machine load average {result['load_average'][0]} before, {result['load_average'][1]} after, "
        f"{os.cpu_count()} cores)"
    )
    print(f"{'endpoint':<28}{'requests':>9}{'errors':>7}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}  (ms)")
    for name, row in endpoints.items():
        print(
            f"{name:<28}{row['requests']:>9}{row['failures']:>7}{row['rps']:>8}"
            f"{row['p50'] or 0:>7.0f}{row['p95'] or 0:>7.0f}{row['p99'] or 0:>7.0f}"
        )
    for failure in result["stats"]["failures"]:
        print(f"  error x{failure['occurrences']}: {failure['name']}: {failure['error']}")
    print(
        "memory MB before/after/growth: "
        + ", ".join(
            f"{name} {mb}/{result['memory_after_mb'].get(name, 0)}/{result['memory_growth_mb'][name]:+}"
            for name, mb in result["memory_before_mb"].items()
        )
    )
    print(f"queue drained in {result['drained_in_s']} s after the load")
    print("nothing lost: " + ", ".join(f"{k} {v}" for k, v in result["nothing_lost"].items()))
    print("verdict: " + ("; ".join(result["problems"]) if result["problems"] else "ok"))


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=("embedded", "scaled", "both"), default="both")
    parser.add_argument("--duration", type=int, default=60, help="seconds of each measured load")
    parser.add_argument("--users", type=int, default=40, help="simulated people at once")
    parser.add_argument("--spawn-rate", type=float, default=4, help="people arriving per second")
    parser.add_argument("--warmup", type=int, default=15, help="seconds of warm-up before measuring")
    parser.add_argument("--factor", type=int, default=10, help="how many times the demo for the second run")
    parser.add_argument("--know-rate", type=float, default=0.4, help="share of learners who studied (pass)")
    parser.add_argument("--short", action="store_true", help="smoke run: 15 s, 10 users, factor 2, 5 s warm-up")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8220")))
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL", ""))
    parser.add_argument("--broker-url", default=os.environ.get("LOAD_BROKER_URL", ""))
    parser.add_argument("--cache-url", default=os.environ.get("LOAD_CACHE_URL", ""))
    parser.add_argument("--password", default=os.environ.get("DEMO_PASSWORD") or "porte-voix-demo")
    parser.add_argument("--out", type=Path, default=None, help="report folder (default var/bench-load/<time>)")
    parser.add_argument("--keep", action="store_true", help="keep the embedded var folder")
    args = parser.parse_args(argv)
    if args.short:
        args.duration, args.users, args.factor, args.warmup = 15, 10, 2, 5
    if args.mode in {"scaled", "both"}:
        problems = [
            name
            for name, value, schemes in (
                ("--database-url", args.database_url, {"postgres", "postgresql"}),
                ("--broker-url", args.broker_url, {"redis"}),
                ("--cache-url", args.cache_url, {"redis"}),
            )
            if urlsplit(value).scheme not in schemes
        ]
        if problems:
            parser.error(f"the scaled mode needs {', '.join(problems)} (a disposable database and Redis databases)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)
    out = args.out or ROOT / "var" / "bench-load" / time.strftime("%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    log(f"reports in {out}; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    results = []
    for mode in ("embedded", "scaled") if args.mode == "both" else (args.mode,):
        results += bench_mode(args, mode, out)
    (out / "summary.json").write_text(json.dumps(results, indent=2))
    bad = [f"{r['mode']} {r['data']}: {'; '.join(r['problems'])}" for r in results if r["problems"]]
    print("\n" + ("\n".join(bad) if bad else "every run: no error, nothing lost, memory within budget"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
