"""Load benchmark of the checkout: concurrent shoppers on gunicorn + Postgres placing orders until the hot SKUs sell
out, then a check that not one unit was oversold.

Run from the repository root: `make bench` (after the catalogue benchmark), or
`.venv/bin/python bench/orders.py [--duration SECONDS] [--clients N]`.
See bench/README.md ("Benchmark of the checkout") for what it measures; the report is also saved to
bench/results/orders-latest.txt.

wrk cannot follow a multi-step flow with cookies and CSRF tokens, so the shoppers are Python threads with urllib and
a cookie jar each: no dependency beyond the standard library.
"""

import argparse
import http.cookiejar
import os
import random
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run as base  # noqa: E402  (the catalogue benchmark: database, gunicorn, report helpers)

BenchError = base.BenchError
REPORT_PATH = base.RESULTS / "orders-latest.txt"

# The benchmark's own SKUs, created once in the bench database and put back to these stock levels before each run.
SKU_PREFIX = "BENCH-ORD-"
HOT_STOCK = (6, 12, 24, 48)  # units at the warehouse: every shopper wants one of these, they sell out
COOL_SKUS, COOL_STOCK = 12, 100_000  # always in stock: the second item of about half the carts
HOT_PRICE, COOL_PRICE = Decimal("49.00"), Decimal("12.50")
BENCH_CATEGORY = "toys"  # a top category of the demo shop, not one the catalogue benchmark loads
EMAIL_DOMAIN = "bench.example.com"

ADDRESS = {"phone": "", "ship_name": "Bench Shopper", "ship_address": "100 8 Ave SW", "ship_city": "Calgary",
           "ship_province": "AB", "ship_postal_code": "T2P 1J9", "payment_method": "cheque"}
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEEN_TOTAL = re.compile(r'name="seen_total" value="([^"]+)"')
SOLD_OUT_TEXT = "is out of stock online"  # the cart's message when a SKU sold out before it could be added
REQUEST_TIMEOUT = 30
PLACE = "place order"
STEPS = ["product page", "add to cart", "checkout form", "send details", "review", PLACE]


# --- bench SKUs and their reset (in-process Django on the bench database) -------------------------------------


@dataclass(frozen=True)
class Sku:
    variant_id: int
    sku: str
    url: str
    stock: int
    hot: bool


def skus_ensure() -> list[Sku]:
    """The benchmark's products, created on first use (idempotent), each with one SKU."""
    from catalog.models import Category, Product, ProductVariant

    category = Category.objects.filter(slug=BENCH_CATEGORY, parent=None).first()
    if category is None:
        raise BenchError(f"The bench database has no '{BENCH_CATEGORY}' category: is it seeded?")
    wanted = [(f"{SKU_PREFIX}HOT-{n + 1}", f"Orders bench hot item {n + 1}", HOT_PRICE, stock, True)
              for n, stock in enumerate(HOT_STOCK)]
    wanted += [(f"{SKU_PREFIX}COOL-{n + 1:02d}", f"Orders bench item {n + 1:02d}", COOL_PRICE, COOL_STOCK, False)
               for n in range(COOL_SKUS)]
    skus = []
    for sku, name, price, stock, hot in wanted:
        variant = ProductVariant.objects.select_related("product").filter(sku=sku).first()
        if variant is None:
            product = Product.objects.create(category=category, name=name, slug=sku.lower(),
                                             description="Made by bench/orders.py to measure the checkout.")
            variant = ProductVariant.objects.create(product=product, sku=sku, price=price)
        skus.append(Sku(variant.pk, sku, variant.product.get_absolute_url(), stock, hot))
    return skus


