"""Scale-out benchmark: the shop served twice (two gunicorn instances, ports 8093 and 8094) on one Postgres and one
Redis page cache, both loaded at once with wrk; then a stock movement made through instance A, and how soon
instance B stops serving the stale page.

Run from the repository root, services up: `.venv/bin/python bench/scaleout.py [--duration S] [--workers 1|2]`.
From another benchmark (Django set up on comptoir_bench, as bench/run.py does): `scaleout_report(report)`.
See bench/README.md; the report is also saved to bench/results/scaleout-latest.txt.
"""

import argparse
import http.cookiejar
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run as base  # noqa: E402  (the catalogue benchmark: database, gunicorn, wrk, report helpers)

BenchError = base.BenchError
REPORT_PATH = base.RESULTS / "scaleout-latest.txt"
INSTANCES = {"A": 8093, "B": 8094}
CONNECTIONS = 8  # per instance: 16 in all, as the catalogue benchmark
LOADED_PAGES = ("category", "product")
STAFF_USERNAME = "bench-scaleout"  # a Warehouse staff member of the bench database, new password each run
LOW_COUNT = 3  # the shelf count the movement sets: the product page then says "Only 3 left"
POLL_LIMIT = 50  # requests to B before giving up on seeing the new page
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Instance:
    name: str
    port: int
    master_pid: int = 0

    @property
    def url(self) -> str:
        return f"http://{base.HOST}:{self.port}"


# --- two gunicorn instances ----------------------------------------------------------------------------------


