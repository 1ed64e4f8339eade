"""The shop's flows that call other services run in one transaction without a savepoint
(docs/architecture.md, "Transactions"): opening a shop (its mini-program and first storefront
release), opening and joining a team (the team's order is a checkout), and a checkout to an
address from the buyer's book (the address consent it records)."""

import pytest

from miniprograms import services as miniprogram_services
from miniprograms.models import ConsentGrant, MiniProgramVersion
from miniprograms.shop import services
from miniprograms.shop.models import Order, Shop, Team
from superapp.official import services as official_services
from tests.factories import UserFactory
from tests.helpers import one_transaction
from tests.miniprograms.shop.factories import ADDRESS, BOOK_ADDRESS, world

pytestmark = pytest.mark.django_db
TIERS = [{"size": 2, "discount_percent": 10}, {"size": 3, "discount_percent": 20}]


def inserts_into(statements: list[str], model) -> int:
    """How many statements insert into ``model``'s table (the ORM quotes it, ``sql`` does not,
    and may insert in a clause of a ``WITH``)."""
    table = model._meta.db_table
    return sum(f'INSERT INTO "{table}" ' in s or f"INSERT INTO {table} " in s for s in statements)


def test_a_shop_opens_with_its_app_and_storefront_in_one_transaction():
    owner = UserFactory()
    brand = official_services.brand_create(actor=owner, name="Maison Lune")
    with one_transaction() as statements:
        shop = services.shop_enable(actor=owner, brand_id=brand.pk)
    assert inserts_into(statements, Shop) == 1
    released = MiniProgramVersion.objects.get(miniprogram=shop.miniprogram)
    assert released.status == MiniProgramVersion.Status.RELEASED


def test_a_shop_opens_without_a_storefront_build_in_one_transaction(settings, tmp_path):
    settings.STOREFRONT_DIST_DIR = str(tmp_path / "never-built")
    owner = UserFactory()
    brand = official_services.brand_create(actor=owner, name="Maison Lune")
    with one_transaction():
        shop = services.shop_enable(actor=owner, brand_id=brand.pk)
    assert Shop.objects.filter(pk=shop.pk).exists()
    assert not MiniProgramVersion.objects.filter(miniprogram=shop.miniprogram).exists()


def test_opening_a_team_places_the_leaders_order_in_the_same_transaction():
    w = world(price=10000, team_tiers=TIERS, stock=5)
    leader = UserFactory()
    with one_transaction() as statements:
        order = services.team_open(
            actor=leader,
            shop_id=w.shop.pk,
            product_id=w.product.pk,
            sku_id=w.sku.pk,
            quantity=1,
            shipping_address=ADDRESS,
        )
    assert (inserts_into(statements, Team), inserts_into(statements, Order)) == (1, 1)
    assert (order.team.leader_id, order.total) == (leader.pk, 9000)


def test_joining_a_team_places_the_members_order_in_the_same_transaction():
    w = world(price=10000, team_tiers=TIERS, stock=5)
    team = services.team_open(
        actor=UserFactory(),
        shop_id=w.shop.pk,
        product_id=w.product.pk,
        sku_id=w.sku.pk,
        quantity=1,
        shipping_address=ADDRESS,
    ).team
    member = UserFactory()
    with one_transaction() as statements:
        order = services.team_join(
            actor=member,
            team_id=team.pk,
            sku_id=w.sku.pk,
            quantity=1,
            shipping_address=ADDRESS,
        )
    assert inserts_into(statements, Order) == 1
    assert (order.team_id, order.total) == (team.pk, 9000)


def test_a_checkout_to_a_book_address_records_the_consent_without_a_savepoint():
    w = world(price=2500, stock=5)
    buyer = UserFactory()
    address = miniprogram_services.address_add(user=buyer, is_default=True, **BOOK_ADDRESS)
    services.cart_item_set(actor=buyer, shop_id=w.shop.pk, sku_id=w.sku.pk, quantity=1)
    with one_transaction() as statements:  # the cart's checkout: no sold-out read before it
        order = services.order_checkout(actor=buyer, shop_id=w.shop.pk, address_id=address.pk)
    assert inserts_into(statements, ConsentGrant) == 1
    assert order.shipping_address["line1"] == BOOK_ADDRESS["line1"]
    grant = ConsentGrant.objects.get(user=buyer, miniprogram=w.shop.miniprogram)
    assert (grant.scope, grant.revoked_at) == ("address", None)