def bench_orders_clear(skus: list[Sku]) -> tuple[int, int]:
    """Remove every order the benchmark made and give their units back; returns (orders, units released).

    Stock goes back through inventory.services (stock_release), so the ledger records the release like any other
    change; the ledger itself is append-only and keeps every run's lines.
    """
    from django.db.models import Sum

    from inventory import services as stock_services
    from orders.models import Order, OrderAllocation
    from outbox.models import OutboxEmail
    from payments.models import CreditNote, Invoice, Payment, Refund

    order_ids = list(Order.objects.filter(lines__variant_id__in=[s.variant_id for s in skus])
                     .values_list("pk", flat=True).distinct())
    if not order_ids:
        return 0, 0
    held = OrderAllocation.objects.filter(line__order_id__in=order_ids, released=False)
    per_stock = (held.values("stock_id", "stock__variant_id", "stock__location_id")
                 .annotate(units=Sum("quantity")).order_by("stock_id"))
    allocations = [stock_services.Allocation(row["stock_id"], row["stock__variant_id"], row["stock__location_id"],
                                             row["units"]) for row in per_stock]
    if allocations:
        stock_services.stock_release(allocations=allocations, reference="bench/orders.py",
                                     reason="orders benchmark: reset between runs")
        held.update(released=True)
    numbers = list(Order.objects.filter(pk__in=order_ids).values_list("number", flat=True))
    OutboxEmail.objects.filter(reference__in=numbers).delete()
    # Money records are protected from deletion with their order; the bench's own orders go, with theirs.
    CreditNote.objects.filter(invoice__order_id__in=order_ids).delete()
    Refund.objects.filter(order_id__in=order_ids).delete()
    Payment.objects.filter(order_id__in=order_ids).delete()
    Invoice.objects.filter(order_id__in=order_ids).delete()
    Order.objects.filter(pk__in=order_ids).delete()  # lines, allocations, tax lines and events go with them
    return len(order_ids), sum(a.quantity for a in allocations)


def stock_reset(skus: list[Sku]) -> None:
    """Every bench SKU back to its opening stock at the warehouse, nothing reserved (via inventory.services)."""
    from catalog.models import ProductVariant
    from inventory import services as stock_services
    from inventory.models import Stock, StockLocation

    warehouse = StockLocation.objects.get(code="wh")
    for sku in skus:
        stock = Stock.objects.filter(variant_id=sku.variant_id, location=warehouse).first()
        if stock is not None and stock.reserved:
            raise BenchError(f"{sku.sku} still has {stock.reserved} units reserved after the clean-up.")
        stock_services.stock_correct(variant=ProductVariant.objects.get(pk=sku.variant_id), location=warehouse,
                                     counted=sku.stock, reason="orders benchmark: opening stock")
    others = Stock.objects.filter(variant_id__in=[s.variant_id for s in skus]).exclude(location=warehouse)
    if others.exists():
        raise BenchError("Bench SKUs have stock outside the warehouse: remove it so the run starts the same.")


def sessions_and_carts_clear(session_keys: set[str], cart_watermark: int) -> None:
    """The shoppers' sessions and the guest carts made during the run."""
    from django.contrib.sessions.models import Session

    from checkout.models import Cart

    Session.objects.filter(session_key__in=session_keys).delete()
    Cart.objects.filter(pk__gt=cart_watermark, user__isnull=True).delete()


def standard_delivery_id() -> int:
    """Canada Post Regular Parcel: priced from its rate table for the shopper's zone and parcel weight, with a
    promised date, as a real checkout is."""
    from orders.models import DeliveryMethod

    method = DeliveryMethod.objects.filter(code="canada-post-regular", is_active=True).first()
    if method is None:
        raise BenchError("The bench database has no active 'canada-post-regular' delivery method (seeded by the "
                         "shipping migration).")
    return method.pk


# --- the shoppers --------------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # hand the 302 back: where it goes says what happened


@dataclass
class Response:
    status: int
    location: str
    body: str


