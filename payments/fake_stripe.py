"""A local fake of the few Stripe endpoints the shop uses, so tests and the demo never reach the internet.

The official `stripe` library is pointed at it through STRIPE_API_BASE. It answers the way Stripe does (form-encoded
requests, Stripe-shaped JSON objects and errors, Idempotency-Key replay, Bearer authentication), serves a small
hosted payment page at /pay/<session id>, and signs webhook events exactly as Stripe signs them.

Events caused by an API call or a payment are delivered before that call or page answers, so a test sees their
effect at once; set `hold_webhooks` to deliver them later (and out of step) with `release_webhooks()`.
"""

import copy
import hashlib
import hmac
import html
import json
import re
import secrets
import string
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

API_VERSION = "2026-10-28.endive"
CARD_PAYS = "4242424242424242"
CARD_DECLINED = "4000000000000002"
SESSION_MIN_LIFE = 30 * 60
SESSION_MAX_LIFE = 24 * 60 * 60
MIN_CHARGE_CENTS = 50
WEBHOOK_TIMEOUT_SECONDS = 10
_ALPHANUMERIC = string.ascii_letters + string.digits


class _StripeError(Exception):
    def __init__(self, status: int, message: str, *, type: str = "invalid_request_error", code: str | None = None,
                 param: str | None = None):
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": type, "message": message, "code": code, "param": param}}


