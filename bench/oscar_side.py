"""The django-oscar 4.2.1 side of the benchmark: the same pages of the same catalogue, served the same way.

For bench/run.py: `prepare`, `pages`, `query_counts` (and `search_cpu_ms`), `serving`, `warm`, `load_page` (wrk
and the workers' CPU through run.py's own helpers), raising `OscarUnavailable` when Oscar cannot be had. The Oscar
shop lives in bench/oscar/ with a virtualenv of its own (bench/oscar/build.sh builds it); this module runs in
comptoir's virtualenv, needs only the standard library, and drives Oscar through subprocesses. On its own, it
measures Oscar's pages:

    .venv/bin/python -m bench.oscar_side [--duration SECONDS] [--port PORT]
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OSCAR_DIR = ROOT / "bench" / "oscar"
BUILD_SCRIPT = OSCAR_DIR / "build.sh"
OSCAR_BIN = OSCAR_DIR / ".venv" / "bin"
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"
DEFAULT_PORT = 8097
WORKERS = 2  # gunicorn sync workers, as for comptoir
BUILD_TIMEOUT = 1200  # seconds: the first build installs the packages and indexes the catalogue
WRK_TIMEOUT_S = 30  # see load_page
WARMUP_REQUESTS = 4  # per page, so that each worker has rendered its templates and thumbnails once


class OscarUnavailable(Exception):
    """The Oscar side cannot be built or served (no PyPI, no Postgres, ...): the message says why."""


def _oscar_env() -> dict[str, str]:
    """The environment of Oscar's processes: comptoir's Django settings and paths must not leak into them."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"PYTHONPATH", "DATABASE_URL", "CACHE_URL", "VIRTUAL_ENV"}}
    env["DJANGO_SETTINGS_MODULE"] = "oscarbench.settings"
    return env


