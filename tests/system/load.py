"""Client-side load for system tests: every request carries its own key (Idempotency-Key,
client_msg_id, the pay order's prepay_id) and is retried with that same key until the server
acknowledges it with a 2xx — what a well-behaved mobile client does across a server crash."""

import threading
import time
import uuid
from dataclasses import dataclass, field

import requests

from tests.system.processes import bearer


@dataclass
class Request:
    """One logical client request; ``acked`` is the first 2xx answer the client got."""

    path: str
    body: dict
    headers: dict
    acked: dict | None = None
    attempts: int = 0

    def send_until_acked(self, base_url: str, deadline: float) -> None:
        while time.monotonic() < deadline:
            self.attempts += 1
            try:
                response = requests.post(
                    base_url + self.path, json=self.body, headers=self.headers, timeout=5
                )
            except requests.RequestException:  # server killed or restarting: retry
                time.sleep(0.2)
                continue
            if 200 <= response.status_code < 300:
                self.acked = response.json()
                return
            # Only a crashed request may fail; a refusal (4xx) is a bug in the scenario.
            assert response.status_code >= 500, (self.path, response.status_code, response.text)
            time.sleep(0.2)
        raise AssertionError(f"{self.path} never acknowledged after {self.attempts} attempts")


@dataclass
class Client:
    """A signed-in user's sequence of requests, sent one after the other by one thread."""

    token: str
    requests: list[Request] = field(default_factory=list)

    def transfer(self, *, to: str, amount: int, pin: str) -> Request:
        return self._add(
            "/api/v1/wallet/transfers",
            {"to": to, "amount": amount, "currency": "EUR", "pin": pin},
            {"Idempotency-Key": uuid.uuid4().hex},
        )

    def message(self, *, conversation_id: int, text: str) -> Request:
        return self._add(
            f"/api/v1/conversations/{conversation_id}/messages",
            {"type": "text", "text": text, "client_msg_id": uuid.uuid4().hex},
        )

    def confirm(self, *, prepay_id: str, pin: str) -> Request:
        return self._add(f"/api/v1/pay/orders/{prepay_id}/confirm", {"pin": pin})

    def _add(self, path: str, body: dict, headers: dict | None = None) -> Request:
        request = Request(path, body, {**bearer(self.token), **(headers or {})})
        self.requests.append(request)
        return request


def run_clients(clients: list[Client], base_url: str, timeout: float = 120.0):
    """Start every client in its own thread; returns the threads and the list that collects
    the errors they raise."""
    deadline = time.monotonic() + timeout
    errors: list[Exception] = []

    def run(client: Client) -> None:
        try:
            for request in client.requests:
                request.send_until_acked(base_url, deadline)
        except Exception as exc:  # reported to the test, which fails on it
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(c,), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    return threads, errors


def acked_count(clients: list[Client]) -> int:
    return sum(1 for c in clients for r in c.requests if r.acked is not None)
