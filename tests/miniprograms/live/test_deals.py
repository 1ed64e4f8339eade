"""Flash deals: who may start them, their countdown and window edges, buying in the stream
through the shop and payments (attributed to the show and its host, commission booked), the
per-buyer limit, selling out, and units coming back when an order is cancelled unpaid."""

import pytest

from loyalty import services as loyalty_services
from loyalty.models import Commission
from miniprograms.live.models import Deal, DealClaim
from miniprograms.shop import services as shop_services
from miniprograms.shop.models import Order
from tests.factories import UserFactory
from tests.helpers import assert_refused, consumer_client
from tests.loyalty.factories import PROGRAM_DEFAULTS
from tests.miniprograms.live.factories import deal_body, elapse, live_world, open_deal, start_deal
from tests.miniprograms.shop.factories import ADDRESS, BOOK_ADDRESS, after_commit, fund_buyer, pay

pytestmark = pytest.mark.django_db


def deals_path(world) -> str:
    return f"/api/v1/live/shows/{world.show.pk}/deals"


def buy(user, deal, quantity=1, **headers):
    return consumer_client(user).post(
        f"/api/v1/live/shows/{deal.show_id}/deals/{deal.pk}/orders",
        {"quantity": quantity, "shipping_address": ADDRESS},
        **headers,
    )


def test_only_the_host_and_moderators_start_deals():
    world = live_world()
    viewer = consumer_client(UserFactory()).post(deals_path(world), deal_body(world))
    associate_of_other_brand = consumer_client(live_world().host).post(
        deals_path(world), deal_body(world)
    )
    assert_refused(viewer, 403, "not_room_staff")
    assert associate_of_other_brand.status_code == 403
    created = consumer_client(world.moderator).post(deals_path(world), deal_body(world))
    assert created.status_code == 201, created.content
    assert created.json()["price"] == {"amount": 1900, "currency": "EUR"}
    assert created.json()["remaining"] == 10


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("countdown_seconds", 9, "countdown_out_of_range"),
        ("countdown_seconds", 301, "countdown_out_of_range"),
        ("window_minutes", 0, "window_out_of_range"),
        ("window_minutes", 21, "window_out_of_range"),
        ("price", 2501, "deal_price_above_list"),
        ("per_buyer_limit", 11, "per_buyer_limit_above_quantity"),
    ],
)
def test_deal_settings_outside_their_bounds_are_refused(field, value, code):
    world = live_world()
    response = consumer_client(world.host).post(
        deals_path(world), deal_body(world, **{field: value})
    )
    assert_refused(response, 400, code)
    assert list(response.json()["fields"]) == [field]
    assert not Deal.objects.exists()


@pytest.mark.parametrize(("countdown", "window"), [(10, 1), (300, 20), (10, 20), (300, 1)])
def test_deal_settings_on_their_bounds_are_accepted(countdown, window):
    world = live_world()
    response = consumer_client(world.host).post(
        deals_path(world), deal_body(world, countdown_seconds=countdown, window_minutes=window)
    )
    assert response.status_code == 201, response.content
    deal = Deal.objects.get()
    assert (deal.opens_at - deal.created_at).total_seconds() == pytest.approx(countdown, abs=1)
    assert (deal.closes_at - deal.opens_at).total_seconds() == window * 60


def test_a_deal_needs_a_pin_its_sku_stock_and_no_other_running_deal():
    world = live_world(pinned=False, stock=5)
    host = consumer_client(world.host)
    response = host.post(deals_path(world), deal_body(world, quantity=3))
    assert_refused(response, 422, "no_pinned_product")
    host.post(f"/api/v1/live/shows/{world.show.pk}/pins", {"product_id": world.product.pk})
    response = host.post(deals_path(world), deal_body(world, quantity=6))
    assert_refused(response, 422, "insufficient_stock")
    assert host.post(deals_path(world), deal_body(world, quantity=3)).status_code == 201
    response = host.post(deals_path(world), deal_body(world, quantity=1, per_buyer_limit=1))
    assert_refused(response, 409, "deal_in_progress")


def test_buying_before_the_countdown_ends_or_after_the_window_is_refused():
    world = live_world()
    deal = start_deal(world, countdown_seconds=10, window_minutes=1)
    buyer = UserFactory()
    early = buy(buyer, deal)
    assert_refused(early, 422, "deal_not_open")
    assert 9 < early.json()["opens_in_seconds"] <= 10
    elapse(deal, 5)  # a few seconds of slack: the machine is shared and slow
    assert buy(buyer, deal).json()["code"] == "deal_not_open"
    elapse(deal, 5)
    assert buy(buyer, deal).status_code == 201
    elapse(deal, 50)
    assert buy(buyer, deal).status_code == 201
    elapse(deal, 10)
    late = buy(buyer, deal)
    assert_refused(late, 422, "deal_closed")
    deal.refresh_from_db()
    assert deal.remaining == deal.quantity - 2


