"""Corner Coffee's own server: a third-party backend that uses only Plaza's public HTTP API.

    PLAZA_URL=http://127.0.0.1:8000 COFFEE_APP_ID=mp... COFFEE_APP_SECRET=... \
        python examples/coffee/server.py            # listens on 127.0.0.1:8401

What it does, step by step (docs/miniprogram-guide.md walks through it):
1. POST /api/login {code}  — exchanges the login code with /api/v1/mp/code2session (HTTP Basic
   app_id:app_secret) and keeps the openid in its own session store.
2. GET /api/me             — reads the granted profile with /api/v1/mp/users/{openid}, using a
   client-credentials token from /o/token/ (no scope asked: all the app's allowed scopes,
   ``pay`` and ``subscribe_message`` among them).
3. POST /api/orders {drink} — records a pre-order and creates a Plaza pay order for it
   (POST /api/v1/pay/orders, ``notify_url`` = this server's POST /plaza/notify); the page hands
   the returned ``prepay_id`` to ``plaza.requestPayment`` and the customer confirms with the PIN.
4. POST /plaza/notify      — Plaza's signed ``payment.succeeded`` notification: the
   ``Plaza-Signature`` is verified here with the standard library (HMAC-SHA256 over
   ``timestamp.body`` with the merchant key from GET /api/v1/pay/merchant-key, timestamps older
   than five minutes refused), and the pre-order is marked paid once per delivery id.
5. POST /api/orders/{id}/ready — the barista marks a paid order ready: a subscribe message
   ``order_ready`` tells the customer (/api/v1/mp/subscribe-messages).

Set ``COFFEE_PUBLIC_URL`` to the address at which Plaza reaches this server.
"""

import hashlib
import hmac
import json
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests


class PlazaError(Exception):
    def __init__(self, status: int, body: dict):
        super().__init__(f"Plaza answered {status}: {body.get('code')}")
        self.status, self.body = status, body


