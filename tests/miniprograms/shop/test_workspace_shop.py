"""The shop in the workspace: branding, the queued CSV import, the brand's own refunds and
cancellations, order filters, coupons disabled, and the staff's review list."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from miniprograms.shop import services
from miniprograms.shop.models import CatalogueImport, Order, Product, RefundRequest, Shop, Sku
from superapp.official import services as official_services
from tests.factories import UserFactory
from tests.helpers import assert_queries_constant, assert_refused, consumer_client, run_together
from tests.miniprograms.shop.factories import (
    after_commit,
    checkout,
    merchant,
    pay,
    product_factory,
    wallet,
    world,
)
from tests.miniprograms.shop.test_catalogue import CSV

pytestmark = pytest.mark.django_db


def associate_of(w):
    user = UserFactory()
    official_services.brand_member_add(
        actor=w.owner, brand_id=w.shop.brand_id, user=user, role="associate"
    )
    return consumer_client(user)


def paid_order(w, buyer=None, quantity=2) -> Order:
    order = checkout(buyer or UserFactory(), w.sku, quantity=quantity)
    pay(order)
    order.refresh_from_db()
    return order


# --- Branding ------------------------------------------------------------------------------------


def test_the_owner_brands_the_storefront_and_shoppers_see_it():
    w = world()
    collection = services.collection_create(actor=w.owner, shop_id=w.shop.pk, title="Scarves")
    owner = consumer_client(w.owner)
    response = owner.patch(
        f"/api/v1/shops/{w.shop.pk}/branding",
        {
            "logo": "https://img.example/logo.png",
            "accent_color": "#C0FFEE",
            "banners": [
                {
                    "image": "https://img.example/autumn.jpg",
                    "link": {"kind": "collection", "id": collection.pk},
                },
                {"image": "https://img.example/plain.jpg"},
            ],
        },
    )
    assert response.status_code == 200, response.content
    shopper = consumer_client(UserFactory()).get(f"/api/v1/shops/{w.shop.pk}").json()
    assert shopper["logo"] == "https://img.example/logo.png"
    assert shopper["accent_color"] == "#c0ffee"
    assert shopper["banners"] == [
        {
            "image": "https://img.example/autumn.jpg",
            "link": {"kind": "collection", "id": collection.pk},
        },
        {"image": "https://img.example/plain.jpg", "link": None},
    ]

    cleared = owner.patch(f"/api/v1/shops/{w.shop.pk}/branding", {"logo": None}).json()
    assert (cleared["logo"], cleared["accent_color"]) == ("", "#c0ffee")


def test_branding_refuses_a_bad_colour_or_a_banner_to_another_shop_and_writes_nothing():
    w, other = world(), world()
    owner = consumer_client(w.owner)
    url = f"/api/v1/shops/{w.shop.pk}/branding"
    bad_colour = owner.patch(url, {"accent_color": "red", "logo": "https://img.example/l.png"})
    assert_refused(bad_colour, 400, "invalid_accent_color")
    foreign = owner.patch(
        url,
        {
            "banners": [
                {
                    "image": "https://img.example/b.jpg",
                    "link": {"kind": "product", "id": other.product.pk},
                }
            ]
        },
    )
    assert_refused(foreign, 400, "banner_target_not_found")
    shop = Shop.objects.get(pk=w.shop.pk)
    assert (shop.logo, shop.accent_color, shop.banners) == ("", "", [])


def test_a_storefront_shows_a_limited_number_of_banners(settings):
    settings.SHOP_MAX_BANNERS = 2
    w = world()
    banners = [{"image": f"https://img.example/{n}.jpg"} for n in range(3)]
    response = consumer_client(w.owner).patch(
        f"/api/v1/shops/{w.shop.pk}/branding", {"banners": banners}, format="json"
    )
    assert assert_refused(response, 400, "too_many_banners")["fields"] == {
        "banners": ["At most 2 banners."]
    }
    assert Shop.objects.get(pk=w.shop.pk).banners == []


def test_only_brand_managers_change_the_branding():
    w = world()
    url = f"/api/v1/shops/{w.shop.pk}/branding"
    assert_refused(
        associate_of(w).patch(url, {"accent_color": "#000000"}), 403, "insufficient_role"
    )
    outsider = consumer_client(UserFactory()).patch(url, {"accent_color": "#000000"})
    assert_refused(outsider, 404, "shop_not_found")
    assert Shop.objects.get(pk=w.shop.pk).accent_color == ""


# --- Queued CSV import ---------------------------------------------------------------------------


def test_a_queued_import_reports_its_progress_and_rejected_rows():
    w = world()
    owner = consumer_client(w.owner)
    upload = SimpleUploadedFile("catalogue.csv", CSV.encode(), content_type="text/csv")
    with after_commit():
        started = owner.post(
            f"/api/v1/shops/{w.shop.pk}/catalogue/imports", {"file": upload}, format="multipart"
        )
    assert started.status_code == 202, started.content
    assert (started.json()["status"], started.json()["total"]) == ("pending", 6)

    job = owner.get(f"/api/v1/shops/{w.shop.pk}/catalogue/imports/{started.json()['id']}").json()
    assert (job["status"], job["processed"], job["created"], job["updated"]) == ("done", 6, 2, 0)
    assert [(r["row"], r["code"]) for r in job["rejected"]] == [
        (4, "validation_error"),
        (5, "validation_error"),
        (6, "invalid_options"),
        (7, "validation_error"),
    ]
    assert job["rejected"][0]["fields"] == {
        "stock": ["Must be a whole number (minor units for prices)."]
    }
    assert Product.objects.get(shop=w.shop, handle="tee").skus.count() == 2
    assert CatalogueImport.objects.get(pk=job["id"]).rows == []  # nothing kept once done


def test_an_import_runs_in_batches_and_a_rerun_resumes_where_it_stopped(settings):
    w = world()
    rows = [
        {"handle": f"p{i}", "title": f"P{i}", "sku": f"P{i}", "stock": "1", "currency": "EUR"}
        | {"price": "100"}
        for i in range(30)
    ]
    job = services.catalogue_import_start(actor=w.owner, shop_id=w.shop.pk, rows=rows)
    # a first batch is committed, then the task stops (a worker restarts)
    job.processed, job.created = 25, 0
    job.save()

    done = services.catalogue_import_run(import_id=job.pk)

    assert (done.status, done.processed, done.created) == ("done", 30, 5)
    assert services.catalogue_import_run(import_id=job.pk) is None  # done: nothing runs again
    assert Product.objects.filter(shop=w.shop, handle__startswith="p").count() == 5


def test_imports_are_for_managers_and_their_progress_for_their_shop_only():
    w, other = world(), world()
    upload = SimpleUploadedFile("c.csv", CSV.encode(), content_type="text/csv")
    refused = associate_of(w).post(
        f"/api/v1/shops/{w.shop.pk}/catalogue/imports", {"file": upload}, format="multipart"
    )
    assert_refused(refused, 403, "insufficient_role")
    job = services.catalogue_import_start(actor=other.owner, shop_id=other.shop.pk, rows=[])
    peek = consumer_client(w.owner).get(f"/api/v1/shops/{w.shop.pk}/catalogue/imports/{job.pk}")
    assert_refused(peek, 404, "import_not_found")
    assert not CatalogueImport.objects.filter(shop=w.shop).exists()


# --- The brand refunds and cancels ---------------------------------------------------------------


def refund(w, order, client=None, **body):
    client = client or consumer_client(w.owner)
    with after_commit():
        return client.post(
            f"/api/v1/shops/{w.shop.pk}/manage/orders/{order.pk}/refund", body, format="json"
        )


def test_a_partial_then_a_full_refund_pays_the_buyer_back_through_payments():
    w = world(price=1000, stock=5)
    order = paid_order(w)
    assert wallet(order.buyer) == 0

    partial = refund(w, order, amount=300, note="scratched")
    assert partial.status_code == 201, partial.content
    assert (partial.json()["amount"], partial.json()["reason"]) == (300, "brand_refund")
    order.refresh_from_db()
    assert (order.status, order.refunded_amount, wallet(order.buyer)) == ("paid", 300, 300)

    rest = refund(w, order)
    assert rest.json()["amount"] == 1700
    order.refresh_from_db()
    assert (order.status, order.refunded_amount, wallet(order.buyer)) == ("refunded", 2000, 2000)
    assert merchant(w.shop) == 0


def test_a_refund_above_what_is_left_is_refused_and_nothing_is_owed():
    w = world(price=1000, stock=5)
    order = paid_order(w)
    body = assert_refused(refund(w, order, amount=2001), 422, "refund_too_large")
    assert body["refundable"] == 2000
    assert not RefundRequest.objects.filter(order=order).exists()
    # approved and owed, not paid back yet (payments runs after commit): nothing is left
    services.order_refund(actor=w.owner, shop_id=w.shop.pk, order_id=order.pk, amount=None)
    [listed] = (
        consumer_client(w.owner).get(f"/api/v1/shops/{w.shop.pk}/manage/orders").json()["results"]
    )
    assert (listed["refund_pending"]["amount"], listed["refunded"]["amount"]) == (2000, 0)
    assert_refused(refund(w, order, amount=1), 422, "nothing_to_refund")
    assert RefundRequest.objects.filter(order=order).count() == 1


def test_unpaid_orders_are_cancelled_not_refunded_and_associates_refund_nothing():
    w = world(price=1000, stock=5)
    unpaid = checkout(UserFactory(), w.sku)
    assert_refused(refund(w, unpaid), 422, "invalid_order_status")
    paid = paid_order(w)
    assert_refused(refund(w, paid, client=associate_of(w)), 403, "insufficient_role")
    assert not RefundRequest.objects.exists()


def test_the_brand_cancels_an_unpaid_order_and_its_stock_is_back_on_sale():
    w = world(price=1000, stock=5)
    order = checkout(UserFactory(), w.sku, quantity=2)
    assert Sku.objects.get(pk=w.sku.pk).stock == 3
    response = consumer_client(w.owner).post(
        f"/api/v1/shops/{w.shop.pk}/manage/orders/{order.pk}/cancel"
    )
    assert response.json()["status"] == "cancelled"
    assert Sku.objects.get(pk=w.sku.pk).stock == 5


def test_cancelling_a_paid_order_refunds_it_in_full_and_restocks_every_unit():
    w = world(price=1000, stock=5)
    order = paid_order(w)
    with after_commit():
        response = consumer_client(w.owner).post(
            f"/api/v1/shops/{w.shop.pk}/manage/orders/{order.pk}/cancel"
        )
    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert (order.status, wallet(order.buyer)) == ("refunded", 2000)
    assert Sku.objects.get(pk=w.sku.pk).stock == 5
    # shipped orders are refunded, not cancelled
    shipped = paid_order(w)
    services.order_ship(
        actor=w.owner, shop_id=w.shop.pk, order_id=shipped.pk, carrier="DHL", tracking_number="1"
    )
    late = consumer_client(w.owner).post(
        f"/api/v1/shops/{w.shop.pk}/manage/orders/{shipped.pk}/cancel"
    )
    assert_refused(late, 422, "invalid_order_status")


def test_a_shipped_order_refunded_in_full_closes_as_refunded():
    w = world(price=1000, stock=5)
    order = paid_order(w)
    services.order_ship(
        actor=w.owner, shop_id=w.shop.pk, order_id=order.pk, carrier="DHL", tracking_number="1"
    )
    refund(w, order)
    order.refresh_from_db()
    assert (order.status, wallet(order.buyer)) == ("refunded", 2000)


@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
def test_concurrent_refunds_never_give_back_more_than_was_paid():
    w = world(price=1000, stock=10)
    order = paid_order(w)
    clients = [consumer_client(w.owner) for _ in range(4)]
    url = f"/api/v1/shops/{w.shop.pk}/manage/orders/{order.pk}/refund"
    answers = run_together(
        [lambda c=c: c.post(url, {"amount": 1500}, format="json").status_code for c in clients]
    )
    assert sorted(answers) == [201, 422, 422, 422]
    order.refresh_from_db()
    assert (order.refunded_amount, wallet(order.buyer)) == (1500, 1500)
    assert RefundRequest.objects.filter(order=order).count() == 1


# --- Order filters -------------------------------------------------------------------------------


def test_filters_narrow_the_orders_by_status_day_and_search():
    w = world(price=1000, stock=20)
    ana = UserFactory(username="ana_buys")
    paid = paid_order(w, buyer=ana, quantity=1)
    unpaid = checkout(UserFactory(username="bo_browses"), w.sku)
    old_buyer = UserFactory()
    old = checkout(old_buyer, w.sku)
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    old_buyer.display_name = f"Client {unpaid.pk}"  # a name with another order's number in it
    old_buyer.save(update_fields=["display_name"])
    staff = consumer_client(w.owner)
    url = f"/api/v1/shops/{w.shop.pk}/manage/orders"

    def ids(**query):
        response = staff.get(url, query)
        assert response.status_code == 200, response.content
        return [o["id"] for o in response.json()["results"]]

    assert ids() == [old.pk, unpaid.pk, paid.pk]
    assert ids(status="paid") == [paid.pk]
    assert ids(q="ana_b") == [paid.pk]
    assert ids(q=f"#{unpaid.pk}") == [unpaid.pk]  # an order number, and only that order
    assert ids(q=str(unpaid.pk)) == [old.pk, unpaid.pk]  # bare digits: names too
    today = timezone.localdate()
    assert ids(created_from=today - timedelta(days=1)) == [unpaid.pk, paid.pk]
    assert ids(created_to=today - timedelta(days=5)) == [old.pk]
    assert_refused(staff.get(url, {"created_from": "yesterday"}), 400, "validation_error")


def test_the_orders_list_costs_the_same_queries_however_many_orders():
    w = world(price=1000, stock=100)
    staff = consumer_client(w.owner)
    assert_queries_constant(
        lambda n: [checkout(UserFactory(), w.sku) for _ in range(n)],
        # Every factory username contains "user": the search matches each order at both sizes
        # (an empty page would skip the prefetches and compare unlike with like).
        lambda: staff.get(f"/api/v1/shops/{w.shop.pk}/manage/orders", {"q": "user"}),
    )


# --- Coupons and reviews -------------------------------------------------------------------------


def test_a_disabled_coupon_is_refused_at_checkout():
    w = world(stock=5)
    coupon = services.coupon_create(
        actor=w.owner, shop_id=w.shop.pk, code="WELCOME", kind="percent", value=10
    )
    disable = f"/api/v1/shops/{w.shop.pk}/manage/coupons/{coupon.pk}/disable"
    assert_refused(associate_of(w).post(disable), 403, "insufficient_role")
    response = consumer_client(w.owner).post(disable)
    assert response.json()["disabled_at"] is not None
    buyer = consumer_client(UserFactory())
    refused = buyer.post(
        f"/api/v1/shops/{w.shop.pk}/checkout",
        {
            "items": [{"sku_id": w.sku.pk, "quantity": 1}],
            "coupon_code": "WELCOME",
            "shipping_address": {
                "name": "A",
                "phone": "+33 6 12 34 56 78",
                "line1": "1 rue",
                "city": "Paris",
                "postal_code": "75002",
                "country": "FR",
            },
        },
    )
    assert_refused(refused, 422, "coupon_disabled")
    assert not Order.objects.filter(shop=w.shop).exists()


def delivered_review(w, rating=4):
    buyer = UserFactory()
    order = paid_order(w, buyer=buyer, quantity=1)
    services.order_ship(
        actor=w.owner, shop_id=w.shop.pk, order_id=order.pk, carrier="DHL", tracking_number="1"
    )
    services.order_deliver(actor=w.owner, shop_id=w.shop.pk, order_id=order.pk)
    return services.review_create(
        actor=buyer, line_id=order.lines.get().pk, rating=rating, text="Nice"
    )


def test_staff_list_their_reviews_with_open_reports_and_reply_once():
    w = world(price=1000, stock=20)
    review = delivered_review(w)
    consumer_client(w.owner).post(f"/api/v1/shop/reviews/{review.pk}/reports", {"reason": "spam"})
    staff = associate_of(w)
    url = f"/api/v1/shops/{w.shop.pk}/manage/reviews"
    [listed] = staff.get(url).json()["results"]
    assert (listed["id"], listed["product_title"], listed["open_reports"]) == (
        review.pk,
        w.product.title,
        1,
    )
    replied = staff.post(
        f"/api/v1/shops/{w.shop.pk}/manage/reviews/{review.pk}/reply", {"text": "Thanks!"}
    )
    assert replied.json()["brand_reply"] == "Thanks!"
    assert consumer_client(UserFactory()).get(url).status_code == 404
    assert_queries_constant(
        lambda n: [delivered_review(w) for _ in range(n)], lambda: staff.get(url)
    )


def test_other_shops_products_never_appear_in_a_shops_reviews():
    w, other = world(price=1000, stock=5), world(price=1000, stock=5)
    delivered_review(other)
    product_factory(w.shop)
    assert (
        consumer_client(w.owner).get(f"/api/v1/shops/{w.shop.pk}/manage/reviews").json()["results"]
        == []
    )
