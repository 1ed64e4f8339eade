"""Edges of flash deals not covered by the buying flow: a deal needs a list price in the shop's
currency, a buyer names at most one address, a cancellation heard twice gives units back once,
the end of the show closes the open deal and drops the one counting down, and the comment-to-buy
words ("BUY", "buy 2") a room turns into a checkout card."""

import pytest

from miniprograms.live import handlers
from miniprograms.live.consumers import buy_quantity, filtered
from miniprograms.live.models import Deal, DealClaim
from miniprograms.shop import services as shop_services
from miniprograms.shop.events import OrderStatusChanged
from miniprograms.shop.models import Order, SkuPrice
from tests.factories import UserFactory
from tests.helpers import assert_refused, consumer_client
from tests.miniprograms.live.factories import deal_body, live_world, open_deal, start_deal
from tests.miniprograms.shop.factories import ADDRESS, after_commit

pytestmark = pytest.mark.django_db


def orders_path(deal) -> str:
    return f"/api/v1/live/shows/{deal.show_id}/deals/{deal.pk}/orders"


def status_changed(world, buyer, order_id: int, status: str) -> OrderStatusChanged:
    """The shop's event that ``order_id`` (a deal order of ``buyer``) is now ``status``."""
    return OrderStatusChanged(
        order_id=order_id,
        brand_id=world.brand.pk,
        buyer_user_id=buyer.pk,
        status=status,
        title="",
        body="",
    )


def test_a_deal_needs_a_list_price_in_the_shops_currency():
    """A SKU priced only in another currency has no list price to stay under: no deal."""
    world = live_world()
    SkuPrice.objects.filter(sku=world.sku).update(currency="USD")
    response = consumer_client(world.host).post(
        f"/api/v1/live/shows/{world.show.pk}/deals", deal_body(world)
    )
    assert_refused(response, 422, "price_unavailable")
    assert not Deal.objects.exists()


def test_a_buyer_names_a_new_address_or_a_book_address_not_both():
    deal = open_deal(live_world())
    buyer = UserFactory()
    response = consumer_client(buyer).post(
        orders_path(deal), {"quantity": 1, "shipping_address": ADDRESS, "address_id": 1}
    )
    assert assert_refused(response, 400, "validation_error")["fields"] == {
        "non_field_errors": [
            "Give at most one of shipping_address, address_id (neither: the default address)."
        ]
    }
    assert not Order.objects.exists()
    assert Deal.objects.get(pk=deal.pk).remaining == deal.quantity
    assert not DealClaim.objects.filter(buyer=buyer).exists()


def test_a_cancellation_heard_twice_gives_the_units_back_once():
    """The shop's event may be delivered again (the outbox retries): the deal's stock and the
    buyer's allowance are restored once, never twice."""
    world = live_world()
    deal = open_deal(world, quantity=5, per_buyer_limit=2)
    buyer = UserFactory()
    response = consumer_client(buyer).post(
        orders_path(deal), {"quantity": 2, "shipping_address": ADDRESS}
    )
    order_id = response.json()["order_id"]
    with after_commit():
        shop_services.order_cancel(actor=buyer, order_id=order_id)
    handlers.on_order_status_changed(
        event_id=0, event=status_changed(world, buyer, order_id, "cancelled")
    )

    assert Deal.objects.get(pk=deal.pk).remaining == 5
    assert DealClaim.objects.get(deal=deal, buyer=buyer).quantity == 0


def test_another_status_of_a_deal_order_keeps_its_units_taken():
    world = live_world()
    deal = open_deal(world, quantity=5, per_buyer_limit=2)
    buyer = UserFactory()
    response = consumer_client(buyer).post(
        orders_path(deal), {"quantity": 2, "shipping_address": ADDRESS}
    )
    handlers.on_order_status_changed(
        event_id=0, event=status_changed(world, buyer, response.json()["order_id"], "paid")
    )

    assert Deal.objects.get(pk=deal.pk).remaining == 3
    assert DealClaim.objects.get(deal=deal, buyer=buyer).quantity == 2


def test_ending_the_show_closes_the_open_deal_at_once_and_buyers_are_refused():
    world = live_world()
    deal = open_deal(world, window_minutes=5)
    consumer_client(world.host).post(f"/api/v1/live/shows/{world.show.pk}/end")
    deal.refresh_from_db()
    world.show.refresh_from_db()
    assert deal.closes_at == world.show.ended_at
    late = consumer_client(UserFactory()).post(
        orders_path(deal), {"quantity": 1, "shipping_address": ADDRESS}
    )
    assert_refused(late, 422, "deal_closed")
    assert Deal.objects.get(pk=deal.pk).remaining == deal.quantity


def test_ending_the_show_drops_a_deal_still_counting_down():
    """Nobody could buy it yet: it never happened (it is not in the show's history)."""
    world = live_world()
    deal = start_deal(world, countdown_seconds=30)
    consumer_client(world.host).post(f"/api/v1/live/shows/{world.show.pk}/end")
    assert not Deal.objects.filter(pk=deal.pk).exists()
    gone = consumer_client(UserFactory()).post(
        orders_path(deal), {"quantity": 1, "shipping_address": ADDRESS}
    )
    assert_refused(gone, 404, "deal_not_found")


# --- Comment to buy (pure) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quantity"),
    [
        ("BUY", 1),
        ("buy", 1),
        ("  Buy 2 ", 2),
        ("buy2", 2),
        ("BUY 999", 999),
    ],
)
def test_the_deal_keyword_alone_or_with_a_quantity_asks_to_buy(text, quantity):
    assert buy_quantity(text, "BUY") == quantity


@pytest.mark.parametrize(
    "text",
    ["buy now", "I want to buy", "rebuy", "buy 1000", "buy -1", "buy 2 please", ""],
)
def test_any_other_comment_is_only_a_comment(text):
    assert buy_quantity(text, "BUY") is None


def test_a_keyword_is_matched_as_written_not_as_a_pattern():
    assert buy_quantity("GET+ 3", "GET+") == 3
    assert buy_quantity("GETT 3", "GET+") is None


def test_the_word_filter_matches_whole_words_in_any_case(settings):
    settings.LIVE_WORD_FILTER = ["scam", "fake"]
    assert filtered("a SCAM, obviously")
    assert filtered("Fake!")
    assert not filtered("scampi and fakery")
    settings.LIVE_WORD_FILTER = []
    assert not filtered("scam")
