"""The Storefront API: the shop's consumer endpoints with a user token that a person granted to
a storefront mini-program through authorization code + PKCE and the ``shop`` scope
(docs/shop.md, "Storefront API")."""

from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from miniprograms.shop.models import Order
from superapp.media.models import Media
from tests.factories import UserFactory
from tests.helpers import assert_refused, consumer_client
from tests.miniprograms.shop.factories import BOOK_ADDRESS, fund_buyer, world
from tests.miniprograms.shop.test_reviews import delivered_line
from tests.miniprograms.test_oidc import login_code, pkce_pair
from tests.superapp.media.samples import image_bytes

pytestmark = pytest.mark.django_db


def storefront_token(buyer, shop, scopes) -> dict:
    """The storefront's own flow: the host asks Plaza for a PKCE-bound login code (the person
    consents to ``scopes``), the storefront redeems it at /o/token/ as a public client."""
    verifier, challenge = pkce_pair()
    code = login_code(consumer_client(buyer), shop.miniprogram, challenge, scopes=scopes)
    response = APIClient().post(
        "/o/token/",
        urlencode(
            {
                "grant_type": "authorization_code",
                "code": code,
                "code_verifier": verifier,
                "client_id": shop.miniprogram.app_id,
            }
        ),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200, response.content
    return response.json()


def client_with(token: dict) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token['access_token']}")
    return client


def test_a_shop_token_browses_carts_checks_out_starts_payment_and_lists_its_orders():
    shop_world, buyer = world(), UserFactory()
    shop, sku = shop_world.shop, shop_world.sku
    token = storefront_token(buyer, shop, ["shop", "address"])
    assert set(token["scope"].split()) == {"openid", "shop", "address"}
    store = client_with(token)
    base = f"/api/v1/shops/{shop.pk}"

    assert store.get(base).json()["app_id"] == shop.miniprogram.app_id
    products = store.get(f"{base}/products").json()["results"]
    assert [p["id"] for p in products] == [shop_world.product.pk]
    assert store.get(f"{base}/products/{shop_world.product.pk}").status_code == 200
    assert store.get(f"{base}/products/{shop_world.product.pk}/reviews").status_code == 200

    cart = store.put(f"{base}/cart/items", {"sku_id": sku.pk, "quantity": 2})
    assert cart.status_code == 200, cart.content
    consumer_client(buyer).post("/api/v1/me/addresses", {**BOOK_ADDRESS, "is_default": True})
    addresses = store.get("/api/v1/me/addresses").json()["results"]
    order = store.post(f"{base}/checkout", {"address_id": addresses[0]["id"]})
    assert order.status_code == 201, order.content
    order_id = order.json()["id"]
    assert Order.objects.get(pk=order_id).buyer_id == buyer.pk

    fund_buyer(buyer, 10_000)
    started = store.post(f"/api/v1/shop/orders/{order_id}/pay")
    assert started.status_code == 201, started.content
    assert started.json()["prepay_id"]
    mine = store.get("/api/v1/shop/orders").json()["results"]
    assert [o["id"] for o in mine] == [order_id]
    assert store.get(f"/api/v1/shop/orders/{order_id}").json()["status"] == "created"
    # paying is the person's own act, in the host's sheet: the app's token cannot confirm it
    confirm = store.post(
        f"/api/v1/pay/orders/{started.json()['prepay_id']}/confirm", {"pin": "123456"}
    )
    assert confirm.status_code in (401, 403)


def test_a_token_without_the_shop_scope_is_refused_with_a_stable_code():
    shop_world, buyer = world(), UserFactory()
    store = client_with(storefront_token(buyer, shop_world.shop, ["address"]))
    base = f"/api/v1/shops/{shop_world.shop.pk}"
    for response in (
        store.get(f"{base}/products"),
        store.get(f"{base}/cart"),
        store.post(f"{base}/checkout", {}),
        store.get("/api/v1/shop/orders"),
    ):
        assert_refused(response, 403, "shop_scope_required")