class FakeStripe:
    """The fake Stripe server; `start()` it, point STRIPE_API_BASE at `api_base`, `stop()` it when done."""

    def __init__(self, *, webhook_secret: str, webhook_url: str | None = None, host: str = "127.0.0.1", port: int = 0,
                 shop_name: str = "comptoir"):
        self.webhook_secret = webhook_secret
        self.webhook_url = webhook_url
        self.shop_name = shop_name
        self.hold_webhooks = False
        self.unavailable = False
        self.sessions: dict[str, dict] = {}
        self.payment_intents: dict[str, dict] = {}
        self.charges: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.events: list[dict] = []
        self.deliveries: list[tuple[str, int]] = []
        self.line_items: dict[str, list[dict]] = {}  # by session id, as sent (amounts as integers)
        self.payment_intent_data: dict[str, dict] = {}  # by session id, as sent
        self._host = host
        self._port = port
        self._lock = threading.RLock()
        self._idempotent: dict[str, tuple[tuple[str, str, bytes], int, dict]] = {}
        self._queued: list[dict] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    # Life cycle

    def start(self) -> "FakeStripe":
        """Listen (on a free port unless one was given) and serve in a daemon thread."""
        server = ThreadingHTTPServer((self._host, self._port), _Handler)
        server.daemon_threads = True
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="fake-stripe", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> "FakeStripe":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def api_base(self) -> str:
        """Where the stripe library should send its requests."""
        if self._server is None:
            raise RuntimeError("FakeStripe is not started.")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def reset(self) -> None:
        """Forget every object, event, delivery and idempotency key; deliver webhooks at once; Stripe is up."""
        with self._lock:
            self.sessions.clear()
            self.payment_intents.clear()
            self.charges.clear()
            self.refunds.clear()
            self.events.clear()
            self.deliveries.clear()
            self.line_items.clear()
            self.payment_intent_data.clear()
            self._idempotent.clear()
            self._queued.clear()
            self.hold_webhooks = False
            self.unavailable = False

    # Webhooks

    def sign(self, payload: bytes, *, timestamp: int | None = None, secret: str | None = None) -> str:
        """A Stripe-Signature header for `payload`, as Stripe computes it."""
        timestamp = int(time.time()) if timestamp is None else timestamp
        key = (self.webhook_secret if secret is None else secret).encode()
        digest = hmac.new(key, f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
        return f"t={timestamp},v1={digest}"

    def event_build(self, type: str, obj: dict) -> dict:
        """A Stripe event about a snapshot of `obj`, recorded in `events`."""
        event = {
            "id": _new_id("evt_"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "data": {"object": copy.deepcopy(obj)},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": type,
        }
        with self._lock:
            self.events.append(event)
        return event

    def event_send(self, event: dict) -> int:
        """Post the event to `webhook_url` and return the HTTP status (0: queued, not sent or unreachable)."""
        with self._lock:
            if self.hold_webhooks:
                self._queued.append(event)
                return 0
        return self._deliver(event)

    def release_webhooks(self) -> list[int]:
        """Post the held events in the order they happened; returns their HTTP statuses."""
        with self._lock:
            queued, self._queued = self._queued, []
        return [self._deliver(event) for event in queued]

    def _deliver(self, event: dict) -> int:
        url = self.webhook_url
        if not url:
            return 0
        payload = json.dumps(event).encode()
        request = urllib.request.Request(
            url, data=payload, method="POST",
            headers={"Content-Type": "application/json", "Stripe-Signature": self.sign(payload),
                     "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)"},
        )
        try:
            with self._opener.open(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except (OSError, ValueError):
            status = 0
        with self._lock:
            self.deliveries.append((event["id"], status))
        return status

    def _send_all(self, events: list[dict]) -> None:
        for event in events:
            self.event_send(event)

    # What the hosted page does

    def session_pay(self, session_id: str, *, amount_cents: int | None = None, currency: str | None = None) -> None:
        """A good card on the hosted page: the session completes and is paid (`amount_cents` or `currency` fakes a
        payment that is not what the session asked for)."""
        with self._lock:
            session = self._open_session(session_id)
            intent = self._intent_for(session)
            amount = session["amount_total"] if amount_cents is None else amount_cents
            if currency is not None:
                intent["currency"] = session["currency"] = currency
            self._charge(intent, amount)
            session.update(status="complete", payment_status="paid", amount_total=amount, amount_subtotal=amount,
                           url=None, customer_details={"email": session["customer_email"], "name": None})
            events = [self.event_build("checkout.session.completed", session),
                      self.event_build("payment_intent.succeeded", intent)]
        self._send_all(events)

    def session_pay_delayed(self, session_id: str) -> None:
        """A payment method that settles days later (a pre-authorized bank debit) on the hosted page: the session
        completes unpaid while the payment intent is processing; `session_settle` ends it either way."""
        with self._lock:
            session = self._open_session(session_id)
            intent = self._intent_for(session)
            intent.update(status="processing", last_payment_error=None)
            session.update(status="complete", payment_status="unpaid", url=None,
                           customer_details={"email": session["customer_email"], "name": None})
            events = [self.event_build("checkout.session.completed", session),
                      self.event_build("payment_intent.processing", intent)]
        self._send_all(events)

    def session_settle(self, session_id: str, *, succeeded: bool) -> None:
        """The delayed payment of a session completed unpaid succeeds (checkout.session.async_payment_succeeded,
        payment_intent.succeeded) or fails (checkout.session.async_payment_failed, payment_intent.payment_failed;
        the session stays complete and unpaid)."""
        with self._lock:
            session = self.sessions.get(session_id)
            if session is None:
                raise KeyError(f"No such checkout.session: {session_id!r}")
            intent = self.payment_intents.get(session["payment_intent"] or "")
            if intent is None or intent["status"] != "processing":
                raise ValueError(f"Checkout session {session_id} has no payment processing.")
            if succeeded:
                self._charge(intent, session["amount_total"])
                session.update(payment_status="paid")
                events = [self.event_build("checkout.session.async_payment_succeeded", session),
                          self.event_build("payment_intent.succeeded", intent)]
            else:
                intent.update(status="requires_payment_method", last_payment_error={
                    "type": "invalid_request_error", "code": "insufficient_funds",
                    "message": "The customer's account has insufficient funds to cover this payment.",
                })
                events = [self.event_build("checkout.session.async_payment_failed", session),
                          self.event_build("payment_intent.payment_failed", intent)]
        self._send_all(events)

    def _charge(self, intent: dict, amount: int) -> None:
        """The intent succeeds with one charge of `amount` cents."""
        charge = {
            "id": _new_id("ch_"), "object": "charge", "amount": amount, "amount_captured": amount,
            "amount_refunded": 0, "captured": True, "created": int(time.time()), "currency": intent["currency"],
            "livemode": False, "metadata": dict(intent["metadata"]), "paid": True,
            "payment_intent": intent["id"], "refunded": False, "status": "succeeded",
        }
        self.charges[charge["id"]] = charge
        intent.update(amount=amount, amount_received=amount, status="succeeded", latest_charge=charge["id"],
                      last_payment_error=None)

    def session_decline(self, session_id: str) -> None:
        """A declined card on the hosted page: the payment intent fails, the session stays open for another try."""
        with self._lock:
            session = self._open_session(session_id)
            intent = self._intent_for(session)
            intent.update(status="requires_payment_method", last_payment_error={
                "type": "card_error", "code": "card_declined", "decline_code": "generic_decline",
                "message": "Your card was declined.",
            })
            events = [self.event_build("payment_intent.payment_failed", intent)]
        self._send_all(events)

    def session_expire(self, session_id: str) -> None:
        """The session times out (or is closed): status "expired" and a checkout.session.expired event."""
        with self._lock:
            session = self._open_session(session_id)
            events = self._expire(session)
        self._send_all(events)

    def _open_session(self, session_id: str) -> dict:
        session = self.sessions.get(session_id)
        if session is None:
            raise KeyError(f"No such checkout.session: {session_id!r}")
        if session["status"] != "open":
            raise ValueError(f"Checkout session {session_id} is {session['status']}, not open.")
        return session

    def _expire(self, session: dict) -> list[dict]:
        session.update(status="expired", url=None)
        return [self.event_build("checkout.session.expired", session)]

    def _intent_for(self, session: dict) -> dict:
        if session["payment_intent"]:
            return self.payment_intents[session["payment_intent"]]
        intent = {
            "id": _new_id("pi_"), "object": "payment_intent", "amount": session["amount_total"],
            "amount_received": 0, "created": int(time.time()), "currency": session["currency"],
            "last_payment_error": None, "latest_charge": None, "livemode": False,
            "metadata": dict(self.payment_intent_data.get(session["id"], {}).get("metadata") or {}),
            "payment_method_types": ["card"], "status": "requires_payment_method",
        }
        self.payment_intents[intent["id"]] = intent
        session["payment_intent"] = intent["id"]
        return intent

    # The API

    def _api(self, method: str, path: str, headers: Any, body: bytes, query: str) -> tuple[int, dict, list[dict]]:
        if self.unavailable:
            raise _StripeError(500, "An unknown error occurred (the fake Stripe is set unavailable).", type="api_error")
        authorization = headers.get("Authorization", "")
        key = authorization.removeprefix("Bearer ").strip() if authorization.startswith("Bearer ") else ""
        if not key:
            raise _StripeError(401, "You did not provide an API key. Provide it in the Authorization header "
                                    "(Authorization: Bearer YOUR_SECRET_KEY).")
        if not key.startswith(("sk_", "rk_")):
            raise _StripeError(401, f"Invalid API Key provided: {key[:8]}****", code="api_key_invalid")
        params = _parse_form(body.decode() if method == "POST" else query)
        idempotency_key = headers.get("Idempotency-Key") if method == "POST" else None
        with self._lock:
            if idempotency_key:
                stored = self._idempotent.get(idempotency_key)
                if stored is not None:
                    if stored[0] != (method, path, body):
                        raise _StripeError(
                            400, "Keys for idempotent requests can only be used with the same parameters they were "
                                 f"first used with. Try using a key other than '{idempotency_key}' if you meant to "
                                 "execute a different request.", type="idempotency_error")
                    return stored[1], copy.deepcopy(stored[2]), []
            status, data, events = self._route(method, path, params)
            if idempotency_key:
                self._idempotent[idempotency_key] = ((method, path, body), status, copy.deepcopy(data))
        return status, data, events

    def _route(self, method: str, path: str, params: dict) -> tuple[int, dict, list[dict]]:
        parts = path.strip("/").split("/")[1:]
        if method == "POST" and parts == ["checkout", "sessions"]:
            return 200, self._session_create(params), []
        if method == "GET" and len(parts) == 3 and parts[:2] == ["checkout", "sessions"]:
            return 200, copy.deepcopy(self._find(self.sessions, parts[2], "checkout.session", "session")), []
        if method == "POST" and len(parts) == 4 and parts[:2] == ["checkout", "sessions"] and parts[3] == "expire":
            session = self._find(self.sessions, parts[2], "checkout.session", "session")
            if session["status"] != "open":
                raise _StripeError(400, 'Only Checkout Sessions with a status in ["open"] can be expired.')
            events = self._expire(session)
            return 200, copy.deepcopy(session), events
        if method == "GET" and len(parts) == 2 and parts[0] == "payment_intents":
            return 200, copy.deepcopy(self._find(self.payment_intents, parts[1], "payment_intent", "intent")), []
        if method == "POST" and parts == ["refunds"]:
            return self._refund_create(params)
        if method == "GET" and len(parts) == 2 and parts[0] == "refunds":
            return 200, copy.deepcopy(self._find(self.refunds, parts[1], "refund", "refund")), []
        raise _StripeError(404, f"Unrecognized request URL ({method}: {path}).")

    @staticmethod
    def _find(objects: dict[str, dict], object_id: str, kind: str, param: str) -> dict:
        found = objects.get(object_id)
        if found is None:
            raise _StripeError(404, f"No such {kind}: '{object_id}'", code="resource_missing", param=param)
        return found

    def _session_create(self, params: dict) -> dict:
        if params.get("mode") != "payment":
            raise _StripeError(400, "The fake Stripe only supports mode=payment.", code="parameter_invalid_empty"
                               if not params.get("mode") else "parameter_unknown", param="mode")
        if not params.get("success_url"):
            raise _StripeError(400, "Missing required param: success_url.", code="parameter_missing",
                               param="success_url")
        lines = params.get("line_items")
        if not isinstance(lines, list) or not lines:
            raise _StripeError(400, "Missing required param: line_items.", code="parameter_missing",
                               param="line_items")
        total = 0
        currencies = set()
        for index, line in enumerate(lines):
            price = line.get("price_data") if isinstance(line, dict) else None
            if not isinstance(price, dict) or not (price.get("product_data") or {}).get("name"):
                raise _StripeError(400, "The fake Stripe needs price_data with product_data[name] on each line.",
                                   code="parameter_missing", param=f"line_items[{index}][price_data]")
            unit_amount = _integer(price.get("unit_amount"), f"line_items[{index}][price_data][unit_amount]")
            quantity = _integer(line.get("quantity", "1"), f"line_items[{index}][quantity]")
            if unit_amount < 0 or quantity < 1:
                raise _StripeError(400, "This value must be greater than or equal to 0.",
                                   code="parameter_invalid_integer", param=f"line_items[{index}]")
            currencies.add(str(price.get("currency", "")).lower())
            total += unit_amount * quantity
            line.update(quantity=quantity)
            price.update(unit_amount=unit_amount)
        if len(currencies) != 1 or "" in currencies:
            raise _StripeError(400, "All line items must have the same currency.", param="line_items")
        currency = currencies.pop()
        if total < MIN_CHARGE_CENTS:
            raise _StripeError(400, f"The Checkout Session's total amount due must add up to at least $0.50 "
                                    f"{currency}", param="line_items")
        now = int(time.time())
        expires_at = _integer(params["expires_at"], "expires_at") if params.get("expires_at") else now + 86400
        if expires_at < now + SESSION_MIN_LIFE:
            raise _StripeError(400, "The `expires_at` timestamp must be at least 30 minutes from Checkout Session "
                                    "creation.", code="parameter_invalid_integer", param="expires_at")
        if expires_at > now + SESSION_MAX_LIFE:
            raise _StripeError(400, "The `expires_at` timestamp must be less than 24 hours from Checkout Session "
                                    "creation.", code="parameter_invalid_integer", param="expires_at")
        session_id = _new_id("cs_test_", 58)
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": total,
            "amount_total": total,
            "cancel_url": params.get("cancel_url") or None,
            "client_reference_id": params.get("client_reference_id") or None,
            "created": now,
            "currency": currency,
            "customer": None,
            "customer_details": None,
            "customer_email": params.get("customer_email") or None,
            "expires_at": expires_at,
            "livemode": False,
            "locale": params.get("locale") or None,
            "metadata": dict(params.get("metadata") or {}),
            "mode": "payment",
            "payment_intent": None,
            "payment_method_types": ["card"],
            "payment_status": "unpaid",
            "status": "open",
            "success_url": params["success_url"],
            "ui_mode": "hosted",
            "url": f"{self.api_base}/pay/{session_id}",
        }
        self.sessions[session_id] = session
        self.line_items[session_id] = copy.deepcopy(lines)
        self.payment_intent_data[session_id] = dict(params.get("payment_intent_data") or {})
        return copy.deepcopy(session)

    def _refund_create(self, params: dict) -> tuple[int, dict, list[dict]]:
        intent_id = params.get("payment_intent")
        if not intent_id:
            raise _StripeError(400, "One of the following params should be provided for this request: payment_intent "
                                    "or charge.", code="parameter_missing", param="payment_intent")
        intent = self.payment_intents.get(intent_id)
        if intent is None:
            raise _StripeError(400, f"No such payment_intent: '{intent_id}'", code="resource_missing",
                               param="payment_intent")
        if intent["status"] != "succeeded" or not intent["latest_charge"]:
            raise _StripeError(400, f"This PaymentIntent ({intent_id}) does not have a successful charge to refund.",
                               code="charge_not_refundable", param="payment_intent")
        charge = self.charges[intent["latest_charge"]]
        left = charge["amount"] - charge["amount_refunded"]
        if left <= 0:
            raise _StripeError(400, f"Charge {charge['id']} has already been refunded.",
                               code="charge_already_refunded")
        amount = _integer(params["amount"], "amount") if params.get("amount") not in (None, "") else left
        if amount < 1:
            raise _StripeError(400, "This value must be greater than or equal to 1.",
                               code="parameter_invalid_integer", param="amount")
        if amount > left:
            raise _StripeError(400, f"Refund amount ({_dollars(amount)}) is greater than unrefunded amount on charge "
                                    f"({_dollars(left)})", code="amount_too_large", param="amount")
        refund = {
            "id": _new_id("re_"), "object": "refund", "amount": amount, "charge": charge["id"],
            "created": int(time.time()), "currency": charge["currency"], "metadata": dict(params.get("metadata") or {}),
            "payment_intent": intent_id, "reason": params.get("reason") or None, "status": "succeeded",
        }
        self.refunds[refund["id"]] = refund
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        return 200, copy.deepcopy(refund), [self.event_build("charge.refunded", charge)]

    # The hosted payment page

    def _page(self, session_id: str, method: str, form: dict) -> tuple[int, str, str | None]:
        """(status, html, redirect location) for GET or POST /pay/<id>."""
        with self._lock:
            session = copy.deepcopy(self.sessions.get(session_id))
        if session is None:
            return 404, self._html(None, notice="This payment page does not exist."), None
        if session["status"] == "expired":
            return 200, self._html(session, notice="This payment page has expired."), None
        if session["status"] == "complete":
            return 200, self._html(session, notice="This payment is complete."), None
        if method == "GET":
            return 200, self._html(session), None
        number = re.sub(r"[\s-]", "", str(form.get("cardnumber", "")))
        try:
            if number == CARD_PAYS:
                self.session_pay(session_id)
                return 303, "", _success_url(session)
            if number == CARD_DECLINED:
                self.session_decline(session_id)
                return 402, self._html(session, error="Your card was declined."), None
        except ValueError:
            return self._page(session_id, "GET", {})
        return 400, self._html(session, error="Your card number is incomplete."), None

    def _html(self, session: dict | None, *, notice: str = "", error: str = "") -> str:
        shop = html.escape(self.shop_name)
        parts = [f"<h1>Pay {shop}</h1>", '<p class="test">Test mode — no real money moves.</p>']
        if session is not None and not notice:
            description = " ".join(line["price_data"]["product_data"]["name"]
                                   for line in self.line_items.get(session["id"], []))
            parts.append(f'<p class="amount">{_dollars(session["amount_total"], session["currency"])}</p>')
            parts.append(f"<p>{html.escape(description)}</p>")
            if session["customer_email"]:
                parts.append(f"<p>Receipt to {html.escape(session['customer_email'])}</p>")
            if error:
                parts.append(f'<p role="alert" id="card-error" class="error">{html.escape(error)}</p>')
            invalid = ' aria-invalid="true" aria-describedby="card-error"' if error else ""
            parts.append(
                '<form method="post">'
                f'<label for="cardnumber">Card number</label><input id="cardnumber" name="cardnumber" '
                f'inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234"{invalid}>'
                '<label for="exp">Expiry (MM/YY)</label><input id="exp" name="exp" autocomplete="cc-exp" '
                'placeholder="MM/YY">'
                '<label for="cvc">CVC</label><input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc">'
                '<button type="submit">Pay</button></form>'
                '<p class="test">Test cards: 4242 4242 4242 4242 pays; 4000 0000 0000 0002 is declined.</p>'
            )
        elif notice:
            parts.append(f'<p role="status">{html.escape(notice)}</p>')
        if session is not None:
            back = _success_url(session) if session["status"] == "complete" else session["cancel_url"]
            if back:
                parts.append(f'<p><a href="{html.escape(back)}">Back to the shop</a></p>')
        return (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Pay {shop}</title><style>{_CSS}</style></head><body><main>{''.join(parts)}</main></body></html>"
        )


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeStripe/1.0"

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self, method: str) -> None:
        fake: FakeStripe = self.server.fake  # type: ignore[attr-defined]
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if url.path.startswith("/v1/"):
            try:
                status, data, events = fake._api(method, url.path, self.headers, body, url.query)
            except _StripeError as error:
                status, data, events = error.status, error.body, []
            except Exception as error:  # a bug in the fake answers like Stripe instead of hanging the client
                status, data, events = 500, {"error": {"type": "api_error", "message": f"Fake Stripe bug: {error}"}}, []
            fake._send_all(events)
            self._send(status, json.dumps(data).encode(), "application/json", {"Request-Id": _new_id("req_", 14)})
            return
        match = re.fullmatch(r"/pay/([A-Za-z0-9_]+)/?", url.path)
        if match and method in ("GET", "POST"):
            form = dict(parse_qsl(body.decode(errors="replace"))) if method == "POST" else {}
            status, page, location = fake._page(match.group(1), method, form)
            self._send(status, page.encode(), "text/html; charset=utf-8", {"Location": location} if location else {})
            return
        self._send(404, b"Not found", "text/plain; charset=utf-8", {})

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def _parse_form(text: str) -> dict:
    """Stripe's form encoding (`a[b][0][c]=v`) back into nested dicts and lists."""
    root: dict = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        names = re.findall(r"[^\[\]]+", key) or [key]
        node = root
        for name in names[:-1]:
            child = node.get(name)
            if not isinstance(child, dict):
                child = node[name] = {}
            node = child
        node[names[-1]] = value
    return _listify(root)


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    items = {key: _listify(value) for key, value in node.items()}
    if items and all(key.isdigit() for key in items):
        return [items[key] for key in sorted(items, key=int)]
    return items


def _integer(value: Any, param: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise _StripeError(400, f"Invalid integer: {value}", code="parameter_invalid_integer", param=param) from None


def _dollars(cents: int, currency: str = "") -> str:
    text = f"${cents // 100:,}.{cents % 100:02d}"
    return f"{text} {currency.upper()}" if currency else text


def _success_url(session: dict) -> str:
    return session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])


def _new_id(prefix: str, length: int = 24) -> str:
    return prefix + "".join(secrets.choice(_ALPHANUMERIC) for _ in range(length))


_CSS = (
    "body{font-family:system-ui,sans-serif;margin:0;background:#f6f8fa;color:#1a1f36}"
    "main{max-width:26rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px}"
    "label{display:block;margin-top:1rem;font-weight:600}"
    "input{display:block;width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}"
    "button{margin-top:1.25rem;width:100%;padding:.75rem;font-size:1rem;background:#0a2540;color:#fff;border:0}"
    ".amount{font-size:1.75rem;font-weight:700}.error{color:#a01c1c;font-weight:600}.test{color:#555;font-size:.9rem}"
)
