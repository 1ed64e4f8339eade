"""Corner Coffee's own server: a third-party backend that uses only Plaza's public HTTP API.

    PLAZA_URL=http://127.0.0.1:8000 COFFEE_APP_ID=mp... COFFEE_APP_SECRET=... \
        python examples/coffee/server.py            # listens on 127.0.0.1:8401

What it does, step by step (docs/miniprogram-guide.md walks through it):
1. POST /api/login {code}  — exchanges the login code with /api/v1/mp/code2session (HTTP Basic
   app_id:app_secret) and keeps the openid in its own session store.
2. GET /api/me             — reads the granted profile with /api/v1/mp/users/{openid}, using a
   client-credentials token from /o/token/.
3. POST /api/orders        — records a pre-order. The pay-order step (POST /api/v1/pay/orders
   with scope ``pay`` and a ``notify_url`` pointing at POST /plaza/notify, verified with the
   Plaza-Signature header) is added once Plaza payments is merged.
4. POST /api/orders/{id}/ready — the barista marks it ready: a subscribe message
   ``order_ready`` tells the customer (/api/v1/mp/subscribe-messages).
"""

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

    def subscribe_message(self, openid: str, template: str, data: dict) -> dict:
        return self._check(
            requests.post(
                f"{self.base_url}/api/v1/mp/subscribe-messages",
                json={"openid": openid, "template": template, "data": data},
                headers=self._bearer(),
                timeout=self.timeout,
            )
        )


@dataclass
class Order:
    id: int
    openid: str
    drink: str
    status: str = "placed"


@dataclass
class CoffeeShop:
    """The shop's state: sessions (our token → openid) and orders. In memory: it is an example."""

    plaza: PlazaClient
    sessions: dict[str, str] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)

    def login(self, code: str) -> dict:
        identity = self.plaza.code2session(code)
        session = secrets.token_urlsafe(24)
        self.sessions[session] = identity["openid"]
        return {"session": session}

    def me(self, session: str) -> dict:
        return self.plaza.user(self._openid(session))

    def order_create(self, session: str, drink: str) -> dict:
        order = Order(id=len(self.orders) + 1, openid=self._openid(session), drink=drink)
        self.orders[order.id] = order
        return {"id": order.id, "drink": order.drink, "status": order.status}

    def order_ready(self, order_id: int) -> dict:
        order = self.orders[order_id]
        order.status = "ready"
        self.plaza.subscribe_message(
            order.openid, "order_ready", {"drink": order.drink, "pickup": "Counter 1"}
        )
        return {"id": order.id, "status": order.status}

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
            except (KeyError, ValueError):
                self._answer(400, {"error": "bad request"})
            except PlazaError as exc:
                self._answer(502, {"error": "plaza", "plaza": exc.body})

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
    server = serve(CoffeeShop(client), port=int(os.environ.get("COFFEE_PORT", "8401")))
    print(f"coffee server on http://127.0.0.1:{server.server_port}")
    server.serve_forever()
