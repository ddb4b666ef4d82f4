"""What the request-metrics middleware (monitoring.middleware.RequestMetricsMiddleware) adds to a request's CPU time.

Run from the repository root: `.venv/bin/python bench/site_metrics.py [--requests 20000] [--rounds 7]`.
No service needed: requests go through Django's WSGI handler in this process, to a view that returns "ok"
(bench.bare_urls), with and without the middleware, and the flush writes to a throwaway SQLite file.

1. The middleware's own work: its __call__ around a view that returns a response made beforehand, timed alone (the
   least noisy figure: nothing else runs in the loop).
2. Bare: the middleware alone against no middleware at all, through the WSGI handler.
3. The shop's middleware (settings.MIDDLEWARE) with and without it: the same cost seen inside a real request.
4. The flush: one INSERT … ON CONFLICT of 50 pages' counts, and what it adds per request spread over the requests
   of one flush interval at a quiet 5 requests per second (every SHOP_MONITORING_FLUSH_SECONDS per process).

CPU time is this process's (time.process_time); each figure is the best of many slices, as the other processes on
the machine only ever add to it. The target (issue 16): at most 0.2 ms of CPU per request.

bench/run.py can call site_metrics_report(report), which runs this script in its own process (it sets Django up
with its own settings) and passes each printed line to `report`.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 0.2
METRICS_MIDDLEWARE = "monitoring.middleware.RequestMetricsMiddleware"
CHUNK = 1_000  # requests per timed slice
FLUSH_PAGES = 50
QUIET_RATE = 5  # requests per second per process, to spread a flush over


def django_setup(database: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bare_settings"
    os.environ.setdefault("SECRET_KEY", "comptoir-bench-site-metrics-only-" + "x" * 32)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["SHOP_MONITORING_FLUSH_SECONDS"] = "0"  # the loops measure counting; the flush is timed apart
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()


def handler_with(middleware: list[str]):
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    with override_settings(MIDDLEWARE=middleware):
        return WSGIHandler()  # builds its middleware chain now, from the settings of the moment


def environ() -> dict:
    from django.test import RequestFactory

    return RequestFactory()._base_environ(PATH_INFO="/bare/", REQUEST_METHOD="GET", SERVER_NAME="127.0.0.1",
                                          HTTP_HOST="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip")


def cpu_us_per_request(handler, base: dict, requests: int) -> float:
    def start_response(status, headers, exc_info=None):
        assert status.startswith("200"), status

    started = time.process_time()
    for _ in range(requests):
        response = handler(base.copy(), start_response)
        for _chunk in response:
            pass
        response.close()
    return (time.process_time() - started) / requests * 1_000_000


def compare(label: str, middleware: list[str], requests: int, rounds: int) -> float:
    """CPU µs per request without and with the metrics middleware (first, as in settings); returns the difference.
    Each round sends `requests` requests to each handler in alternating slices of CHUNK, and each figure is the best
    slice of all rounds: a busy moment of the machine (other processes, its CPU's clock) then weighs on both alike
    and is left out of both."""
    from monitoring.recorder import recorder

    without, with_metrics = handler_with(middleware), handler_with([METRICS_MIDDLEWARE, *middleware])
    base = environ()
    cpu_us_per_request(without, base, 500)  # warm both up: imports, URL resolver, translations
    cpu_us_per_request(with_metrics, base, 500)
    best_without = best_with = float("inf")
    for _ in range(rounds):
        for _slice in range(max(requests // CHUNK, 1)):
            best_without = min(best_without, cpu_us_per_request(without, base, CHUNK))
            best_with = min(best_with, cpu_us_per_request(with_metrics, base, CHUNK))
        recorder.clear()
    added = best_with - best_without
    print(f"{label}: {best_without:8.1f} µs without, {best_with:8.1f} µs with the middleware: "
          f"{added:+.1f} µs CPU per request")
    return added


def own_work_us(requests: int, rounds: int) -> float:
    """Best-of-rounds CPU µs of the middleware's __call__ alone, on a request resolved to a URL name."""
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.urls import resolve

    from monitoring.middleware import RequestMetricsMiddleware
    from monitoring.recorder import recorder

    request, response = RequestFactory().get("/bare/"), HttpResponse("ok")
    request.resolver_match = resolve("/bare/")
    middleware = RequestMetricsMiddleware(lambda request: response)
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for _request in range(requests):
            middleware(request)
        best = min(best, (time.process_time() - started) / requests * 1_000_000)
        recorder.clear()
    print(f"the middleware's own work: {best:.2f} µs CPU per request")
    return best


def flush_cost_ms(rounds: int) -> float:
    """Best-of-rounds CPU ms of one flush of FLUSH_PAGES pages' counts (the rows exist: each flush adds to them)."""
    from django.core.management import call_command

    from monitoring.recorder import Recorder

    call_command("migrate", "monitoring", verbosity=0)
    recorder, at = Recorder(), time.time()
    best = float("inf")
    for _ in range(rounds + 1):  # the first flush inserts the rows, the others add to them, as at every interval
        for page in range(FLUSH_PAGES):
            for _request in range(10):
                recorder.record(f"bench:page_{page}", 200, 0.012, at=at)
        started = time.process_time()
        assert recorder.flush() == FLUSH_PAGES
        best = min(best, (time.process_time() - started) * 1000)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20_000, help="requests per round (default 20,000)")
    parser.add_argument("--rounds", type=int, default=7, help="rounds; the best is kept (default 7)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="comptoir-site-metrics-") as folder:
        django_setup(Path(folder) / "bench.sqlite3")
        from django.conf import settings

        shop_middleware = [name for name in settings.MIDDLEWARE if name != METRICS_MIDDLEWARE]
        print(f"Request metrics middleware: CPU per request, best slice of {CHUNK:,} in {args.rounds} rounds of "
              f"{args.requests:,} requests to a view returning 'ok' (Python {sys.version.split()[0]}, "
              f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f})")
        own = own_work_us(args.requests * 5, args.rounds)
        bare = compare("bare Django        ", [], args.requests, args.rounds)
        shop = compare("the shop's stack   ", shop_middleware, args.requests, args.rounds)
        flush_ms = flush_cost_ms(args.rounds)
        interval = float(os.environ.get("BENCH_FLUSH_SECONDS", 10))
        per_request_us = flush_ms * 1000 / (interval * QUIET_RATE)
        print(f"flush of {FLUSH_PAGES} pages' counts (SQLite): {flush_ms:.2f} ms CPU, every {interval:g} s per "
              f"process: {per_request_us:.1f} µs per request at {QUIET_RATE} requests/s (less when busier)")
        worst_ms = (max(own, bare, shop) + per_request_us) / 1000
        verdict = "met" if worst_ms <= TARGET_MS else "NOT MET"
        print(f"target: the middleware adds at most {TARGET_MS} ms of CPU per request: {worst_ms:.4f} ms, {verdict}")
    return 0


def site_metrics_report(report) -> None:
    """For bench/run.py: run this script in its own process, passing each line it prints to `report`."""
    result = subprocess.run([sys.executable, str(Path(__file__).resolve())], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    for line in (result.stdout + result.stderr).splitlines():
        report(line)


if __name__ == "__main__":
    sys.exit(main())
