"""What a shop's staff may not do to the catalogue, each refusal with its stable code: twin
collections, foreign collections, too many or non-web images, team discounts that do not grow
with the team, unknown products and SKUs, prices in other currencies or above the ceiling, and
the CSV import's per-row refusals (shape, foreign SKU codes)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from miniprograms.shop.models import Product, Sku
from tests.helpers import assert_refused, consumer_client
from tests.miniprograms.shop.factories import product_factory, shop_factory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return shop_factory()


@pytest.fixture
def staff(shop):
    return consumer_client(shop.brand.members.get(role="owner").user)


def base(shop) -> str:
    return f"/api/v1/shops/{shop.pk}"


def import_csv(staff, shop, text: str) -> dict:
    upload = SimpleUploadedFile("catalogue.csv", text.encode(), content_type="text/csv")
    response = staff.post(f"{base(shop)}/catalogue/import", {"file": upload}, format="multipart")
    assert response.status_code == 200, response.content
    return response.json()


HEADER = "handle,title,sku,options,stock,currency,price,published\n"


# --- Collections and products -----------------------------------------------------------------


def test_two_collections_of_a_shop_cannot_share_a_title(shop, staff):
    assert staff.post(f"{base(shop)}/collections", {"title": "Summer"}).status_code == 201
    twin = staff.post(f"{base(shop)}/collections", {"title": "Summer"})
    assert_refused(twin, 409, "collection_exists")


def test_a_product_joins_only_its_own_shops_collections(shop, staff):
    product, _ = product_factory(shop)
    other = shop_factory(name="Other House")
    theirs = consumer_client(other.brand.members.get().user).post(
        f"{base(other)}/collections", {"title": "Theirs"}
    )
    ours = staff.post(f"{base(shop)}/collections", {"title": "Ours"}).json()
    url = f"{base(shop)}/products/{product.pk}"
    refused = staff.patch(url, {"collection_ids": [theirs.json()["id"]]}, format="json")
    assert assert_refused(refused, 400, "validation_error")["fields"] == {
        "collection_ids": ["Unknown collection for this shop."]
    }
    joined = staff.patch(url, {"collection_ids": [ours["id"]]}, format="json")
    assert joined.status_code == 200, joined.content
    assert list(product.collections.values_list("title", flat=True)) == ["Ours"]


def test_a_product_holds_a_limited_number_of_images(shop, staff, settings):
    settings.SHOP_MAX_PRODUCT_IMAGES = 2
    product, _ = product_factory(shop)
    images = [f"https://img.example/{n}.jpg" for n in range(3)]
    refused = staff.patch(f"{base(shop)}/products/{product.pk}", {"images": images}, format="json")
    assert_refused(refused, 400, "too_many_images")
    product.refresh_from_db()
    assert product.images == []


def test_team_discounts_must_grow_with_the_team(shop, staff):
    product, _ = product_factory(shop)
    url = f"{base(shop)}/products/{product.pk}"
    shrinking = [{"size": 2, "discount_percent": 20}, {"size": 5, "discount_percent": 10}]
    refused = staff.patch(url, {"team_tiers": shrinking}, format="json")
    assert assert_refused(refused, 400, "validation_error")["fields"] == {
        "team_tiers": ["Sizes must be distinct; bigger teams get bigger discounts."]
    }
    growing = [{"size": 2, "discount_percent": 10}, {"size": 5, "discount_percent": 20}]
    accepted = staff.patch(url, {"team_tiers": growing}, format="json")
    assert accepted.status_code == 200, accepted.content
    tiers = product.team_tiers.order_by("size").values_list("size", "discount_percent")
    assert list(tiers) == [(2, 10), (5, 20)]


def test_editing_an_unknown_product_is_product_not_found(shop, staff):
    other_product, _ = product_factory(shop_factory(name="Other House"))
    response = staff.patch(f"{base(shop)}/products/{other_product.pk}", {"title": "Mine"})
    assert_refused(response, 404, "product_not_found")
    other_product.refresh_from_db()
    assert other_product.title == "Silk scarf"


# --- SKUs and prices --------------------------------------------------------------------------


def test_staff_restock_and_reprice_a_sku(shop, staff):
    _, sku = product_factory(shop, price=2500, stock=1)
    response = staff.patch(
        f"{base(shop)}/skus/{sku.pk}",
        {"stock": 7, "prices": [{"currency": "EUR", "amount": 2000}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["stock"] == 7
    assert [(p["currency"], p["amount"]) for p in response.json()["prices"]] == [("EUR", 2000)]


def test_an_unknown_sku_is_sku_not_found(shop, staff):
    _, their_sku = product_factory(shop_factory(name="Other House"), stock=3)
    response = staff.patch(f"{base(shop)}/skus/{their_sku.pk}", {"stock": 0}, format="json")
    assert_refused(response, 404, "sku_not_found")
    assert Sku.objects.get(pk=their_sku.pk).stock == 3


def test_a_price_is_in_a_supported_currency_and_under_the_ceiling(shop, staff, settings):
    _, sku = product_factory(shop, price=2500)
    url = f"{base(shop)}/skus/{sku.pk}"
    foreign = staff.patch(url, {"prices": [{"currency": "JPY", "amount": 100}]}, format="json")
    assert_refused(foreign, 400, "unsupported_currency")
    over = settings.PAYMENTS_MAX_AMOUNT + 1
    too_dear = staff.patch(url, {"prices": [{"currency": "EUR", "amount": over}]}, format="json")
    assert_refused(too_dear, 400, "invalid_price")
    assert list(sku.prices.values_list("currency", "amount")) == [("EUR", 2500)]


def test_a_second_product_with_the_same_handle_is_product_exists(shop, staff):
    product, _ = product_factory(shop, handle="scarf")
    twin = staff.post(f"{base(shop)}/products", {"handle": "scarf", "title": "Another scarf"})
    assert_refused(twin, 409, "product_exists")
    assert list(Product.objects.filter(shop=shop).values_list("pk", flat=True)) == [product.pk]


# --- CSV import -------------------------------------------------------------------------------


def test_csv_rows_breaking_the_api_rules_are_refused_one_by_one(shop, staff):
    long_title = "t" * 201
    report = import_csv(
        staff,
        shop,
        HEADER
        + "ok,Fine,OK-1,size=M,1,EUR,100,yes\n"
        + "not a slug,Bad,BAD-1,size=M,1,EUR,100,no\n"
        + f"long,{long_title},LONG-1,size=M,1,EUR,100,no\n"
        + "opts,Opts,OPT-1,a=1;b=2;c=3;d=4,1,EUR,100,no\n"
        + "free,Free,FREE-1,size=M,1,EUR,0,no\n"
        + "huge,Huge,HUGE-1,size=M,99999999999,EUR,100,no\n"
        + "broken,Broken,BRK-1,size,1,EUR,100,no\n",
    )
    assert report["created"] == 1
    assert [(e["row"], sorted(e["fields"])) for e in report["errors"]] == [
        (3, ["handle"]),
        (4, ["title"]),
        (5, ["options"]),
        (6, ["price"]),
        (7, ["stock"]),
        (8, ["options"]),
    ]
    assert list(Product.objects.filter(shop=shop).values_list("handle", flat=True)) == ["ok"]


def test_a_csv_row_cannot_take_another_products_sku_code(shop, staff):
    import_csv(staff, shop, HEADER + "tee,Tee,SHARED-1,size=M,1,EUR,100,yes\n")
    report = import_csv(staff, shop, HEADER + "cap,Cap,SHARED-1,size=M,1,EUR,100,yes\n")
    assert [(e["row"], e["code"]) for e in report["errors"]] == [(2, "sku_exists")]
    assert Sku.objects.get(code="SHARED-1").product.handle == "tee"
    assert not Product.objects.filter(handle="cap").exists()


def test_a_csv_row_publishes_an_imported_draft_later(shop, staff):
    import_csv(staff, shop, HEADER + "tee,Tee,TEE-1,size=M,1,EUR,100,no\n")
    assert Product.objects.get(handle="tee").status == "draft"
    report = import_csv(staff, shop, HEADER + "tee,Tee,TEE-1,size=M,4,EUR,120,yes\n")
    assert (report["created"], report["updated"]) == (0, 1)
    tee = Product.objects.get(handle="tee")
    assert tee.status == "published"
    sku = tee.skus.get()
    assert (sku.stock, sku.prices.get().amount) == (4, 120)


def test_a_csv_row_with_an_image_that_is_not_a_web_address_is_refused_alone(shop, staff):
    header = "handle,title,images,sku,options,stock,currency,price,published\n"
    report = import_csv(
        staff,
        shop,
        header
        + "tee,Tee,https://img.example/tee.jpg,TEE-1,size=M,1,EUR,100,yes\n"
        + "cap,Cap,ftp://img.example/cap.jpg,CAP-1,size=M,1,EUR,100,yes\n",
    )
    assert [(e["row"], e["fields"]) for e in report["errors"]] == [
        (3, {"images": ["Each image is an http(s) URL."]})
    ]
    assert list(Product.objects.filter(shop=shop).values_list("handle", flat=True)) == ["tee"]


def test_a_csv_row_the_database_cannot_hold_is_refused_alone(shop, staff):
    """A collection title longer than its column: that row is value_out_of_range, the rows
    around it are imported."""
    header = "handle,title,collections,sku,options,stock,currency,price,published\n"
    report = import_csv(
        staff,
        shop,
        header
        + "tee,Tee,Basics,TEE-1,size=M,1,EUR,100,yes\n"
        + f"cap,Cap,{'c' * 101},CAP-1,size=M,1,EUR,100,yes\n"
        + "mug,Mug,Basics,MUG-1,size=M,1,EUR,100,yes\n",
    )
    assert report["errors"] == [
        {"row": 3, "code": "value_out_of_range", "fields": {"row": ["Out of range."]}}
    ]
    handles = Product.objects.filter(shop=shop).values_list("handle", flat=True)
    assert sorted(handles) == ["mug", "tee"]


def test_a_csv_file_over_the_byte_limit_is_refused_before_any_row(shop, staff, settings):
    settings.SHOP_MAX_CSV_BYTES = 100
    text = HEADER + "".join(f"p{n},P{n},P-{n},size=M,1,EUR,100,yes\n" for n in range(5))
    upload = SimpleUploadedFile("catalogue.csv", text.encode(), content_type="text/csv")
    response = staff.post(f"{base(shop)}/catalogue/import", {"file": upload}, format="multipart")
    assert_refused(response, 400, "csv_too_large")
    assert not Product.objects.filter(shop=shop).exists()


def test_a_csv_sku_code_holds_64_characters_at_most(shop, staff):
    report = import_csv(
        staff,
        shop,
        HEADER
        + f"ok,Ok,{'S' * 64},size=M,1,EUR,100,yes\n"
        + f"long,Long,{'S' * 65},size=M,1,EUR,100,yes\n",
    )
    assert [(e["row"], e["fields"]) for e in report["errors"]] == [
        (3, {"sku": ["At most 64 characters."]})
    ]
    assert list(Product.objects.filter(shop=shop).values_list("handle", flat=True)) == ["ok"]
