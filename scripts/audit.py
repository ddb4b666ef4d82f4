#!/usr/bin/env python3
"""`make audit`: Lighthouse (npm `lighthouse`, Debian's Chromium) on the demo shop, in English and in French.

Starts the shop as `make run` serves it (the demo data, in a SQLite database in a temporary folder, gunicorn on a
free port), puts the one-SKU demo product in a cart, then audits home, a category, a product, the cart, checkout
and help for accessibility, best practices and SEO. Prints a table of the scores and the audits that lost points;
exits 1 when a page scores under 100 in accessibility or best practices, or under 100 in SEO on a page search
engines may index (the cart and checkout are noindex by design: their SEO score is shown, not required).

    make audit                       # or: .venv/bin/python scripts/audit.py
    .venv/bin/python scripts/audit.py --keep   # also leaves the JSON reports in the temporary folder

Needs `npm ci` (node_modules/.bin/lighthouse) and Chromium (CHROME_PATH, default /usr/bin/chromium).
"""

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("accessibility", "best-practices", "seo")
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync")

# The demo pages audited: what `make run` shows (seed_demo's rain jacket, its category, a one-SKU product).
FIND_PAGES = """
import json
from catalog.models import Product
jacket = Product.objects.get(name_en="Chinook Rain Jacket")
simple = (Product.objects.filter(variants__size="", variants__colour="", made_to_order=False,
                                 variants__stocks__on_hand__gt=0).order_by("pk").first())
print(json.dumps({"category": jacket.category.get_absolute_url(), "product": jacket.get_absolute_url(),
                  "simple_product": simple.get_absolute_url(), "variant": simple.variants.first().pk}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(args, env, **kwargs):
    return subprocess.run(args, env=env, cwd=ROOT, check=True, **kwargs)


def wait_for(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"The shop stopped (exit {server.returncode}) before answering {url}")
        try:
            urllib.request.urlopen(url, timeout=5).close()  # noqa: S310 (our own server)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"The shop did not answer {url} within {seconds:.0f} s")


def cart_cookie(base: str, pages: dict) -> str:
    """A visitor's cookies after "Add to cart" on the one-SKU product: the Cookie header for the cart pages."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(base + pages["simple_product"], timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "variant": pages["variant"], "quantity": 1,
                                   "next": pages["simple_product"]}).encode()
    request = urllib.request.Request(base + "/cart/add/", data=data, headers={"Referer": base + "/"})
    opener.open(request, timeout=30).close()
    cart = opener.open(base + "/cart/", timeout=30).read().decode()
    if 'href="/checkout/"' not in cart:
        raise SystemExit("Could not put the demo product in the cart")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def lighthouse(url: str, out: Path, cookie: str | None, env) -> dict:
    args = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
            "--only-categories=" + ",".join(CATEGORIES), f"--chrome-flags={CHROME_FLAGS}"]
    if cookie:
        args.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    subprocess.run(args, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, timeout=300)
    return json.loads(out.read_text())


def lost_points(report: dict) -> list[str]:
    """The audits that cost the page points: "seo: meta-description (Document does not have a meta description)"."""
    lines = []
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight") and audit.get("score") is not None and audit["score"] < 1:
                lines.append(f"{name}: {ref['id']} ({audit['title']})")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, JSON reports)")
    options = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("node_modules/.bin/lighthouse is missing: run `npm ci` (or `make audit`, which does)")
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    if not Path(chrome).exists():
        raise SystemExit(f"No Chromium at {chrome}: scripts/ensure-services.sh installs Debian's, or set CHROME_PATH")

    work = Path(tempfile.mkdtemp(prefix="comptoir-audit-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shop.settings", "DEBUG": "false",
           "SECRET_KEY": secrets.token_urlsafe(50), "DATABASE_URL": f"sqlite:///{work}/audit.sqlite3",
           "MEDIA_ROOT": str(work / "media"), "PRIVATE_MEDIA_ROOT": str(work / "private-media"),
           "CACHE_URL": "locmemcache://audit", "SHOP_BASE_URL": base, "ALLOWED_HOSTS": "127.0.0.1",
           "STRIPE_SECRET_KEY": "", "CHROME_PATH": chrome}
    server = None
    try:
        quiet = {"stdout": subprocess.DEVNULL}
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
        run([PYTHON, "manage.py", "seed_demo"], env, **quiet)
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
        pages = json.loads(run([PYTHON, "manage.py", "shell", "-v0", "-c", FIND_PAGES], env,
                               capture_output=True, text=True).stdout.strip().splitlines()[-1])
        server = subprocess.Popen(  # one worker: the page cache (locmem) and the cart live in one process
            [str(Path(PYTHON).parent / "gunicorn"), "shop.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1",
             "--threads", "4", "--log-level", "warning"], env=env, cwd=ROOT)
        wait_for(base + "/", server)
        cookie = cart_cookie(base, pages)

        # (name, path, needs the cart's cookie, indexable)
        audited = [("home", "/", False, True), ("category", pages["category"], False, True),
                   ("product", pages["product"], False, True), ("cart", "/cart/", True, False),
                   ("checkout", "/checkout/", True, False), ("help", "/help/", False, True)]
        rows, failures = [], []
        for language, prefix in (("en", ""), ("fr", "/fr")):
            for name, path, with_cart, indexable in audited:
                url = base + prefix + path
                print(f"Lighthouse: {url}", file=sys.stderr, flush=True)
                report = lighthouse(url, work / f"{name}-{language}.json", cookie if with_cart else None, env)
                scores = [round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES]
                required = (100, 100, 100 if indexable else 0)
                ok = all(score >= floor for score, floor in zip(scores, required, strict=True))
                if report["finalDisplayedUrl"] != url:  # an empty cart's checkout sends to the cart: not audited
                    ok = False
                    failures.append(f"{name} ({language}) was redirected to {report['finalDisplayedUrl']}")
                rows.append((f"{name} ({language})", prefix + path, *scores, "" if indexable else "noindex",
                             "ok" if ok else "FAIL"))
                if not ok or any(s < 100 for s in scores):
                    failures.extend(f"{name} ({language}): {line}" for line in lost_points(report))
                if not ok:
                    failures.append(f"{name} ({language}) is under its target")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if options.keep:
            print(f"Reports and database kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    header = ("page", "path", "access.", "best pr.", "SEO", "", "")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    if failures:
        print("\nLost points:\n  " + "\n  ".join(failures))
    failed = any(row[-1] == "FAIL" for row in rows)
    print("\nTargets: accessibility 100, best practices 100, SEO 100 (noindex pages exempt from SEO): "
          + ("NOT MET" if failed else "met"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
