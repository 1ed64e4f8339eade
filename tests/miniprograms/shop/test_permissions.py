"""Brand staff manage their own shop only; roles decide who manages what."""

import pytest

from miniprograms.models import MiniProgram
from miniprograms.shop.models import Product
from superapp.official import services as official_services
from tests.factories import UserFactory
from tests.helpers import assert_refused, consumer_client
from tests.miniprograms.shop.factories import checkout, pay, world

pytestmark = pytest.mark.django_db


def test_enabling_a_shop_registers_a_miniprogram_of_the_brand_organisation(api):
    brand = official_services.brand_create(actor=api.user, name="Maison Lune")
    response = api.post(f"/api/v1/brands/{brand.pk}/shop", {"currency": "EUR"})
    assert response.status_code == 201, response.content
    shop = response.json()
    assert shop["app_id"].startswith("mp")
    miniprogram = MiniProgram.objects.get(app_id=shop["app_id"])
    assert miniprogram.organisation_id == brand.developer_organisation_id
    again = api.post(f"/api/v1/brands/{brand.pk}/shop", {})
    assert_refused(again, 409, "shop_already_enabled")
    assert api.get(f"/api/v1/brands/{brand.pk}/shop").json()["id"] == shop["id"]


def test_strangers_cannot_enable_a_brands_shop(api):
    brand = official_services.brand_create(actor=UserFactory(), name="Other")
    response = api.post(f"/api/v1/brands/{brand.pk}/shop", {})
    assert response.status_code == 404


def test_a_brands_staff_cannot_touch_another_brands_shop():
    mine, theirs = world(), world()
    staff = consumer_client(mine.owner)
    order = checkout(UserFactory(), theirs.sku)
    pay(order)
    base = f"/api/v1/shops/{theirs.shop.pk}"
    attempts = [
        staff.post(f"{base}/products", {"handle": "x", "title": "X"}),
        staff.patch(f"{base}/products/{theirs.product.pk}", {"title": "Hacked"}),
        staff.post(f"{base}/products/{theirs.product.pk}/unpublish"),
        staff.patch(f"{base}/skus/{theirs.sku.pk}", {"stock": 0}),
        staff.post(f"{base}/collections", {"title": "Mine now"}),
        staff.get(f"{base}/manage/orders"),
        staff.get(f"{base}/manage/products"),
        staff.post(
            f"{base}/manage/orders/{order.pk}/ship", {"carrier": "x", "tracking_number": "y"}
        ),
        staff.post(f"{base}/manage/coupons", {"code": "FREE", "kind": "percent", "value": 100}),
        staff.post(f"{base}/manage/share-links", {}),
    ]
    assert [(r.status_code, r.json()["code"]) for r in attempts] == [(404, "shop_not_found")] * len(
        attempts
    )
    own_url = f"/api/v1/shops/{mine.shop.pk}/manage/orders/{order.pk}/ship"
    assert staff.post(own_url, {"carrier": "x", "tracking_number": "y"}).status_code == 404
    assert Product.objects.get(pk=theirs.product.pk).title == "Silk scarf"


def test_associates_sell_but_do_not_manage_the_catalogue():
    w = world()
    associate = UserFactory()
    official_services.brand_member_add(
        actor=w.owner, brand_id=w.shop.brand_id, user=associate, role="associate"
    )
    client = consumer_client(associate)
    base = f"/api/v1/shops/{w.shop.pk}"
    created = client.post(f"{base}/products", {"handle": "x", "title": "X"})
    assert_refused(created, 403, "insufficient_role")
    assert client.get(f"{base}/manage/orders").status_code == 200
    assert client.post(f"{base}/manage/share-links", {}).status_code == 201