class Browser:
    """One visitor: a cookie jar (session and CSRF cookies), no redirects followed."""

    def __init__(self, timings: dict[str, list[float]]) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self.requests = 0
        self.timings = timings

    def send(self, step: str, path: str, data: dict | None = None) -> Response:
        url = f"http://{base.HOST}:{base.PORT}{path}"
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        self.requests += 1
        started = time.perf_counter()
        try:
            with self.opener.open(urllib.request.Request(url, data=body), timeout=REQUEST_TIMEOUT) as answer:
                return Response(answer.status, "", answer.read().decode())
        except urllib.error.HTTPError as answer:  # 3xx (not followed) and 4xx/5xx
            with answer:
                return Response(answer.code, answer.headers.get("Location", ""), answer.read().decode(errors="replace"))
        finally:
            self.timings.setdefault(step, []).append((time.perf_counter() - started) * 1000)

    def session_key(self) -> str | None:
        return next((c.value for c in self.jar if c.name == "sessionid"), None)


class Unexpected(Exception):
    """An answer the shop should never give in this flow (a 500, a 403, a redirect to nowhere)."""


@dataclass
class Tally:
    """What one shopper saw; summed over shoppers at the end."""

    placed: list[str] = field(default_factory=list)  # order numbers
    steps_ms: dict[str, list[float]] = field(default_factory=dict)  # every request, by step of the visit
    checkout_ms: list[float] = field(default_factory=list)  # whole visits that reached "Place order"
    outcomes: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    session_keys: set = field(default_factory=set)
    requests: int = 0


def _expect(response: Response, status: int, what: str) -> Response:
    if response.status != status:
        raise Unexpected(f"{what}: HTTP {response.status} (expected {status}) {response.location}")
    return response


def _token(response: Response, what: str) -> str:
    match = CSRF_INPUT.search(response.body)
    if match is None:
        raise Unexpected(f"{what}: no CSRF token in the page")
    return match.group(1)


def shop_once(rng: random.Random, browser: Browser, skus: list[Sku], delivery_id: int, tally: Tally, n: str) -> None:
    """One visit: 1-2 products into a new cart, the checkout form, the review, "Place order"."""
    started = time.perf_counter()
    hot = rng.choice([s for s in skus if s.hot])
    cool = rng.choice([s for s in skus if not s.hot])
    seen = []  # every page read after the first add: the cart's messages show on the next page rendered
    added = 0
    for sku, quantity, wanted in ((hot, 2 if rng.random() < 0.25 else 1, True), (cool, 1, rng.random() < 0.5)):
        if not wanted and added:
            continue
        page = _expect(browser.send("product page", sku.url), 200, f"GET {sku.url}")
        seen.append(page.body)
        if CSRF_INPUT.search(page.body) is None:  # no "Add to cart": the page already says it is sold out
            tally.outcomes["sold out on the product page"] += 1
            continue
        fields = {"csrfmiddlewaretoken": _token(page, sku.url), "variant": sku.variant_id, "quantity": quantity,
                  "next": sku.url}
        _expect(browser.send("add to cart", "/cart/add/", fields), 302, "add to cart")
        added += 1
    form = browser.send("checkout form", "/checkout/")
    seen.append(form.body)
    if form.status == 302 or any(SOLD_OUT_TEXT in body for body in seen):
        tally.outcomes["sold out when added to the cart"] += 1
    if form.status == 302:  # the cart is empty: what was added had just sold out (the message waits in the session)
        tally.outcomes["cart empty at checkout"] += 1
        return
    _expect(form, 200, "GET /checkout/")
    details = {**ADDRESS, "email": f"shopper-{n}@{EMAIL_DOMAIN}", "delivery_method": delivery_id,
               "csrfmiddlewaretoken": _token(form, "/checkout/")}
    _expect(browser.send("send details", "/checkout/", details), 302, "POST /checkout/")
    review = _expect(browser.send("review", "/checkout/review/"), 200, "GET /checkout/review/")
    total = SEEN_TOTAL.search(review.body)
    if total is None:
        raise Unexpected("the review page has no seen_total")
    placed = browser.send(PLACE, "/checkout/place/", {"csrfmiddlewaretoken": _token(review, "/checkout/review/"),
                                                      "seen_total": total.group(1)})
    if placed.status != 302:
        raise Unexpected(f"POST /checkout/place/: HTTP {placed.status}")
    path = urllib.parse.urlsplit(placed.location).path
    if path.startswith("/orders/"):
        tally.placed.append(path.rstrip("/").rsplit("/", 1)[1])
        tally.outcomes["order placed"] += 1
    elif path == "/cart/":
        tally.outcomes["sold out at 'Place order'"] += 1
    elif path == "/checkout/review/":
        tally.outcomes["total changed at 'Place order'"] += 1
    else:
        raise Unexpected(f"POST /checkout/place/ sent the shopper to {placed.location}")
    tally.checkout_ms.append((time.perf_counter() - started) * 1000)


