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
from django.core.files.uploadedfile import SimpleUploadedFile
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
            "/media/uploads/": "upload_id",
            "/media/": "media_id",
            "/red-packets/": "red_packet_id",
        }
        key = next(v for prefix, v in kind.items() if prefix in path)
        path = path.replace("{id}", str(params[key]))
    if "{delivery_id}" in path:
        key = "brand_delivery_id" if path.startswith("/api/v1/brands") else "app_delivery_id"
        path = path.replace("{delivery_id}", str(params[key]))
    if "/shop/share-links/{code}" in path:
        path = path.replace("{code}", params["share_code"])
    if "/manage/orders/{order_id}" in path:  # staff ship a paid order
        path = path.replace("{order_id}", str(params["paid_order_id"]))
    if "{conversation_id}" in path:
        path = path.replace("{conversation_id}", str(params["service_conversation_id"]))
    if path.startswith("/api/v1/teams/"):  # a workspace team: alice's brand
        path = path.replace("{team_id}", str(params["brand_id"]))
    if path.startswith("/api/v1/invitations/"):  # answered by the invitee: alice
        path = path.replace("{invitation_id}", str(params["my_invitation_id"]))
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
        "POST /api/v1/media": {"file": b"handle,title\n", "purpose": "chat"},
        "POST /api/v1/media/uploads": {"purpose": "chat", "size": 3},
        "POST /api/v1/me/avatar": {"media": p["media_id"]},
        "POST /api/v1/moments/{id}/comments": {"text": "nice"},
        "POST /api/v1/official-accounts": {
            "brand": p["brand_id"],
            "name": "Second",
            "kind": "subscription",
        },
        "POST /api/v1/official-accounts/{account_id}/broadcasts": {"title": "t", "body": "b"},
        "POST /api/v1/official-accounts/{account_id}/messages": {"text": "hello"},
        "POST /api/v1/service-conversations/{conversation_id}/replies": {"text": "hello"},
        "POST /api/v1/service-conversations/{conversation_id}/handover": {
            "username": p["associate"]
        },
        "POST /api/v1/brands/{brand_id}/canned-replies": {"title": "Thanks", "text": "Thank you!"},
        "PATCH /api/v1/brands/{brand_id}/canned-replies/{canned_reply_id}": {"text": "Hello!"},
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
        "POST /api/v1/teams/{kind}/{team_id}/invitations": {
            "username": p["username"],
            "role": "associate",
        },
        "PATCH /api/v1/teams/{kind}/{team_id}/members/{user_id}": {"role": "admin"},
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
        "PATCH /api/v1/official-accounts/{account_id}": {"description": "New"},
        "PATCH /api/v1/official-accounts/{account_id}/auto-replies/{reply_id}": {"reply": "10-6"},
        "GET /api/v1/users/lookup": {"username": p["username"]},
        "GET /api/v1/search": {"q": "a"},
        "POST /api/v1/review/versions/{version_id}/reject": {"reason": "Broken"},
        "POST /api/v1/mp/subscribe-messages": {
            "openid": p["openid"],
            "template": "order_shipped",
            "data": {},
        },
        **shop_bodies(p),
        **loyalty_bodies(p, alice),
        **live_bodies(p),
    }
    return bodies.get(f"{method} {path}", {})


ADDRESS = {
    "name": "A",
    "phone": "+33100000001",
    "line1": "2 rue",
    "city": "Lyon",
    "postal_code": "69001",
    "country": "FR",
}


def shop_bodies(p: dict) -> dict:
    shops = "/api/v1/shops/{shop_id}"
    return {
        f"POST {shops}/catalogue/import": {"file": b"handle,title\n"},
        f"PUT {shops}/cart/items": {"sku_id": p["sku_id"], "quantity": 2},
        f"POST {shops}/checkout": {
            "items": [{"sku_id": p["sku_id"], "quantity": 1}],
            "shipping_address": ADDRESS,
        },
        f"POST {shops}/collections": {"title": "Hats"},
        f"PATCH {shops}/branding": {"accent_color": "#112233"},
        f"POST {shops}/catalogue/imports": {"file": b"handle,title\n"},
        f"POST {shops}/manage/coupons": {"code": "SPRING", "kind": "percent", "value": 5},
        f"POST {shops}/manage/orders/{{order_id}}/ship": {
            "carrier": "DHL",
            "tracking_number": "2",
        },
        f"POST {shops}/manage/refund-requests/{{request_id}}/decision": {"approve": False},
        f"POST {shops}/manage/reviews/{{review_id}}/reply": {"text": "Thank you"},
        f"POST {shops}/manage/share-links": {"product_id": p["product_id"]},
        f"POST {shops}/products": {"handle": "hat", "title": "Hat", "option_names": ["size"]},
        f"PATCH {shops}/products/{{product_id}}": {"title": "Silk scarf II"},
        f"POST {shops}/products/{{product_id}}/skus": {
            "code": "item-L",
            "options": {"size": "L"},
            "stock": 1,
            "prices": [{"currency": "EUR", "amount": 2500}],
        },
        f"POST {shops}/products/{{product_id}}/teams": {
            "sku_id": p["sku_id"],
            "quantity": 1,
            "shipping_address": ADDRESS,
        },
        f"PATCH {shops}/skus/{{sku_id}}": {"stock": 40},
        "POST /api/v1/shop/moderation/reviews/{review_id}": {"visible": False},
        "POST /api/v1/shop/orders/{order_id}/refund-requests": {"note": "late"},
        "POST /api/v1/shop/reviews": {"line_id": p["line_id"], "rating": 4},
        "POST /api/v1/shop/reviews/{review_id}/reports": {"reason": "spam"},
        "POST /api/v1/shop/teams/{team_id}/join": {
            "sku_id": p["sku_id"],
            "quantity": 1,
            "shipping_address": ADDRESS,
        },
        "POST /api/v1/red-packets": {
            "conversation": p["group_id"],
            "mode": "fixed",
            "amount_each": 100,
            "count": 1,
            "currency": "EUR",
            "pin": PIN,
        },
    }


