"""Catalogue: products with variants and prices per currency, publishing, search, CSV import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from miniprograms.shop import services
from miniprograms.shop.models import Product, Sku
from tests.helpers import assert_queries_constant, assert_refused, consumer_client
from tests.miniprograms.shop.factories import product_factory, shop_factory, world

pytestmark = pytest.mark.django_db


def test_staff_build_a_product_with_variants_and_publish_it(api):
    shop = shop_factory()
    owner = shop.brand.members.get().user
    staff = consumer_client(owner)
    base = f"/api/v1/shops/{shop.pk}"
    collection = staff.post(f"{base}/collections", {"title": "Summer"}).json()
    product = staff.post(
        f"{base}/products",
        {
            "handle": "linen-shirt",
            "title": "Linen shirt",
            "description": "**Breezy** linen.",
            "images": ["https://img.example/shirt.jpg"],
            "option_names": ["size", "colour"],
            "collection_ids": [collection["id"]],
        },
    )
    assert product.status_code == 201, product.content
    product_id = product.json()["id"]
    sku = staff.post(
        f"{base}/products/{product_id}/skus",
        {
            "code": "LS-M-BLUE",
            "options": {"size": "M", "colour": "blue"},
            "stock": 4,
            "prices": [
                {"currency": "EUR", "amount": 5900, "compare_at_amount": 7900},
                {"currency": "USD", "amount": 6400},
            ],
        },
    )
    assert sku.status_code == 201, sku.content
    assert api.get(f"{base}/products/{product_id}").status_code == 404

    published = staff.post(f"{base}/products/{product_id}/publish")
    assert published.json()["status"] == "published"

    seen = api.get(f"{base}/products/{product_id}").json()
    assert seen["collections"] == [{"id": collection["id"], "title": "Summer"}]
    assert seen["skus"][0]["options"] == {"size": "M", "colour": "blue"}
    assert {p["currency"]: p["compare_at_amount"] for p in seen["skus"][0]["prices"]} == {
        "EUR": 7900,
        "USD": None,
    }
    staff.post(f"{base}/products/{product_id}/unpublish")
    assert api.get(f"{base}/products").json()["results"] == []
    assert len(staff.get(f"{base}/manage/products").json()["results"]) == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"code": "A", "options": {"size": "M"}, "stock": 1, "prices": []}, "validation_error"),
        (
            {
                "code": "A",
                "options": {"colour": "red"},
                "stock": 1,
                "prices": [{"currency": "EUR", "amount": 5}],
            },
            "invalid_options",
        ),
        (
            {
                "code": "A",
                "options": {"size": "S"},
                "stock": -1,
                "prices": [{"currency": "EUR", "amount": 5}],
            },
            "validation_error",
        ),
        (
            {
                "code": "A",
                "options": {"size": "S"},
                "stock": 1,
                "prices": [{"currency": "EUR", "amount": 5, "compare_at_amount": 4}],
            },
            "invalid_price",
        ),
        (
            {
                "code": "item-1-M",
                "options": {"size": "L"},
                "stock": 1,
                "prices": [{"currency": "EUR", "amount": 5}],
            },
            "sku_exists",
        ),
    ],
)
def test_bad_skus_are_refused(body, code):
    w = world(handle="item-1")
    response = consumer_client(w.owner).post(
        f"/api/v1/shops/{w.shop.pk}/products/{w.product.pk}/skus", body
    )
    assert response.json()["code"] == code
    assert Sku.objects.count() == 1


def test_a_product_without_priced_skus_cannot_be_published():
    shop = shop_factory()
    owner = shop.brand.members.get().user
    product = services.product_create(actor=owner, shop_id=shop.pk, handle="x", title="X")
    response = consumer_client(owner).post(f"/api/v1/shops/{shop.pk}/products/{product.pk}/publish")
    assert_refused(response, 422, "product_incomplete")


def test_search_filters_by_text_collection_and_price_range(api):
    shop = shop_factory()
    owner = shop.brand.members.get().user
    summer = services.collection_create(actor=owner, shop_id=shop.pk, title="Summer")
    product_factory(shop, title="Silk scarf", price=2500)
    hat, _ = product_factory(shop, title="Straw hat", price=4000)
    product_factory(shop, title="Silk bag", price=9000)
    services.product_update(
        actor=owner, shop_id=shop.pk, product_id=hat.pk, collection_ids=[summer.pk]
    )

    def titles(**query):
        response = api.get(f"/api/v1/shops/{shop.pk}/products", query)
        assert response.status_code == 200, response.content
        return sorted(p["title"] for p in response.json()["results"])

    assert titles(q="silk") == ["Silk bag", "Silk scarf"]
    assert titles(collection=summer.pk) == ["Straw hat"]
    assert titles(min_price=3000, max_price=9000) == ["Silk bag", "Straw hat"]
    assert titles(q="silk", max_price=3000) == ["Silk scarf"]
    assert titles(min_price=1, currency="USD") == []
    assert api.get(f"/api/v1/shops/{shop.pk}/products", {"min_price": "x"}).status_code == 400


def test_product_listing_paginates_without_n_plus_one(api):
    shop = shop_factory()
    first = api.get(f"/api/v1/shops/{shop.pk}/products", {"limit": 2})
    assert first.json()["next"] is None
    assert_queries_constant(
        lambda n: [product_factory(shop) for _ in range(n)],
        lambda: api.get(f"/api/v1/shops/{shop.pk}/products", {"limit": 50}),
    )
    page = api.get(f"/api/v1/shops/{shop.pk}/products", {"limit": 5}).json()
    assert len(page["results"]) == 5
    assert len(api.get(page["next"]).json()["results"]) == 3


CSV = (
    "handle,title,description,collections,images,sku,options,stock,currency,price,"
    "compare_at_price,published\n"
    """tee,Cotton tee,Soft,Basics;Summer,https://img.example/tee.jpg,TEE-S,size=S,10,EUR,1900,2500,yes