class PlazaClient:
    """The few Plaza calls a mini-program server makes."""

    def __init__(self, base_url: str, app_id: str, app_secret: str, timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self.app_id, self.app_secret, self.timeout = app_id, app_secret, timeout
        self._token: str | None = None
        self._token_expires = 0.0
        self._lock = threading.Lock()

    def _check(self, response: requests.Response) -> dict:
        body = response.json() if response.content else {}
        if response.status_code >= 400:
            raise PlazaError(response.status_code, body)
        return body

    def code2session(self, code: str) -> dict:
        return self._check(
            requests.post(
                f"{self.base_url}/api/v1/mp/code2session",
                json={"code": code},
                auth=(self.app_id, self.app_secret),
                timeout=self.timeout,
            )
        )

    def access_token(self) -> str:
        """A client-credentials token, cached until a minute before it expires."""
        with self._lock:
            if self._token is None or time.monotonic() > self._token_expires:
                body = self._check(
                    requests.post(
                        f"{self.base_url}/o/token/",
                        data={"grant_type": "client_credentials"},
                        auth=(self.app_id, self.app_secret),
                        timeout=self.timeout,
                    )
                )
                self._token = body["access_token"]
                self._token_expires = time.monotonic() + body["expires_in"] - 60
            return self._token

    def _bearer(self) -> dict:
        return {"Authorization": f"Bearer {self.access_token()}"}

    def user(self, openid: str) -> dict:
        return self._check(
            requests.get(
                f"{self.base_url}/api/v1/mp/users/{openid}",
                headers=self._bearer(),
                timeout=self.timeout,
            )
        )

    def merchant_key(self) -> str:
        """The secret Plaza signs our notifications with (one per developer organisation)."""
        return self._check(
            requests.get(
                f"{self.base_url}/api/v1/pay/merchant-key",
                headers=self._bearer(),
                timeout=self.timeout,
            )
        )["webhook_secret"]

    def pay_order_create(self, **order) -> dict:
        """POST /api/v1/pay/orders; a retry with the same out_trade_no returns the same order."""
        return self._check(
            requests.post(
                f"{self.base_url}/api/v1/pay/orders",
                json=order,
                headers=self._bearer(),
                timeout=self.timeout,
            )
        )

    def pay_order(self, prepay_id: str) -> dict:
        return self._check(
            requests.get(
                f"{self.base_url}/api/v1/pay/orders/{prepay_id}",
                headers=self._bearer(),
                timeout=self.timeout,
            )
        )

    def subscribe_message(self, openid: str, template: str, data: dict) -> dict:
        return self._check(
            requests.post(
                f"{self.base_url}/api/v1/mp/subscribe-messages",
                json={"openid": openid, "template": template, "data": data},
                headers=self._bearer(),
                timeout=self.timeout,
            )
        )


SIGNATURE_TOLERANCE_SECONDS = 300
MENU = {"Espresso": 250, "Flat white": 350, "Cappuccino": 380}  # cents
CURRENCY = "EUR"


class InvalidSignature(Exception):
    pass


class OrderNotPaid(Exception):
    pass


def signature_verify(secret: str, header: str, body: bytes, *, now: float | None = None) -> None:
    """Check ``Plaza-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``.

    Compared in constant time over the raw body; a timestamp more than
    ``SIGNATURE_TOLERANCE_SECONDS`` away is refused so a captured request cannot be replayed."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp, signature = int(parts["t"]), parts["v1"]
    except (KeyError, ValueError) as exc:
        raise InvalidSignature("malformed Plaza-Signature") from exc
    if abs((time.time() if now is None else now) - timestamp) > SIGNATURE_TOLERANCE_SECONDS:
        raise InvalidSignature("stale timestamp")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    if not hmac.compare_digest(expected.hexdigest(), signature):
        raise InvalidSignature("signature mismatch")


@dataclass
class Order:
    id: int
    openid: str
    drink: str
    amount: int
    prepay_id: str = ""
    status: str = "awaiting_payment"

    @property
    def out_trade_no(self) -> str:
        return f"coffee-{self.id}"

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "drink": self.drink,
            "amount": self.amount,
            "currency": CURRENCY,
            "prepay_id": self.prepay_id,
            "status": self.status,
        }


@dataclass
class CoffeeShop:
    """The shop's state: sessions (our token → openid), orders and the ids of the Plaza
    notifications already handled. In memory: it is an example."""

    plaza: PlazaClient
    notify_url: str = "http://127.0.0.1:8401/plaza/notify"
    sessions: dict[str, str] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    notifications: dict[str, dict] = field(default_factory=dict)  # delivery id → body
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _webhook_secret: str = field(default="", init=False, repr=False)

    def login(self, code: str) -> dict:
        identity = self.plaza.code2session(code)
        session = secrets.token_urlsafe(24)
        self.sessions[session] = identity["openid"]
        return {"session": session}

    def me(self, session: str) -> dict:
        return self.plaza.user(self._openid(session))

    def order_create(self, session: str, drink: str) -> dict:
        """A pre-order and its Plaza pay order; the page pays it with ``prepay_id``."""
        openid = self._openid(session)
        with self._lock:
            order = Order(id=len(self.orders) + 1, openid=openid, drink=drink, amount=MENU[drink])
            self.orders[order.id] = order
        pay_order = self.plaza.pay_order_create(
            out_trade_no=order.out_trade_no,
            payer_openid=order.openid,
            amount=order.amount,
            currency=CURRENCY,
            description=f"Corner Coffee: {order.drink}",
            notify_url=self.notify_url,
        )
        order.prepay_id = pay_order["prepay_id"]
        return order.as_dict()

    def notification_receive(self, signature: str, body: bytes) -> dict:
        """Plaza's signed notification: verify, then apply once per delivery id (Plaza retries
        until we answer 2xx, so the same delivery can arrive again)."""
        signature_verify(self._secret(), signature, body)
        event = json.loads(body)
        with self._lock:
            if event["id"] in self.notifications:
                return {"received": True, "duplicate": True}
            if event["type"] == "payment.succeeded":
                self._order_paid(event["data"])
            self.notifications[event["id"]] = event
        return {"received": True, "duplicate": False}

    def _order_paid(self, payment: dict) -> None:
        order = next(o for o in self.orders.values() if o.out_trade_no == payment["out_trade_no"])
        if (payment["prepay_id"], payment["amount"], payment["currency"]) != (
            order.prepay_id,
            order.amount,
            CURRENCY,
        ):
            raise ValueError("the notification does not match the order")
        order.status = "paid"

    def order_ready(self, order_id: int) -> dict:
        order = self.orders[order_id]
        if order.status != "paid":
            raise OrderNotPaid()
        order.status = "ready"
        self.plaza.subscribe_message(
            order.openid, "order_ready", {"drink": order.drink, "pickup": "Counter 1"}
        )
        return {"id": order.id, "status": order.status}

    def _secret(self) -> str:
        if not self._webhook_secret:
            self._webhook_secret = self.plaza.merchant_key()
        return self._webhook_secret

    def _openid(self, session: str) -> str:
        if session not in self.sessions:
            raise PermissionError("unknown session")
        return self.sessions[session]


def make_handler(shop: CoffeeShop):
    ready_path = re.compile(r"^/api/orders/(\d+)/ready$")

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: dict) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Access-Control-Allow-Origin", "*")  # the bundle's origin is opaque
            self.end_headers()
            self.wfile.write(payload)

        def _body(self) -> dict:
            length = int(self.headers.get("Content-Length", 0))
            return json.loads(self.rfile.read(length) or b"{}")

        def _dispatch(self, action) -> None:
            try:
                self._answer(200, action())
            except PermissionError:
                self._answer(401, {"error": "login first"})
            except InvalidSignature as exc:
                self._answer(400, {"error": f"invalid signature: {exc}"})
            except OrderNotPaid:
                self._answer(409, {"error": "not paid yet"})
            except (KeyError, ValueError, StopIteration):
                self._answer(400, {"error": "bad request"})
            except PlazaError as exc:
                self._answer(502, {"error": "plaza", "plaza": exc.body})

        def do_OPTIONS(self):  # the browser's CORS preflight (JSON body, session header)
            self.send_response(204)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Allow-Methods", "GET, POST")
            self.send_header("Access-Control-Allow-Headers", "Content-Type, X-Coffee-Session")
            self.send_header("Access-Control-Max-Age", "600")
            self.end_headers()

        def do_GET(self):
            session = self.headers.get("X-Coffee-Session", "")
            if self.path == "/api/me":
                return self._dispatch(lambda: shop.me(session))
            self._answer(404, {"error": "not found"})

        def do_POST(self):
            session = self.headers.get("X-Coffee-Session", "")
            if self.path == "/api/login":
                return self._dispatch(lambda: shop.login(self._body()["code"]))
            if self.path == "/api/orders":
                return self._dispatch(lambda: shop.order_create(session, self._body()["drink"]))
            if self.path == "/plaza/notify":
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                signature = self.headers.get("Plaza-Signature", "")
                return self._dispatch(lambda: shop.notification_receive(signature, raw))
            match = ready_path.match(self.path)
            if match:
                return self._dispatch(lambda: shop.order_ready(int(match.group(1))))
            self._answer(404, {"error": "not found"})

        def log_message(self, *args):
            pass

    return Handler


def serve(shop: CoffeeShop, host: str = "127.0.0.1", port: int = 8401) -> ThreadingHTTPServer:
    return ThreadingHTTPServer((host, port), make_handler(shop))


if __name__ == "__main__":
    client = PlazaClient(
        os.environ.get("PLAZA_URL", "http://127.0.0.1:8000"),
        os.environ["COFFEE_APP_ID"],
        os.environ["COFFEE_APP_SECRET"],
    )
    port = int(os.environ.get("COFFEE_PORT", "8401"))  # 0: any free port
    shop = CoffeeShop(client)
    server = serve(shop, port=port)
    public_url = os.environ.get("COFFEE_PUBLIC_URL", f"http://127.0.0.1:{server.server_port}")
    shop.notify_url = f"{public_url}/plaza/notify"
    print(f"coffee server on http://127.0.0.1:{server.server_port}", flush=True)
    server.serve_forever()