def live_bodies(p: dict) -> dict:
    show = "/api/v1/live/shows/{show_id}"
    return {
        "POST /api/v1/live/shows": {
            "brand_id": p["brand_id"],
            "title": "Winter live",
            "stream_url": "https://stream.example/w.m3u8",
            "starts_at": "2030-01-01T18:00:00Z",
            "host": p["associate"],
            "product_ids": [p["product_id"]],
        },
        f"POST {show}/pins": {"product_id": p["product_id"]},
        f"POST {show}/deals": {
            "sku_id": p["sku_id"],
            "price": 1500,
            "quantity": 5,
            "per_buyer_limit": 1,
            "countdown_seconds": 10,
            "window_minutes": 1,
        },
        f"POST {show}/deals/{{deal_id}}/orders": {"quantity": 1, "shipping_address": ADDRESS},
        f"POST {show}/restrictions": {"username": p["username"], "kind": "mute"},
    }


def loyalty_bodies(p: dict, alice) -> dict:
    brand = "/api/v1/loyalty/brands/{brand_id}"
    client = f"{brand}/clients/{{client_id}}"
    return {
        "POST /api/v1/loyalty/programs": {
            "brand_id": p["brand_id"],
            "name": "Again",
            "currency": "EUR",
            "points_per_unit": 1,
            "redeem_points_per_unit": 100,
            "checkout_max_amount": 5000,
        },
        f"POST {brand}/bonus-campaigns": {
            "name": "Double days",
            "starts_at": "2030-01-01T00:00:00Z",
            "ends_at": "2030-01-08T00:00:00Z",
            "multiplier_percent": 200,
        },
        f"PATCH {brand}/program": {"name": "Alice Rewards"},
        f"POST {brand}/rewards": {
            "name": "10 off",
            "points_cost": 200,
            "coupon_kind": "fixed",
            "coupon_value": 1000,
        },
        f"POST {brand}/tiers": {"name": "Platinum", "min_spend": 900_000},
        f"PATCH {brand}/rewards/{{reward_id}}": {"points_cost": 150},
        f"POST {brand}/members/lookup": {"card": p["card"]},
        f"POST {brand}/segments/preview": {"min_spend": 1},
        f"POST {brand}/redemptions": {"reward_id": p["reward_id"]},
        f"POST {brand}/in-store-purchases": {
            "card": p["card"],
            "amount": 1000,
            "currency": "EUR",
            "reference": "till-1",
        },
        f"POST {client}/assignment": {"associate": p["associate"], "reason": "cover"},
        f"POST {client}/notes": {"body": "Prefers email"},
        f"POST {client}/tags": {"name": "Regular"},
        f"POST {client}/tasks": {"title": "Follow up", "due_at": "2030-01-01T10:00:00Z"},
        f"POST {brand}/segments": {"name": "Big", "filters": {"min_spend": 1}},
        f"POST {brand}/campaigns": {
            "segment_id": p["segment_id"],
            "account_id": p["account_id"],
            "title": "Sale",
            "body": "Soon",
        },
        "POST /api/v1/me/consents": {"purpose": "marketing", "brand_id": p["brand_id"]},
        "POST /api/v1/me/erase": {"password": DEFAULT_PASSWORD},
    }


def status_class(status: int) -> str | int:
    return "2xx" if 200 <= status < 300 else status


def call(client, method: str, url: str, body: dict) -> str | int:
    """One request in a savepoint that is rolled back: the world stays as built. A body with
    bytes values is sent as a multipart upload (a fresh file for every call)."""
    files = {k: SimpleUploadedFile(f"{k}.csv", v) for k, v in body.items() if isinstance(v, bytes)}
    encoding = "multipart" if files else "json"
    with transaction.atomic():
        try:
            response = getattr(client, method.lower())(
                url, {**body, **files} or None, format=encoding
            )
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