def test_one_tap_buy_places_an_attributed_order_at_the_deal_price_and_its_pay_order():
    world = live_world(price=2500)
    deal = open_deal(world, price=1900)
    buyer = UserFactory()
    response = buy(buyer, deal, quantity=2)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["total"] == {"amount": 3800, "currency": "EUR"}
    assert body["prepay_id"]
    order = Order.objects.get(pk=body["order_id"])
    assert (order.live_show_id, order.associate_id) == (world.show.pk, world.host.pk)
    assert (order.subtotal, order.discount, order.total) == (5000, 1200, 3800)
    line = order.lines.get()
    assert (line.unit_amount, line.list_unit_amount, line.quantity) == (1900, 2500, 2)
    deal.refresh_from_db()
    assert deal.remaining == 8
    world.sku.refresh_from_db()
    assert world.sku.stock == 98


def test_the_hosts_commission_is_booked_in_the_loyalty_ledger_once_paid():
    world = live_world()
    loyalty_services.program_create(actor=world.owner, brand_id=world.brand.pk, **PROGRAM_DEFAULTS)
    deal = open_deal(world, price=2000)
    order = Order.objects.get(pk=buy(UserFactory(), deal, quantity=2).json()["order_id"])
    assert not Commission.objects.exists()
    pay(order)
    commission = Commission.objects.get()
    assert (commission.associate_id, commission.amount) == (world.host.pk, 4000 * 500 // 10000)
    assert commission.purchase.live_show_id == world.show.pk


def test_the_per_buyer_limit_counts_every_order_of_the_buyer():
    world = live_world()
    deal = open_deal(world, per_buyer_limit=2)
    buyer = UserFactory()
    assert buy(buyer, deal, quantity=1).status_code == 201
    refused = buy(buyer, deal, quantity=2)
    assert_refused(refused, 422, "deal_limit_reached")
    assert buy(buyer, deal, quantity=1).status_code == 201
    assert buy(buyer, deal, quantity=1).json()["code"] == "deal_limit_reached"
    assert buy(UserFactory(), deal, quantity=2).status_code == 201


def test_a_sold_out_deal_refuses_and_writes_nothing():
    world = live_world()
    deal = open_deal(world, quantity=3, per_buyer_limit=2)
    assert buy(UserFactory(), deal, quantity=2).status_code == 201
    late = UserFactory()
    refused = buy(late, deal, quantity=2)
    assert_refused(refused, 409, "deal_sold_out")
    assert not Order.objects.filter(buyer=late).exists()
    assert not DealClaim.objects.filter(buyer=late, quantity__gt=0).exists()
    assert buy(late, deal, quantity=1).status_code == 201
    deal.refresh_from_db()
    assert deal.remaining == 0


def test_the_same_idempotency_key_buys_once():
    world = live_world()
    deal = open_deal(world)
    buyer = UserFactory()
    first = buy(buyer, deal, HTTP_IDEMPOTENCY_KEY="tap-1")
    again = buy(buyer, deal, HTTP_IDEMPOTENCY_KEY="tap-1")
    assert first.json() == again.json()
    assert Order.objects.filter(buyer=buyer).count() == 1


def test_a_cancelled_unpaid_deal_order_gives_its_units_back():
    world = live_world()
    deal = open_deal(world, quantity=2, per_buyer_limit=2)
    buyer = UserFactory()
    order_id = buy(buyer, deal, quantity=2).json()["order_id"]
    with after_commit():
        shop_services.order_cancel(actor=buyer, order_id=order_id)
    deal.refresh_from_db()
    assert deal.remaining == 2
    assert DealClaim.objects.get(deal=deal, buyer=buyer).quantity == 0
    fund_buyer(buyer, 0)
    assert buy(buyer, deal, quantity=2).status_code == 201


def test_a_banned_viewer_cannot_buy():
    world = live_world()
    deal = open_deal(world)
    buyer = UserFactory()
    consumer_client(world.moderator).post(
        f"/api/v1/live/shows/{world.show.pk}/restrictions",
        {"username": buyer.username, "kind": "ban"},
    )
    refused = buy(buyer, deal)
    assert_refused(refused, 403, "banned")


def test_the_checkout_card_body_is_posted_as_sent_and_ships_to_the_default_address():
    world = live_world()
    deal = open_deal(world)
    buyer = UserFactory()
    book = consumer_client(buyer)
    book.post("/api/v1/me/addresses", {**BOOK_ADDRESS, "city": "Lyon"}, format="json")
    book.post("/api/v1/me/addresses", {**BOOK_ADDRESS, "is_default": True}, format="json")

    response = book.post(
        f"/api/v1/live/shows/{deal.show_id}/deals/{deal.pk}/orders", {"quantity": 1}, format="json"
    )

    assert response.status_code == 201, response.content
    order = Order.objects.get(pk=response.json()["order_id"])
    assert (order.shipping_address["city"], order.live_show_id) == ("Paris", world.show.pk)


def test_a_card_posted_by_a_buyer_without_an_address_is_refused_with_a_clear_code():
    deal = open_deal(live_world())
    response = consumer_client(UserFactory()).post(
        f"/api/v1/live/shows/{deal.show_id}/deals/{deal.pk}/orders", {"quantity": 1}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (422, "shipping_address_required")
    assert not Order.objects.exists()
    assert Deal.objects.get().remaining == deal.quantity