def _tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def prepare(report: Callable[[str], None]) -> None:
    """Build or update the Oscar shop (virtualenv, database oscar_bench, catalogue, search index, static files)."""
    started = time.monotonic()
    try:
        done = subprocess.run(["bash", str(BUILD_SCRIPT)], env=_oscar_env(), capture_output=True, text=True,
                              timeout=BUILD_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        raise OscarUnavailable(f"bench/oscar/build.sh did not finish within {BUILD_TIMEOUT} s") from exc
    except OSError as exc:
        raise OscarUnavailable(f"cannot run bench/oscar/build.sh: {exc}") from exc
    output = _tail(done.stdout + done.stderr)
    if done.returncode == 3:
        raise OscarUnavailable(f"pip could not install django-oscar 4.2.1 (is PyPI reachable?):\n{output}")
    if done.returncode != 0:
        raise OscarUnavailable(f"bench/oscar/build.sh failed (exit status {done.returncode}):\n{output}")
    for line in done.stdout.strip().splitlines():
        report(f"  {line}")
    report(f"Oscar 4.2.1 ready in {time.monotonic() - started:.0f} s (bench/oscar/build.sh)")


def _manage(*args: str) -> str:
    """Stdout of `manage.py ARGS` in Oscar's virtualenv."""
    python = OSCAR_BIN / "python"
    if not python.exists():
        raise OscarUnavailable("bench/oscar/.venv does not exist: prepare() (bench/oscar/build.sh) builds it")
    command = [str(python), "-W", "ignore::Warning:haystack.backends", "manage.py", *args]
    done = subprocess.run(command, cwd=OSCAR_DIR, env=_oscar_env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise OscarUnavailable(f"manage.py {' '.join(args)} failed in bench/oscar:\n{_tail(done.stdout + done.stderr)}")
    return done.stdout


@cache
def _probe() -> dict:
    """Paths, SQL queries and in-process CPU of each page (manage.py bench_probe --queries), once per run."""
    return json.loads(_manage("bench_probe", "--queries"))


@cache
def pages() -> dict[str, str]:
    """Paths of the compared pages: the Books category (page 1), product SKU-00001, and a bare view (the floor)."""
    return json.loads(_manage("bench_probe"))["pages"]


def query_counts() -> dict[str, int]:
    """SQL queries of each page, counted in-process with Django's test client (a GET without cookies once the
    caches are warm: what wrk sees). ATOMIC_REQUESTS' BEGIN and COMMIT count: they are round trips."""
    return _probe()["queries"]


def search_cpu_ms() -> dict[str, float]:
    """In-process CPU ms per request spent in Haystack's Whoosh search, of the page's whole CPU (cpu_ms()): the part
    that Oscar's recommended Solr would do in its own process, outside the gunicorn workers."""
    return _probe()["search_ms"]


def cpu_ms() -> dict[str, float]:
    """In-process CPU ms per request of each page (the test client's, without gunicorn)."""
    return _probe()["cpu_ms"]


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


def _wait_ready(process: subprocess.Popen, port: int, log: Path, timeout: float = 60.0) -> None:
    _bench_run().server_wait(process, log, pages()["bare"], timeout, port=port, name="Oscar's gunicorn",
                             error=OscarUnavailable)


@contextmanager
def serving(port: int = DEFAULT_PORT) -> Iterator[int]:
    """Serve Oscar with gunicorn (2 sync workers) on 127.0.0.1:PORT; yields the master's pid, always stops it."""
    if _port_open(port):
        raise OscarUnavailable(f"port {port} is already in use: stop whatever listens there (a previous run?)")
    log = RESULTS / "gunicorn-oscar.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [str(OSCAR_BIN / "gunicorn"), "oscarbench.wsgi", "-w", str(WORKERS), "-b", f"{HOST}:{port}",
               "--no-control-socket"]  # gunicorn 27 would share ~/.gunicorn/gunicorn.ctl with comptoir's
    with log.open("wb") as out:
        try:
            process = subprocess.Popen(command, cwd=OSCAR_DIR, env=_oscar_env(), stdout=out, stderr=subprocess.STDOUT)
        except OSError as exc:
            raise OscarUnavailable(f"cannot start Oscar's gunicorn: {exc}") from exc
        try:
            _wait_ready(process, port, log)
            yield process.pid
        finally:
            _bench_run().process_stop(process)


def warm(port: int) -> None:
    """Request each page a few times, so that both workers have loaded their templates and thumbnails."""
    for path in pages().values():
        for _ in range(WARMUP_REQUESTS):
            status = _bench_run().http_get(path, port=port)
            if status != 200:
                raise OscarUnavailable(f"GET {path} answered {status} from Oscar's gunicorn, expected 200")


# --- the standalone measurement, with bench/run.py's helpers -----------------------------------------------------


def _bench_run():
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench import run

    return run


def _workers_settle(run, master_pid: int, timeout: float = 60.0) -> float:
    """Workers' CPU seconds once they are idle again. When wrk stops, each of its connections still has a request
    queued: the workers serve them after wrk has gone (about a second per connection on Oscar's category page). Their
    CPU belongs to this page, not to the next one."""
    deadline = time.monotonic() + timeout
    cpu = run.workers_cpu_seconds(master_pid)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = run.workers_cpu_seconds(master_pid)
        if now - cpu < 0.02:
            return now
        cpu = now
    return cpu


def load_page(run, master_pid: int, path: str, duration: int, port: int = DEFAULT_PORT):
    """wrk on one page of the running Oscar (`serving`, then `warm`): (bench.run.WrkResult, worker CPU ms/request).

    wrk waits up to WRK_TIMEOUT_S for an answer: under 16 connections Oscar's category page queues for seconds, and
    wrk's 2 s default would drop most of its requests (served all the same, uncounted). The CPU is counted until the
    workers are idle again, and divided by every request they served: wrk's, plus the one each connection still had
    queued when wrk stopped, plus any wrk gave up on (its socket errors)."""
    cpu_before = _workers_settle(run, master_pid)
    result = run.wrk_run(path, duration, port=port, timeout_s=WRK_TIMEOUT_S)
    cpu = _workers_settle(run, master_pid) - cpu_before
    return result, cpu * 1000 / (result.requests + result.socket_errors + run.CONNECTIONS)


def measure(report: Callable[[str], None], duration: int, port: int = DEFAULT_PORT) -> None:
    run = _bench_run()
    run.wrk_ensure(report)
    prepare(report)
    counts, search = query_counts(), search_cpu_ms()
    report()
    report(f"django-oscar 4.2.1: wrk -t{run.THREADS} -c{run.CONNECTIONS} -d{duration}s, gunicorn {WORKERS} sync "
           f"workers on {HOST}:{port}")
    report(f"  {'page':<10} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'CPU ms/req':>11} {'SQL':>5} "
           f"{'search ms':>10}  path")
    with serving(port) as master_pid:
        warm(port)
        for name, path in pages().items():
            result, cpu_ms_per_request = load_page(run, master_pid, path, duration, port)
            errors = f"   ({result.socket_errors} socket errors)" if result.socket_errors else ""
            report(f"  {name:<10} {result.requests_per_s:>9.1f} {result.p50_ms:>9.2f} {result.p99_ms:>9.2f} "
                   f"{cpu_ms_per_request:>11.2f} {counts[name]:>5} {search[name]:>10.1f}  {path}{errors}")
    report("  CPU ms/req: the gunicorn workers' CPU per request. SQL: queries per request (in-process, caches warm).")
    report("  search ms: of that CPU, the in-process time in Haystack's Whoosh search (Oscar's sandbox index), which")
    report("  Oscar's recommended Solr would spend in its own process instead.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"Oscar's port (default {DEFAULT_PORT})")
    args = parser.parse_args()
    run = _bench_run()
    report = run.Report()
    report(f"django-oscar side of the benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, "
           f"load average {os.getloadavg()[0]:.2f} at start")
    try:
        measure(report, args.duration, args.port)
    except (OscarUnavailable, run.BenchError) as exc:
        report(f"oscar: FAILED: {exc}")
        return 1
    finally:
        report.save(RESULTS / "oscar-latest.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