def test_a_shop_token_reaches_no_other_api_and_none_of_the_brands_writes():
    shop_world = world()
    owner = shop_world.owner  # even the brand's owner, shopping in their own storefront
    store = client_with(storefront_token(owner, shop_world.shop, ["shop"]))
    base = f"/api/v1/shops/{shop_world.shop.pk}"
    for response in (
        store.get("/api/v1/me"),
        store.get("/api/v1/conversations"),
        store.get("/api/v1/wallet"),
        store.get("/api/v1/me/addresses"),  # no ``address`` consent
        store.post("/api/v1/me/addresses", BOOK_ADDRESS),
        store.post(f"{base}/collections", {"title": "Sale"}),
        store.patch(f"{base}/products/{shop_world.product.pk}", {"title": "Cheap"}),
        store.get(f"{base}/manage/products"),
        store.get(f"{base}/manage/orders"),
    ):
        assert response.status_code in (401, 403), (response.request["PATH_INFO"], response)
    assert store.get(f"{base}/products").status_code == 200


def test_the_storefront_api_answers_cors_for_a_sandboxed_frame_and_nothing_else_does():
    shop = world().shop
    client = APIClient()
    preflight = {
        "HTTP_ORIGIN": "null",
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST",
        "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "authorization, content-type",
    }
    for path in (f"/api/v1/shops/{shop.pk}/checkout", "/api/v1/shop/orders", "/o/token/"):
        answer = client.options(path, **preflight)
        assert answer["Access-Control-Allow-Origin"] == "null", path
        assert "authorization" in answer["Access-Control-Allow-Headers"]
    for path in ("/api/v1/me", "/api/v1/conversations", f"/api/v1/shops/{shop.pk}/manage/orders"):
        assert "Access-Control-Allow-Origin" not in client.options(path, **preflight), path


def test_a_shop_token_uploads_review_photos_and_nothing_else():
    """The review form's photos go up with the storefront's own token: ``purpose=review``
    only; a token without the ``shop`` scope uploads nothing."""
    shop_world, buyer = world(), UserFactory()
    store = client_with(storefront_token(buyer, shop_world.shop, ["shop"]))

    def upload(client, purpose):
        photo = SimpleUploadedFile("photo.png", image_bytes("PNG"), content_type="image/png")
        return client.post("/api/v1/media", {"purpose": purpose, "file": photo}, format="multipart")

    uploaded = upload(store, "review")
    assert uploaded.status_code == 201, uploaded.content
    line = delivered_line(shop_world, buyer)
    posted = store.post(
        "/api/v1/shop/reviews",
        {"line_id": line.pk, "rating": 5, "photos": [uploaded.json()["id"]]},
    )
    assert posted.status_code == 201, posted.content
    assert posted.json()["photos"] == [uploaded.json()["url"]]
    reviews = store.get(
        f"/api/v1/shops/{shop_world.shop.pk}/products/{shop_world.product.pk}/reviews"
    )
    assert reviews.json()["results"][0]["photos"] == [uploaded.json()["url"]]

    for purpose in ("chat", "moment", "avatar", "product"):
        assert_refused(upload(store, purpose), 403, "purpose_not_granted")
    unscoped = client_with(storefront_token(buyer, shop_world.shop, ["address"]))
    assert_refused(upload(unscoped, "review"), 403, "shop_scope_required")
    assert Media.objects.filter(owner=buyer).count() == 1


def test_the_upload_endpoint_answers_cors_for_a_storefront():
    preflight = APIClient().options(
        "/api/v1/media",
        HTTP_ORIGIN="null",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert preflight["Access-Control-Allow-Origin"] == "null"
    sessions = APIClient().options(
        "/api/v1/media/uploads",
        HTTP_ORIGIN="null",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert "Access-Control-Allow-Origin" not in sessions