def shopper(index: int, skus: list[Sku], delivery_id: int, deadline: float, barrier: threading.Barrier,
            tally: Tally) -> None:
    rng = random.Random(index)
    barrier.wait()
    visit = 0
    while time.monotonic() < deadline:
        visit += 1
        browser = Browser(tally.steps_ms)  # a new visitor each time: new session, new cart
        try:
            shop_once(rng, browser, skus, delivery_id, tally, f"{index}-{visit}")
        except (Unexpected, OSError) as error:
            tally.errors.append(f"shopper {index}, visit {visit}: {error}")
            tally.outcomes["error"] += 1
        finally:
            tally.requests += browser.requests
            if key := browser.session_key():
                tally.session_keys.add(key)


# --- checks --------------------------------------------------------------------------------------------------


def percentile(values: list[float], pct: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def oversell_check(report, skus: list[Sku], placed: list[str], since) -> list[str]:
    """Compare orders, allocations, the ledger and the stock rows of every bench SKU; return what is wrong."""
    from django.db.models import F, Q, Sum

    from inventory.models import Stock, StockMovement
    from orders.models import Order, OrderAllocation, OrderLine

    problems = []
    orders = Order.objects.filter(lines__variant_id__in=[s.variant_id for s in skus]).distinct()
    in_db = set(orders.values_list("number", flat=True))
    if in_db != set(placed):
        problems.append(f"orders: the shoppers were sent to {len(placed)} orders, the database holds {len(in_db)} "
                        f"(missing {sorted(set(placed) - in_db)[:5]}, unexpected {sorted(in_db - set(placed))[:5]})")
    report(f"  {'SKU':<18} {'stock':>7} {'sold':>6} {'ledger':>7} {'alloc.':>7} {'reserved':>9} {'left':>6}  state")
    for sku in skus:
        sold = OrderLine.objects.filter(order__in=orders, variant_id=sku.variant_id).aggregate(
            n=Sum("quantity"))["n"] or 0
        allocated = OrderAllocation.objects.filter(line__order__in=orders, line__variant_id=sku.variant_id).aggregate(
            n=Sum("quantity"))["n"] or 0
        ledger = StockMovement.objects.filter(variant_id=sku.variant_id, kind=StockMovement.Kind.ONLINE_RESERVATION,
                                              created_at__gte=since).aggregate(n=Sum("reserved_delta"))["n"] or 0
        rows = list(Stock.objects.filter(variant_id=sku.variant_id))
        on_hand, reserved = sum(r.on_hand for r in rows), sum(r.reserved for r in rows)
        for row in rows:
            totals = StockMovement.objects.filter(stock=row).aggregate(h=Sum("on_hand_delta"), r=Sum("reserved_delta"))
            if (totals["h"] or 0, totals["r"] or 0) != (row.on_hand, row.reserved):
                problems.append(f"{sku.sku}: the ledger sums to on hand {totals['h']}, reserved {totals['r']}; "
                                f"the stock row says {row.on_hand}, {row.reserved}")
            if not 0 <= row.reserved <= row.on_hand:
                problems.append(f"{sku.sku}: reserved {row.reserved} with {row.on_hand} on hand")
        if not sold == allocated == ledger == reserved:
            problems.append(f"{sku.sku}: sold {sold}, allocated {allocated}, ledger reservations {ledger}, "
                            f"reserved {reserved}: they must all be equal")
        if on_hand != sku.stock or sold > sku.stock:
            problems.append(f"{sku.sku}: OVERSOLD: {sold} sold of {sku.stock} (on hand now {on_hand})")
        state = "sold out" if on_hand - reserved == 0 else ""
        if sku.hot or state:
            report(f"  {sku.sku:<18} {sku.stock:>7} {sold:>6} {ledger:>7} {allocated:>7} {reserved:>9} "
                   f"{on_hand - reserved:>6}  {state}")
    cool = [s for s in skus if not s.hot]
    cool_sold = OrderLine.objects.filter(order__in=orders, variant_id__in=[s.variant_id for s in cool]).aggregate(
        n=Sum("quantity"))["n"] or 0
    report(f"  {len(cool)} always-in-stock SKUs: {cool_sold} units sold, same four-way check")
    broken = Stock.objects.filter(Q(reserved__gt=F("on_hand")) | Q(on_hand__lt=0) | Q(reserved__lt=0)).count()
    if broken:
        problems.append(f"{broken} stock rows in the whole database have reserved > on hand or a negative level")
    return problems


# --- main ----------------------------------------------------------------------------------------------------


def bench(report, duration: int, clients: int, figures: dict | None = None) -> list[str]:
    """Run the checkout load; returns the oversell problems found (none: []). `figures`, when given, receives the
    headline numbers for bench/run.py's table of targets."""
    load = os.getloadavg()[0]
    report(f"comptoir checkout benchmark, {datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs (shoppers and "
           f"gunicorn share them), load average {load:.2f} at start")
    if load > base.BUSY_LOAD:
        report("  WARNING: other processes are using the CPUs: orders/s and latencies will be worse than on an idle "
               "machine (CPU ms per checkout much less so).")
    base.services_check()
    base.database_prepare(report)
    # Confirmation emails: rendered and written to the outbox in the order's transaction as always, then "sent" to
    # nowhere (Celery runs eagerly without a broker, so the console backend would print each one in the log).
    os.environ["EMAIL_URL"] = "dummymail://"
    base.django_setup()

    from django.utils import timezone

    from checkout.models import Cart

    skus = skus_ensure()
    cleared, released = bench_orders_clear(skus)
    stock_reset(skus)
    delivery_id = standard_delivery_id()
    cart_watermark = Cart.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    report(f"Bench SKUs reset: {len(skus)} ({', '.join(str(s.stock) for s in skus if s.hot)} units of the "
           f"{sum(s.hot for s in skus)} hot ones); {cleared} orders of an earlier run removed ({released} units "
           f"released)")
    report()
    report(f"{clients} shoppers for {duration} s, gunicorn {base.WORKERS} sync workers, page cache on "
           f"{base.REDIS_CACHE_URL} (flushed). Each visit: new session, product page, add 1-2 products, checkout "
           f"form, review, place order.")
    base.redis_flush()
    tallies = [Tally() for _ in range(clients)]
    since = timezone.now()
    try:
        with base.gunicorn_serving(base.REDIS_CACHE_URL, "orders") as master_pid:
            barrier = threading.Barrier(clients + 1)
            cpu_before = base.workers_cpu_seconds(master_pid)
            deadline = time.monotonic() + duration
            threads = [threading.Thread(target=shopper, args=(i, skus, delivery_id, deadline, barrier, tallies[i]))
                       for i in range(clients)]
            for thread in threads:
                thread.start()
            barrier.wait()
            started = time.monotonic()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            cpu_s = base.workers_cpu_seconds(master_pid) - cpu_before
        total = Tally()
        for tally in tallies:
            total.placed += tally.placed
            for step, times in tally.steps_ms.items():
                total.steps_ms.setdefault(step, []).extend(times)
            total.checkout_ms += tally.checkout_ms
            total.outcomes += tally.outcomes
            total.errors += tally.errors
            total.session_keys |= tally.session_keys
            total.requests += tally.requests
        outcomes = total.outcomes
        sold_out_at_place, sold_out_at_add = outcomes["sold out at 'Place order'"], outcomes[
            "sold out when added to the cart"]
        changed = outcomes["total changed at 'Place order'"]
        visits = (outcomes["order placed"] + sold_out_at_place + changed + outcomes["cart empty at checkout"]
                  + outcomes["error"])
        placed, place_ms = len(total.placed), total.steps_ms.get(PLACE, [])
        report(f"  orders placed            {placed:>8}   {placed / elapsed:.1f} orders/s")
        report(f"  'Place order' latency    p50 {percentile(place_ms, 50):.0f} ms, "
               f"p90 {percentile(place_ms, 90):.0f} ms, p99 {percentile(place_ms, 99):.0f} ms, "
               f"max {max(place_ms, default=float('nan')):.0f} ms ({len(place_ms)} requests)")
        report(f"  whole visit (7-9 req.)   p50 {percentile(total.checkout_ms, 50):.0f} ms, "
               f"p99 {percentile(total.checkout_ms, 99):.0f} ms")
        report(f"  sold-out answers         {sold_out_at_place:>8}   at 'Place order' (sent back to the cart)")
        report(f"                           {sold_out_at_add:>8}   when added to the cart "
               f"({outcomes['cart empty at checkout']} of them left an empty cart)")
        report(f"                           {outcomes['sold out on the product page']:>8}   product pages already "
               f"showing a hot SKU sold out (no 'Add to cart')")
        if changed:
            report(f"  total changed at place   {changed:>8}")
        report(f"  requests                 {total.requests:>8}   {total.requests / elapsed:.0f} req/s, "
               f"{visits} visits in {elapsed:.1f} s")
        report(f"  CPU of the workers       {cpu_s * 1000 / max(visits, 1):.0f} ms per visit, "
               f"{cpu_s * 1000 / max(total.requests, 1):.1f} ms per request")
        report("  latency by step          " + ", ".join(
            f"{step} {percentile(total.steps_ms[step], 50):.0f}/{percentile(total.steps_ms[step], 99):.0f}"
            for step in STEPS if step in total.steps_ms) + " ms (p50/p99)")
        report(f"  errors                   {total.outcomes['error']:>8}")
        for error in total.errors[:10]:
            report(f"    {error}")
        report()
        report("Oversell check (orders placed vs allocations vs ledger reservations vs stock rows, per SKU)")
        problems = oversell_check(report, skus, total.placed, since)
        if total.errors:
            problems.append(f"{len(total.errors)} visits got an answer the shop should never give (see errors)")
        if not sold_out_at_place + sold_out_at_add:
            report("  note: no shopper was turned away: the hot SKUs did not sell out (raise --duration?)")
        report("  RESULT: no oversell, every unit sold is one order line, one allocation, one ledger reservation"
               if not problems else "  RESULT: FAILED")
        for problem in problems:
            report(f"  !! {problem}")
        if figures is not None:
            figures.update(cpu_ms_per_visit=cpu_s * 1000 / max(visits, 1), errors=total.outcomes["error"],
                           oversold=bool(problems), place_p50_ms=percentile(place_ms, 50), placed=placed)
        return problems
    finally:
        orders_removed, _units = bench_orders_clear(skus)
        stock_reset(skus)
        sessions_and_carts_clear(set().union(*(t.session_keys for t in tallies)), cart_watermark)
        report(f"Clean-up: {orders_removed} bench orders removed, their units released through inventory.services "
               f"and bench stock set back to its opening levels; shoppers' sessions and carts deleted.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds of load (default 20)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent shoppers (default 16)")
    args = parser.parse_args()
    if args.duration < 1 or args.clients < 1:
        parser.error("--duration and --clients must be at least 1")
    status, problems = base.report_run(REPORT_PATH, lambda report: bench(report, args.duration, args.clients))
    if problems:
        print("\nOVERSELL CHECK FAILED: see the lines marked !! above.", file=sys.stderr)
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
