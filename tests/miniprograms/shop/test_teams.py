"""Group buying: members pay the entry team price; when the team closes they pay the price of
the tier its final size reached (the difference owed back), or everything comes back."""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from miniprograms.shop import services, tasks
from miniprograms.shop.models import Order, OrderLine, RefundRequest, Sku, Team
from superapp.core.errors import Conflict, DomainError
from tests.factories import UserFactory
from tests.helpers import consumer_client
from tests.miniprograms.shop.factories import ADDRESS, after_commit, pay, wallet, world

pytestmark = pytest.mark.django_db
TIERS = [
    {"size": 2, "discount_percent": 10},
    {"size": 4, "discount_percent": 20},
    {"size": 5, "discount_percent": 30},
]


def open_team(w, buyer, quantity=1) -> Order:
    return services.team_open(
        actor=buyer,
        shop_id=w.shop.pk,
        product_id=w.product.pk,
        sku_id=w.sku.pk,
        quantity=quantity,
        shipping_address=ADDRESS,
    )


def join(team_id, buyer, sku, quantity=1) -> Order:
    return services.team_join(
        actor=buyer, team_id=team_id, sku_id=sku.pk, quantity=quantity, shipping_address=ADDRESS
    )


def refunds(team_id) -> list[tuple[int, str]]:
    return list(
        RefundRequest.objects.filter(order__team_id=team_id)
        .order_by("order_id")
        .values_list("amount", "reason")
    )


