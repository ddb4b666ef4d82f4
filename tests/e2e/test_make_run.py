"""`make run` itself, in a browser: the embedded shop (SQLite in a file, no broker, emails on the console, the demo
data, the fake Stripe and the periodic jobs runner) started exactly as a person starts it, on ports of its own.

A shopper leaves a card order unpaid on the fake Stripe page; the job runner expires it on its own and the stock comes
back on the product page. The order's link is copied from the acknowledgement email printed on the console, and the
admin's Periodic jobs page shows the jobs scheduled and run. Jobs run every second and an unpaid order holds its
stock 3 seconds (SHOP_JOBS_INTERVAL_SECONDS, SHOP_PAYMENT_EXPIRY_MINUTES) so that it all takes seconds.
"""

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.e2e.helpers import cart_button

pytestmark = pytest.mark.e2e

START_SECONDS = 120  # migrate, seed_demo and collectstatic on a new database: about 15 s on a laptop
EXPIRY_MINUTES = "0.05"  # 3 s
# What the environment of the test run may hold that would make `make run` something else than the default.
NOT_INHERITED = ["DJANGO_SETTINGS_MODULE", "DATABASE_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "EMAIL_URL",
                 "CACHE_URL", "SECRET_KEY", "DEBUG", "SHOP_BASE_URL", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET",
                 "STRIPE_API_BASE", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"]
UNPAID_SOON = 20_000  # ms: the hold (3 s), the runner's next look (1 s), a page load


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Shop:
    url: str
    log: Path

    def printed(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def _serving(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture
def make_run(tmp_path):
    """`make run PORT=…` on a new SQLite file, until the shop answers; its whole process group is stopped after."""
    port = free_port()
    environment = {name: value for name, value in os.environ.items() if name not in NOT_INHERITED}
    environment.update(DATABASE_URL=f"sqlite:///{tmp_path / 'shop.sqlite3'}", FAKE_STRIPE_PORT=str(free_port()),
                       SHOP_JOBS_INTERVAL_SECONDS="1", SHOP_PAYMENT_EXPIRY_MINUTES=EXPIRY_MINUTES,
                       PYTHONUNBUFFERED="1")
    log = tmp_path / "make-run.log"
    with log.open("w") as output:
        process = subprocess.Popen(["make", "run", f"PORT={port}"], cwd=settings.BASE_DIR, env=environment,
                                   stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    shop = Shop(url=f"http://127.0.0.1:{port}", log=log)
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _serving(shop.url + "/"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"make run did not serve {shop.url}:\n{shop.printed()[-4000:]}")
            time.sleep(0.3)
        yield shop
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGINT, 10), (signal.SIGKILL, 5)):  # Ctrl-C, as a person stops it
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            time.sleep(0.5)  # the group's other processes end with their parent's signal
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def availability(page: Page):
    return page.get_by_role("main").get_by_text(re.compile(r"^Only \d+ left$"))


def test_make_run_expires_an_unpaid_card_order_on_its_own_and_the_stock_comes_back(make_run, browser):
    context = browser.new_context(base_url=make_run.url)
    page = context.new_page()

    # The demo's Harmonica in C: 5 at the warehouse.
    page.goto("/search/?q=Harmonica")
    page.get_by_role("link", name="Harmonica in C").first.click()
    expect(page.get_by_role("heading", name="Harmonica in C", level=1)).to_be_visible()
    product_url = page.url
    expect(availability(page)).to_have_text("Only 5 left")
    page.get_by_role("main").get_by_label("Quantity").fill("2")
    page.get_by_role("main").get_by_role("button", name="Add to cart").click()
    expect(cart_button(page)).to_have_text("Cart: 2 items, $84.00")

    cart_button(page).click()
    page.get_by_role("link", name="Check out").click()
    page.get_by_role("main").get_by_label("Email").fill("nadia@example.com")
    page.get_by_label("Full name").fill("Nadia Roy")
    page.get_by_label("Street address").fill("100 8 Ave SW")
    page.get_by_label("City").fill("Calgary")
    page.get_by_label("Province or territory").select_option(label="Alberta")
    page.get_by_label("Postal code").fill("T2P 1J9")
    page.get_by_role("button", name="Show delivery options for this address").click()
    page.get_by_role("radio", name=re.compile(r"^Canada Post Regular Parcel — ")).check()
    page.get_by_role("radio", name="Credit card").check()
    page.get_by_role("button", name="Review my order").click()
    page.get_by_role("button", name=re.compile(r"^Place order and pay — \$")).click()

    # The fake Stripe's page; the shopper leaves without paying. The units are held for the order meanwhile.
    expect(page.get_by_role("heading", name="Pay comptoir", level=1)).to_be_visible()
    page.goto(product_url)
    expect(availability(page)).to_have_text("Only 3 left")

    # The acknowledgement email, on the console: its order link is whole and opens the order.
    order_link = re.compile(re.escape(make_run.url) + r"/orders/\S+")
    deadline = time.monotonic() + 10
    while not order_link.search(make_run.printed()) and time.monotonic() < deadline:
        time.sleep(0.2)
    printed = make_run.printed()
    assert "Subject: comptoir: we received your order C-" in printed and "To: nadia@example.com" in printed
    page.goto(order_link.search(printed).group(0))
    heading = page.get_by_role("heading", name=re.compile(r"^Order C-\d+$"), level=1)
    expect(heading).to_be_visible()
    number = heading.inner_text().removeprefix("Order ")

    # Nobody pays: the job runner expires the order by itself, and the page shows it once reloaded.
    status = page.get_by_text(re.compile(r"^Status: "))
    deadline = time.monotonic() + UNPAID_SOON / 1000
    while status.inner_text() != "Status: Not paid in time" and time.monotonic() < deadline:
        time.sleep(0.5)
        page.reload()
    expect(status).to_have_text("Status: Not paid in time")
    expect(page.get_by_role("button", name="Pay now")).to_have_count(0)

    # The two units are back on sale, and the customer was told, on the console too.
    page.goto(product_url)
    expect(availability(page)).to_have_text("Only 5 left")
    assert f"We did not receive the card payment for order {number} in time" in make_run.printed()
    # The web server and the job runner wrote to the same SQLite file without tripping over each other.
    assert "database is locked" not in make_run.printed()

    # Staff see every job scheduled, and the expiry job's run that released the order.
    page.goto("/admin/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("admin")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Job runs").click()
    jobs = page.get_by_role("table", name="Scheduled jobs")
    expect(jobs.get_by_role("row")).to_have_count(1 + len(settings.SHOP_JOBS))  # the header and every job
    for label in ["Send pending emails (outbox sweep)", "Expire unpaid card orders", "Send pending card refunds",
                  "Fill backorders, tell back-in-stock sign-ups"]:
        expect(jobs.get_by_role("row", name=re.compile("^" + re.escape(label))).get_by_role("cell")).to_have_text(
            ["every second", re.compile(r"\(Job runner \(manage\.py run_jobs\)\)$"), re.compile(r"^\d+\.\d\d s$"),
             re.compile("^OK"), "Run now"])
    for label, hour in [("Invoice reminders", "9 a.m."), ("Customer scores (RFM, tiers, churn)", "2 a.m.")]:
        row = jobs.get_by_role("row", name=re.compile("^" + re.escape(label)))
        expect(row.get_by_role("cell").first).to_have_text(f"every day at {hour}")  # not run yet, unless it is 9:00
        expect(row.get_by_role("button", name=f"Run now: {label}")).to_be_visible()
    # The history of the expiry job's runs: one of them expired the order.
    page.get_by_role("search", name="Filter").get_by_role("link", name="Expire unpaid card orders").click()
    runs = page.get_by_role("table").last
    expect(runs.get_by_role("row").filter(has_text=number)).to_have_count(1)
    expect(runs.get_by_role("row").filter(has_text=number)).to_contain_text("OK")
    context.close()