tee,Cotton tee,,,,TEE-M,size=M,5,EUR,1900,,yes
cap,Cap,,,,CAP-1,size=one,x,EUR,1200,,yes
mug,Mug,,,,MUG-1,,3,EURO,900,,no
tee,Cotton tee,,,,TEE-L,colour=red,5,EUR,1900,,yes
,,,,,,,,,,,
"""
)


def test_csv_import_applies_good_rows_and_reports_each_bad_one():
    shop = shop_factory()
    staff = consumer_client(shop.brand.members.get().user)
    upload = SimpleUploadedFile("catalogue.csv", CSV.encode(), content_type="text/csv")
    response = staff.post(
        f"/api/v1/shops/{shop.pk}/catalogue/import", {"file": upload}, format="multipart"
    )
    assert response.status_code == 200, response.content
    report = response.json()
    assert (report["rows"], report["created"], report["updated"]) == (6, 2, 0)
    assert [(e["row"], e["code"], sorted(e["fields"])) for e in report["errors"]] == [
        (4, "validation_error", ["stock"]),
        (5, "validation_error", ["currency"]),
        (6, "invalid_options", ["options"]),
        (7, "validation_error", ["currency", "handle", "price", "sku", "stock", "title"]),
    ]
    tee = Product.objects.get(shop=shop, handle="tee")
    assert tee.status == "published"
    assert sorted(c.title for c in tee.collections.all()) == ["Basics", "Summer"]
    assert sorted(tee.skus.values_list("code", "stock")) == [("TEE-M", 5), ("TEE-S", 10)]
    assert not Product.objects.filter(handle__in=["cap", "mug"]).exists()

    again = SimpleUploadedFile("catalogue.csv", CSV.encode(), content_type="text/csv")
    rerun = staff.post(
        f"/api/v1/shops/{shop.pk}/catalogue/import", {"file": again}, format="multipart"
    ).json()
    assert (rerun["created"], rerun["updated"]) == (0, 2)


def test_csv_import_limits_are_enforced(settings):
    settings.SHOP_MAX_CSV_ROWS = 1
    shop = shop_factory()
    staff = consumer_client(shop.brand.members.get().user)
    upload = SimpleUploadedFile("c.csv", CSV.encode(), content_type="text/csv")
    response = staff.post(
        f"/api/v1/shops/{shop.pk}/catalogue/import", {"file": upload}, format="multipart"
    )
    assert_refused(response, 400, "csv_too_large")
    binary = SimpleUploadedFile("c.csv", b"\xff\xfe\x00", content_type="text/csv")
    response = staff.post(
        f"/api/v1/shops/{shop.pk}/catalogue/import", {"file": binary}, format="multipart"
    )
    assert response.json()["code"] == "invalid_csv"


def test_only_managers_get_as_far_as_the_upload(api):
    """An outsider's file is never parsed: they learn nothing, not even that it is not CSV."""
    shop = shop_factory()
    binary = SimpleUploadedFile("c.csv", b"\xff\xfe\x00", content_type="text/csv")
    response = api.post(
        f"/api/v1/shops/{shop.pk}/catalogue/import", {"file": binary}, format="multipart"
    )
    assert_refused(response, 404, "shop_not_found")
    assert not Product.objects.filter(shop=shop).exists()


def test_cart_limits_are_enforced(api, settings):
    settings.SHOP_MAX_CART_LINES = 1
    shop = shop_factory()
    _, first = product_factory(shop)
    _, second = product_factory(shop)
    url = f"/api/v1/shops/{shop.pk}/cart/items"
    assert api.put(url, {"sku_id": first.pk, "quantity": 1}).status_code == 200
    full = api.put(url, {"sku_id": second.pk, "quantity": 1})
    assert_refused(full, 422, "cart_full")
    removed = api.put(url, {"sku_id": first.pk, "quantity": 0})
    assert removed.json()["items"] == []