def get(url: str, opener=None) -> tuple[int, str]:
    try:
        with (opener or urllib.request.build_opener()).open(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode(errors="replace")


def instance_wait(instance: Instance, process: subprocess.Popen, log: Path, timeout: float = 30.0) -> None:
    base.server_wait(process, log, "/", timeout, port=instance.port, name=f"gunicorn {instance.name}")


@contextmanager
def instance_serving(instance: Instance, workers: int) -> Iterator[None]:
    log = base.RESULTS / f"gunicorn-scaleout-{instance.name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [str(base.VENV_BIN / "gunicorn"), "shop.wsgi", "-w", str(workers), "-b", f"{base.HOST}:{instance.port}"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=base.django_env(base.REDIS_CACHE_URL), stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        instance.master_pid = process.pid
        instance_wait(instance, process, log)
        yield
    finally:
        base.process_stop(process)


# --- both loaded at once -------------------------------------------------------------------------------------


def wrk_start(url: str, duration: int) -> subprocess.Popen:
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency", url]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wrk_result(process: subprocess.Popen, url: str) -> base.WrkResult:
    """wrk_run's checks, for a wrk started with wrk_start (wrk_run loads the catalogue benchmark's own port)."""
    out, err = process.communicate()
    if process.returncode != 0:
        raise BenchError(f"wrk {url} failed:\n{out}{err}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        raise BenchError(f"{bad.group(1)} responses of {url} were not 2xx/3xx; wrk's output:\n{out}")
    return base.wrk_parse(out)


def load_both(report, instances: list[Instance], pages: list, duration: int) -> None:
    report(f"  {'page':<10} {'instance':<10} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'CPU ms/req':>11}")
    for page in pages:
        for instance in instances:  # warm: each worker renders its templates once
            for _ in range(base.WARMUP_REQUESTS):
                status, _body = get(instance.url + page.path)
                if status != 200:
                    raise BenchError(f"GET {page.path} answered {status} on {instance.name}, expected 200.")
        cpu_before = [base.workers_cpu_seconds(i.master_pid) for i in instances]
        urls = [i.url + page.path for i in instances]
        running = [wrk_start(url, duration) for url in urls]
        results = [wrk_result(process, url) for process, url in zip(running, urls, strict=True)]
        for instance, result, before in zip(instances, results, cpu_before, strict=True):
            cpu_ms = (base.workers_cpu_seconds(instance.master_pid) - before) * 1000 / max(result.requests, 1)
            errors = f"   ({result.socket_errors} socket errors)" if result.socket_errors else ""
            report(f"  {page.name:<10} {instance.name + ' :' + str(instance.port):<10} {result.requests_per_s:>9.1f} "
                   f"{result.p50_ms:>9.2f} {result.p99_ms:>9.2f} {cpu_ms:>11.2f}{errors}")
        report(f"  {page.name:<10} {'A + B':<10} {sum(r.requests_per_s for r in results):>9.1f}")


# --- a stock movement through A, seen from B -----------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def staff_password_reset() -> str:
    """The benchmark's Warehouse staff member (created once), with a new random password."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from staff.roles import WAREHOUSE

    user, _created = get_user_model().objects.get_or_create(username=STAFF_USERNAME, defaults={"is_staff": True})
    password = secrets.token_urlsafe(16)
    user.set_password(password)
    user.is_staff = user.is_active = True
    user.save()
    user.groups.add(Group.objects.get(name=WAREHOUSE))
    return password


def staff_sign_in(instance: Instance, password: str):
    """The admin's sign-in form on this instance; returns the signed-in browser (redirects not followed)."""
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                          _NoRedirect())
    _status, form = get(instance.url + "/admin/login/", browser)
    status, _body = post(browser, instance.url + "/admin/login/?next=/admin/",
                         {"csrfmiddlewaretoken": CSRF_INPUT.search(form).group(1), "username": STAFF_USERNAME,
                          "password": password, "next": "/admin/"})
    if status != 302:
        raise BenchError(f"The bench staff member could not sign in to the admin on {instance.name} (HTTP {status}).")
    return browser


def post(browser, url: str, data: dict) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode()
    try:
        with browser.open(urllib.request.Request(url, data=body), timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode(errors="replace")


def count_correction(browser, instance: Instance, *, sku: str, location_id: int, counted: int) -> float:
    """Record a count correction in the admin of this instance; returns the POST's duration in ms."""
    form_url = instance.url + "/admin/inventory/stock/record/correction/"
    status, form = get(form_url, browser)
    token = CSRF_INPUT.search(form) if status == 200 else None
    if token is None:
        raise BenchError(f"The count correction form on {instance.name} answered {status} without a form.")
    started = time.perf_counter()
    status, body = post(browser, form_url, {"csrfmiddlewaretoken": token.group(1), "variant": sku,
                                            "location": location_id, "counted": counted,
                                            "reason": "scale-out benchmark"})
    elapsed = (time.perf_counter() - started) * 1000
    if status != 302:  # the form again: refused
        errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', body, re.S)
        raise BenchError(f"The count correction on {instance.name} was refused (HTTP {status}): {errors}")
    return elapsed


def until_served(instance: Instance, path: str, fresh) -> tuple[int, float]:
    """Anonymous GETs of path on instance until fresh(body); returns (requests, ms since the first one began)."""
    started = time.perf_counter()
    for n in range(1, POLL_LIMIT + 1):
        status, body = get(instance.url + path)
        if status == 200 and fresh(body):
            return n, (time.perf_counter() - started) * 1000
    raise BenchError(f"{instance.name} still served the stale {path} after {POLL_LIMIT} requests.")


def low_text(count: int) -> str:
    return f"Only {count} left"


def movement_report(report, a: Instance, b: Instance, product_path: str) -> None:
    """Count the product's shelf down to LOW_COUNT through A, see B's page change, count it back through A."""
    from catalog.models import ProductVariant
    from inventory import services
    from inventory.models import Stock

    variant = ProductVariant.objects.get(sku=base.PRODUCT_SKU)
    stock = (Stock.objects.select_related("location").filter(variant=variant, location__ships_online=True)
             .order_by("location__priority").first())
    if stock is None or stock.reserved or stock.on_hand <= LOW_COUNT:
        raise BenchError(f"{base.PRODUCT_SKU} needs stock at a warehouse, well above {LOW_COUNT}, none reserved.")
    opening = stock.on_hand
    browser = staff_sign_in(a, staff_password_reset())
    try:
        for _ in range(2):  # B caches the page, then serves its copy
            status, body = get(b.url + product_path)
        if status != 200 or low_text(LOW_COUNT) in body:
            raise BenchError(f"B's product page before the movement: HTTP {status}, or already low stock.")
        steps = [
            (f"count {opening} -> {LOW_COUNT}", LOW_COUNT, lambda html: low_text(LOW_COUNT) in html),
            (f"count {LOW_COUNT} -> {opening} (restore)", opening, lambda html: low_text(LOW_COUNT) not in html),
        ]
        for label, counted, fresh in steps:
            post_ms = count_correction(browser, a, sku=variant.sku, location_id=stock.location_id, counted=counted)
            requests, ms = until_served(b, product_path, fresh)
            report(f"  {label:<24} through A ({post_ms:.0f} ms): stale page removed from B after {requests} "
                   f"request{'s' if requests > 1 else ''} / {ms:.1f} ms")
            if not fresh(get(b.url + product_path)[1]):  # the new page stays: B cached it again, not the old one
                raise BenchError("B went back to the stale page.")
    finally:
        stock.refresh_from_db()
        if stock.on_hand != opening:  # a failure half-way: put the count back, drop the pages built meanwhile
            services.stock_correct(variant=variant, location=stock.location, counted=opening,
                                   reason="scale-out benchmark: restore")
            base.redis_flush()
            report(f"  {base.PRODUCT_SKU} put back to {opening} units in-process, page cache flushed")


# --- main ----------------------------------------------------------------------------------------------------


def scaleout_report(report, duration: int = 10, workers: int = 1) -> None:
    """The scale-out part of a benchmark report. Expects comptoir_bench prepared (base.database_prepare) and
    Django set up on it (base.django_setup), as bench/run.py does; ports 8093 and 8094 free."""
    from django.apps import apps

    if not apps.ready:
        base.django_setup()
    for instance_port in INSTANCES.values():
        if base.port_open(instance_port):
            raise BenchError(f"Port {instance_port} is already in use: stop whatever listens there.")
    pages = [page for page in base.pages_find() if page.name in LOADED_PAGES]
    instances = [Instance(name, port) for name, port in INSTANCES.items()]
    report(f"Scale-out: two gunicorn instances ({workers} sync worker{'s' if workers > 1 else ''} each, "
           f"{', '.join(f'{i.name} on :{i.port}' for i in instances)}) on one Postgres ({base.DB_NAME}) and one "
           f"Redis page cache ({base.REDIS_CACHE_URL}, flushed); both loaded at once, wrk -t1 -c{CONNECTIONS} "
           f"-d{duration}s on each")
    base.redis_flush()
    with ExitStack() as stack:
        for instance in instances:
            stack.enter_context(instance_serving(instance, workers))
        load_both(report, instances, pages, duration)
        report(f"  A stock movement made through A (the admin's count correction of {base.PRODUCT_SKU}, by a "
               f"Warehouse staff member), then anonymous GETs of its product page on B:")
        product = next(page for page in pages if page.name == "product")
        movement_report(report, instances[0], instances[1], product.path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--workers", type=int, choices=(1, 2), default=1, help="gunicorn workers per instance")
    args = parser.parse_args()
    if args.duration < 1:
        parser.error("--duration must be at least 1 second")
    def body(report):
        report(f"comptoir scale-out benchmark, {datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs (wrk and both "
               f"instances share them), load average {os.getloadavg()[0]:.2f} at start")
        if not base.port_open(base.PG_PORT) or not base.port_open(base.REDIS_PORT):
            raise BenchError("PostgreSQL (5432) and Redis (6379) must be running: scripts/ensure-services.sh.")
        base.wrk_ensure(report)
        base.database_prepare(report)
        base.django_setup()
        report()
        scaleout_report(report, args.duration, args.workers)

    return base.report_run(REPORT_PATH, body)[0]


if __name__ == "__main__":
    sys.exit(main())