def expire(team_id) -> None:
    Team.objects.filter(pk=team_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    with after_commit():
        tasks.close_teams.delay()


def refunded_to_wallets(orders) -> list[int]:
    """What each member's wallet holds after paying exactly its total: what came back."""
    return [wallet(order.buyer) for order in orders]


def test_opening_a_team_through_the_api_gives_a_shareable_card(api):
    w = world(price=10000, team_tiers=TIERS)
    response = api.post(
        f"/api/v1/shops/{w.shop.pk}/products/{w.product.pk}/teams",
        {"sku_id": w.sku.pk, "shipping_address": ADDRESS},
    )
    assert response.status_code == 201, response.content
    order = response.json()
    assert order["total"]["amount"] == 9000
    team = api.get(f"/api/v1/shop/teams/{order['team_id']}").json()
    assert team["status"] == "open"
    assert team["card"]["type"] == "miniprogram"
    assert team["card"]["app_id"] == w.shop.miniprogram.app_id
    assert team["card"]["path"] == f"/teams/{order['team_id']}"
    joined = consumer_client(UserFactory()).post(
        f"/api/v1/shop/teams/{order['team_id']}/join",
        {"sku_id": w.sku.pk, "shipping_address": ADDRESS},
    )
    assert joined.status_code == 201


def test_filling_the_team_refunds_everyone_down_to_the_top_tier_price():
    w = world(price=10000, team_tiers=TIERS, stock=10)
    leader = open_team(w, UserFactory())
    members = [leader] + [join(leader.team_id, UserFactory(), w.sku) for _ in range(4)]
    assert {m.total for m in members} == {9000}
    for member in members[:4]:
        pay(member)
    assert Team.objects.get(pk=leader.team_id).status == "open"

    pay(members[4])

    team = Team.objects.get(pk=leader.team_id)
    assert (team.status, team.final_size, team.final_discount_percent) == ("succeeded", 5, 30)
    assert refunds(team.pk) == [(2000, "team_price_difference")] * 5
    assert refunded_to_wallets(members) == [2000] * 5
    assert {r.status for r in RefundRequest.objects.filter(order__team=team)} == {"refunded"}


def test_expiry_settles_at_the_tier_reached_and_cancels_the_unpaid():
    w = world(price=10000, team_tiers=TIERS, stock=10)
    leader = open_team(w, UserFactory())
    joined = [join(leader.team_id, UserFactory(), w.sku) for _ in range(4)]
    for order in [leader, *joined[:3]]:
        pay(order)

    expire(leader.team_id)

    team = Team.objects.get(pk=leader.team_id)
    assert (team.status, team.final_size, team.final_discount_percent) == ("succeeded", 4, 20)
    assert refunds(team.pk) == [(1000, "team_price_difference")] * 4
    assert refunded_to_wallets([leader, *joined[:3]]) == [1000] * 4
    joined[3].refresh_from_db()
    assert joined[3].status == "cancelled"
    assert Sku.objects.get(pk=w.sku.pk).stock == 6


def test_a_team_settles_once_and_not_before_its_window_closes():
    w = world(price=10000, team_tiers=TIERS, stock=10)
    leader = open_team(w, UserFactory())
    member = join(leader.team_id, UserFactory(), w.sku)
    for order in (leader, member):
        pay(order)
    assert services.team_expire(team_id=leader.team_id) is None  # still open for joiners
    assert Team.objects.get(pk=leader.team_id).status == "open"

    expire(leader.team_id)
    assert services.team_expire(team_id=leader.team_id) is None  # a second sweep: nothing

    team = Team.objects.get(pk=leader.team_id)
    assert (team.status, team.final_size, team.final_discount_percent) == ("succeeded", 2, 10)
    assert refunds(team.pk) == []  # both paid the entry tier's price already: nothing owed
    assert refunded_to_wallets([leader, member]) == [0, 0]


def test_team_price_rounds_half_up_per_unit_and_multiplies_by_quantity():
    w = world(price=999, team_tiers=[TIERS[0], {"size": 3, "discount_percent": 25}], stock=20)
    leader = open_team(w, UserFactory(), quantity=2)
    assert leader.total == 2 * 899
    others = [join(leader.team_id, UserFactory(), w.sku) for _ in range(2)]
    for order in [leader, *others]:
        pay(order)
    assert refunds(leader.team_id) == [
        (2 * (899 - 749), "team_price_difference"),
        (899 - 749, "team_price_difference"),
        (899 - 749, "team_price_difference"),
    ]
    assert refunded_to_wallets([leader, *others]) == [300, 150, 150]


def test_a_team_below_the_smallest_tier_is_refunded_in_full_with_restock():
    w = world(price=10000, team_tiers=TIERS, stock=10)
    leader = open_team(w, UserFactory(), quantity=3)
    pay(leader)
    assert Sku.objects.get(pk=w.sku.pk).stock == 7

    expire(leader.team_id)

    assert Team.objects.get(pk=leader.team_id).status == "failed"
    assert refunds(leader.team_id) == [(27000, "team_failed")]
    assert refunded_to_wallets([leader]) == [27000]
    leader.refresh_from_db()
    assert (leader.status, leader.refunded_amount) == ("refunded", 27000)
    assert Sku.objects.get(pk=w.sku.pk).stock == 10


def test_difference_refunds_keep_the_order_going_and_it_ships_once_formed():
    w = world(price=10000, team_tiers=TIERS, stock=10)
    leader = open_team(w, UserFactory())
    pay(leader)
    with pytest.raises(DomainError) as refused:
        services.order_ship(
            actor=w.owner, shop_id=w.shop.pk, order_id=leader.pk, carrier="DHL", tracking_number="1"
        )
    assert refused.value.code == "team_not_formed"
    for _ in range(4):
        pay(join(leader.team_id, UserFactory(), w.sku))
    leader.refresh_from_db()
    assert (leader.status, leader.refunded_amount) == ("paid", 2000)
    services.order_ship(
        actor=w.owner, shop_id=w.shop.pk, order_id=leader.pk, carrier="DHL", tracking_number="1"
    )


@pytest.mark.parametrize("case", ["full", "twice", "closed", "no_tiers"])
def test_joining_is_refused_when_it_cannot_count(case):
    w = world(price=10000, team_tiers=TIERS[:1] if case != "no_tiers" else None, stock=10)
    if case == "no_tiers":
        with pytest.raises(DomainError) as refused:
            open_team(w, UserFactory())
        assert refused.value.code == "no_team_price"
        return
    leader = open_team(w, UserFactory())
    buyer = leader.buyer if case == "twice" else UserFactory()
    if case == "full":
        join(leader.team_id, UserFactory(), w.sku)
    if case == "closed":
        Team.objects.filter(pk=leader.team_id).update(expires_at=timezone.now())
    with pytest.raises(Conflict) as refused:
        join(leader.team_id, buyer, w.sku)
    expected = {"full": "team_full", "twice": "already_in_team", "closed": "team_closed"}
    assert refused.value.code == expected[case]


@given(
    price=st.integers(min_value=1, max_value=10_000_000),
    entry=st.integers(min_value=1, max_value=89),
    extra=st.integers(min_value=0, max_value=89),
    quantity=st.integers(min_value=1, max_value=99),
)
def test_a_bigger_tier_never_costs_more_and_refunds_are_exact(price, entry, extra, quantity):
    """The refund a member gets when the team closes leaves them having paid exactly the final
    tier's price (everything back if the team failed)."""
    final = min(entry + extra, 90)
    paid = services.discounted(price, entry) * quantity
    order = Order(pk=1, total=paid)  # the lines the refund reads, without a database
    order._prefetched_objects_cache = {
        "lines": [OrderLine(list_unit_amount=price, quantity=quantity)]
    }
    succeeded = Team(status=Team.Status.SUCCEEDED, final_discount_percent=final)
    refund = services.team_refund_amount(order, succeeded)
    assert 0 <= refund <= paid <= price * quantity
    assert paid - refund == services.discounted(price, final) * quantity
    failed = Team(status=Team.Status.FAILED, final_discount_percent=entry)
    assert services.team_refund_amount(order, failed) == paid
