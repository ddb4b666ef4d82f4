"""The Nu HTML checker (vnu.jar, from the npm package vnu-jar; see package.json) on the HTML pages the browser tests
receive from the shop.

Java takes seconds to start the checker, so it starts once per test session, as a local HTTP service
(nu.validator.servlet.Main), while the first browser test runs; each page is then posted to it from a background
thread as the test goes on, and the test waits for the verdicts only at its end. A page is checked once per session:
its text is hashed after the parts that change on every request (the CSRF token, the CSP nonce) are blanked out, and
the verdict is kept under that hash.
"""

import hashlib
import json
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Error

VNU_JAR = Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# A start of a few seconds rather than ten: the serial collector and the quick compiler suffice for a few hundred
# pages. The schema loader recurses deeply: Java's default 1 MB thread stack overflows.
JAVA_OPTIONS = ["-Xss4m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]
START_TIMEOUT = 120  # seconds: the first check waits this long for the service to answer

# Pages not checked: the Django admin's (Django's own markup, not the shop's).
SKIPPED_PATHS = ("/admin/",)
# What differs from one request to the next without changing the markup.
_PER_REQUEST = re.compile(r'(name="csrfmiddlewaretoken" value=|nonce=)"[^"]*"')
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # straight to 127.0.0.1, whatever *_proxy says


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NuChecker:
    """The Nu HTML checker as a local service: start() (or the first check) starts it, stop() stops it."""

    def __init__(self):
        self.process: subprocess.Popen | None = None
        self.url = ""
        self.verdicts: dict[str, Future] = {}  # text hash -> Future of the error lines
        self.executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="vnu")
        self.log = None
        self.ready: Future | None = None

    def start(self) -> None:
        if self.process is not None:
            return
        java = shutil.which("java")
        if java is None:
            raise RuntimeError("java is missing: run scripts/ensure-services.sh (make test does it)")
        if not VNU_JAR.exists():
            raise RuntimeError(f"{VNU_JAR} is missing: run `npm ci` (make test does it)")
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}/?out=json"
        self.log = tempfile.TemporaryFile("w+")  # noqa: SIM115 (read back if the service does not start)
        self.process = subprocess.Popen(
            [java, *JAVA_OPTIONS, "-Dnu.validator.servlet.bind-address=127.0.0.1", "-cp", str(VNU_JAR),
             "nu.validator.servlet.Main", str(port)],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
        )
        self.ready = self.executor.submit(self._wait_until_up)

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with _LOCAL.open(self.url.split("?")[0], timeout=5):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.log.seek(0)
                    raise RuntimeError("The Nu HTML checker did not start:\n" + self.log.read()[-3000:]) from None
                time.sleep(0.1)

    def check(self, html: str) -> Future:
        """A Future of the page's errors, one "line N: message" each (the checker's warnings are left out)."""
        html = _PER_REQUEST.sub(r'\1""', html)
        key = hashlib.sha256(html.encode()).hexdigest()
        if key not in self.verdicts:
            self.start()
            self.verdicts[key] = self.executor.submit(self._errors, html)
        return self.verdicts[key]

    def _errors(self, html: str) -> list[str]:
        self.ready.result()
        request = urllib.request.Request(self.url, data=html.encode(), method="POST",
                                         headers={"Content-Type": "text/html; charset=utf-8"})
        with _LOCAL.open(request, timeout=60) as answer:
            messages = json.load(answer)["messages"]
        return [f"line {m.get('lastLine', '?')}: {m['message']}"
                + (f" [{' '.join(m['extract'].split())}]" if m.get("extract") else "")
                for m in messages if m["type"] in ("error", "non-document-error")]

    def stop(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.log is not None:
            self.log.close()


@dataclass
class Received:
    url: str
    verdict: Future


class PageWatcher:
    """The HTML documents one test's browser received from the shop (status 200-299 and 400-499: error pages are
    pages too; not the admin's), each handed to the checker as it arrives."""

    def __init__(self, checker: NuChecker, origin: str):
        self.checker = checker
        self.origin = origin.rstrip("/")
        self.received: list[Received] = []
        self.contexts = []
        self.reading = 0  # pages whose text is on its way from the browser

    def on_response(self, response) -> None:
        if response.request.resource_type != "document" or not 200 <= response.status < 500:
            return
        if 300 <= response.status < 400:  # a redirect: no page to read
            return
        if not response.url.startswith(self.origin + "/"):
            return  # a page from elsewhere (the fake Stripe's payment page stands in for Stripe's)
        if urlsplit(response.url).path.startswith(SKIPPED_PATHS):
            return
        if not response.headers.get("content-type", "").startswith("text/html"):
            return
        self.reading += 1
        try:
            html = response.text()
        except Error:  # gone: the browser was already on its next page (about 1 page in 100 in the journeys)
            return
        finally:
            self.reading -= 1
        self.received.append(Received(response.url, self.checker.check(html)))

    def watch(self, context) -> None:
        self.contexts.append(context)
        context.on("response", self.on_response)

    def settle(self) -> None:
        """Let the texts on their way arrive before the test goes on (Playwright runs the event handlers while the test
        waits on the browser): the browser forgets a page's text once it opens the next page, and the test may end as
        its last page comes in. A walk that must check every page it opens settles after each."""
        for context in self.contexts:
            while self.reading:
                try:
                    context.cookies()
                except Error:  # closed by the test
                    break

    def take_errors(self) -> list[str]:
        """Every error found so far, "URL line N: message", a page's errors listed once however often it was opened;
        the pages are forgotten (a test that reports them itself leaves nothing for the fixture to report again)."""
        found: dict[str, None] = {}
        for page in self.received:
            for error in page.verdict.result():
                found[f"{page.url} {error}"] = None
        self.received = []
        return list(found)
