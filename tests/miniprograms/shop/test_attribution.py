"""Social selling: orders placed after opening an associate's link credit that associate."""

from datetime import timedelta

import pytest
from django.utils import timezone

from miniprograms.shop.models import Attribution
from superapp.core.models import DomainEvent
from superapp.official import services as official_services
from tests.factories import UserFactory
from tests.helpers import consumer_client
from tests.miniprograms.shop.factories import checkout, pay, world

pytestmark = pytest.mark.django_db


def associate_link(w, moment_id=None):
    associate = UserFactory()
    official_services.brand_member_add(
        actor=w.owner, brand_id=w.shop.brand_id, user=associate, role="associate"
    )
    response = consumer_client(associate).post(
        f"/api/v1/shops/{w.shop.pk}/manage/share-links",
        {"product_id": w.product.pk, "moment_id": moment_id},
    )
    assert response.status_code == 201, response.content
    return associate, response.json()


@pytest.mark.parametrize("moment_id", [None, 42])
def test_order_after_a_shared_link_credits_the_associate(api, moment_id):
    w = world()
    associate, link = associate_link(w, moment_id)
    assert link["source"] == ("moment" if moment_id else "associate")
    assert api.post(f"/api/v1/shop/share-links/{link['code']}/open").status_code == 200
    order = checkout(api.user, w.sku)
    assert order.associate_id == associate.pk
    pay(order)
    paid = DomainEvent.objects.get(type="shop.order_paid").payload
    assert paid["associate_user_id"] == associate.pk


def test_attribution_ends_with_its_window(api, settings):
    settings.SHOP_ATTRIBUTION_WINDOW_DAYS = 3
    w = world(stock=5)
    _, link = associate_link(w)
    api.post(f"/api/v1/shop/share-links/{link['code']}/open")
    attribution = Attribution.objects.get()
    window = attribution.expires_at - attribution.created_at
    assert abs(window - timedelta(days=3)) < timedelta(seconds=1)
    Attribution.objects.update(expires_at=timezone.now())
    assert checkout(api.user, w.sku).associate_id is None


def test_associates_do_not_credit_themselves_and_unknown_links_are_404(api):
    w = world()
    associate, link = associate_link(w)
    consumer_client(associate).post(f"/api/v1/shop/share-links/{link['code']}/open")
    assert checkout(associate, w.sku).associate_id is None
    assert api.post("/api/v1/shop/share-links/nope/open").status_code == 404
