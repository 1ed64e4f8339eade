"""The authorization matrix (issue 10): every operation of the OpenAPI schema, called as each
role, answers the status the table below expects. An operation without a row fails the test,
so a new endpoint cannot ship without a decision about who may call it.

Roles: anonymous; consumer (alice, who owns every object the paths name: her conversation,
moment, wallet, brand, official account, organisation, mini-program, pay order...); another
consumer; an associate of alice's brand; an admin of another brand; the server token of another
mini-program; platform staff. Each call runs in a rolled-back savepoint, so every role meets
the same world. Entries: "2xx", or a status code, or a set of them (an owner's write may be
refused for its minimal body with 400/409/422 — what matters is who gets past authorization).
"""

import json

import pytest
from django.db import transaction

from tests.factories import DEFAULT_PASSWORD
from tests.payments.factories import PIN
from tests.system.authz_table import EXPECTED
from tests.system.authz_world import ROLES, build_world

pytestmark = pytest.mark.django_db
METHODS = ("get", "post", "put", "patch", "delete")


def operations(client) -> list[tuple[str, str]]:
    schema = json.loads(client.get("/api/schema", HTTP_ACCEPT="application/json").content)
    return [
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in METHODS
    ]


def resolve(path: str, params: dict) -> str:
    """Fill path parameters with alice's objects; ``{id}`` and ``{delivery_id}`` depend on the
    collection they sit in."""
    if "{id}" in path:
        kind = {
            "/contacts/requests/": "contact_request_id",
            "/conversations/": "conversation_id",
            "/messages/": "message_id",
            "/moments/": "moment_id",
        }
        key = next(v for prefix, v in kind.items() if prefix in path)
        path = path.replace("{id}", str(params[key]))
    if "{delivery_id}" in path:
        key = "brand_delivery_id" if path.startswith("/api/v1/brands") else "app_delivery_id"
        path = path.replace("{delivery_id}", str(params[key]))
    if "{conversation_id}" in path:
        path = path.replace("{conversation_id}", str(params["service_conversation_id"]))
    return path.format(**params)


def body_for(method: str, path: str, world) -> dict:
    p, alice = world.params, world.alice
    bodies = {
        "POST /api/v1/auth/login": {"username": alice.username, "password": DEFAULT_PASSWORD},
        "POST /api/v1/auth/register": {
            "username": "newcomer",
            "password": "a-Long-pass-123",
            "display_name": "New",
        },
        "POST /api/v1/auth/refresh": {"refresh_token": "nope"},
        "POST /api/v1/brands": {"name": "New brand"},
        "POST /api/v1/brands/{brand_id}/members": {"username": p["username"], "role": "associate"},
        "PUT /api/v1/brands/{brand_id}/callback": {"url": "https://brand.example/hook"},
        "POST /api/v1/contacts/blocks": {"username": p["username"]},
        "POST /api/v1/contacts/requests": {"to": p["username"], "message": "hi"},
        "POST /api/v1/conversations": {"kind": "direct", "members": [p["username"]]},
        "PATCH /api/v1/conversations/{id}": {"title": "Renamed"},
        "POST /api/v1/conversations/{id}/messages": {
            "type": "text",
            "text": "hi",
            "client_msg_id": "matrix",
        },
        "POST /api/v1/conversations/{id}/read": {"seq": 1},
        "POST /api/v1/conversations/{id}/delivered": {"seq": 1},
        "POST /api/v1/dev/miniprograms": {"name": "New app"},
        "POST /api/v1/dev/organisations": {"name": "New org"},
        "POST /api/v1/moments": {"text": "hello", "visibility": "contacts"},
        "POST /api/v1/moments/{id}/comments": {"text": "nice"},
        "POST /api/v1/official-accounts": {
            "brand": p["brand_id"],
            "name": "Second",
            "kind": "subscription",
        },
        "POST /api/v1/official-accounts/{account_id}/broadcasts": {"title": "t", "body": "b"},
        "POST /api/v1/official-accounts/{account_id}/messages": {"text": "hello"},
        "POST /api/v1/service-conversations/{conversation_id}/replies": {"text": "hello"},
        "POST /api/v1/pay/orders": {
            "out_trade_no": "matrix-1",
            "payer_openid": p["openid"],
            "amount": 100,
            "currency": "EUR",
            "description": "x",
            "notify_url": "https://m.example/n",
        },
        "POST /api/v1/pay/orders/{prepay_id}/confirm": {"pin": PIN},
        "POST /api/v1/pay/orders/{prepay_id}/refunds": {"out_refund_no": "r-1", "amount": 100},
        "POST /api/v1/wallet/pin": {"pin": "654321", "old_pin": PIN},
        "POST /api/v1/wallet/topups": {"amount": 1000, "currency": "EUR"},
        "POST /api/v1/wallet/withdrawals": {"amount": 100, "currency": "EUR", "pin": PIN},
        "POST /api/v1/wallet/transfers": {
            "to": p["username"],
            "amount": 100,
            "currency": "EUR",
            "pin": PIN,
        },
        "POST /api/v1/mp/code2session": {"code": "nope"},
        "POST /api/v1/conversations/{id}/members": {"usernames": [p["username"]]},
        "PATCH /api/v1/conversations/{id}/members/{username}": {"role": "admin"},
        "POST /api/v1/dev/miniprograms/{app_id}/links": {"path": "pages/index"},
        "POST /api/v1/dev/miniprograms/{app_id}/testers": {"username": p["username"]},
        "POST /api/v1/dev/organisations/{organisation_id}/members": {
            "username": p["username"],
            "role": "developer",
        },
        "PUT /api/v1/me/contact": {"phone": "+33100000001"},
        "POST /api/v1/me/addresses": {
            "recipient": "A",
            "phone": "+33100000001",
            "line1": "2 rue",
            "city": "Lyon",
            "postal_code": "69001",
            "country": "FR",
        },
        "POST /api/v1/miniprograms/{app_id}/cards": {
            "title": "Latte",
            "page_path": "pages/index",
            "image_url": "https://cdn.example/a.png",
        },
        "POST /api/v1/miniprograms/{app_id}/open": {"source": "search"},
        "POST /api/v1/miniprograms/{app_id}/subscriptions": {"templates": ["order_shipped"]},
        "POST /api/v1/official-accounts/{account_id}/articles": {
            "title": "News",
            "body": [{"type": "paragraph", "text": "Hello"}],
            "links": [],
        },
        "POST /api/v1/official-accounts/{account_id}/auto-replies": {
            "keyword": "price",
            "match": "exact",
            "reply": "Ask us",
        },
        "PUT /api/v1/official-accounts/{account_id}/menu": {"menu": []},
        "GET /api/v1/users/lookup": {"username": p["username"]},
        "POST /api/v1/review/versions/{version_id}/reject": {"reason": "Broken"},
        "POST /api/v1/mp/subscribe-messages": {
            "openid": p["openid"],
            "template": "order_shipped",
            "data": {},
        },
    }
    return bodies.get(f"{method} {path}", {})


def status_class(status: int) -> str | int:
    return "2xx" if 200 <= status < 300 else status


def call(client, method: str, url: str, body: dict) -> str | int:
    """One request in a savepoint that is rolled back: the world stays as built."""
    with transaction.atomic():
        try:
            response = getattr(client, method.lower())(url, body or None, format="json")
            answer = status_class(response.status_code)
        except Exception as exc:  # a crash is a 500, reported in the table
            answer = f"500 {type(exc).__name__}"
        transaction.set_rollback(True)
    return answer


def matches(expected, actual) -> bool:
    return actual in expected if isinstance(expected, (set, frozenset)) else actual == expected


def test_every_operation_answers_each_role_as_the_table_says():
    world = build_world()
    ops = operations(world.clients["anonymous"])
    missing = [f"{m} {p}" for m, p in ops if (m, p) not in EXPECTED]
    assert not missing, "operations without a row in the authorization matrix:\n" + "\n".join(
        missing
    )
    stale = sorted(f"{m} {p}" for m, p in set(EXPECTED) - set(ops))
    assert not stale, "rows for operations the schema no longer has:\n" + "\n".join(stale)

    wrong = []
    for method, path in ops:
        url, body = resolve(path, world.params), body_for(method, path, world)
        row = dict(zip(ROLES, EXPECTED[method, path], strict=True))
        for role in ROLES:
            actual = call(world.clients[role], method, url, body)
            if not matches(row[role], actual):
                wrong.append(f"{method} {path} as {role}: expected {row[role]}, got {actual}")
    assert not wrong, f"{len(wrong)} answers differ from the matrix:\n" + "\n".join(wrong)
