"""What the associates' phone screen needs beyond the client book: search, campaigns in the
timeline and the associate's own commission figure."""

import pytest
from django.utils import timezone

from loyalty.models import Commission
from superapp.official import services as official_services
from tests.factories import UserFactory
from tests.helpers import consumer_client
from tests.loyalty.factories import (
    add_staff,
    brand_owner,
    follow,
    order_paid,
    order_refunded,
)
from tests.superapp.official.factories import official_account

pytestmark = pytest.mark.django_db


def test_clients_are_found_by_username_or_display_name(brand, owner):
    ada = UserFactory(username="ada_l", display_name="Ada Lovelace")
    grace = UserFactory(username="grace_h", display_name="Grace Hopper")
    for user in (ada, grace):
        follow(brand, user)
    url = f"/api/v1/loyalty/brands/{brand.pk}/clients"
    by_name = owner.get(url, {"q": "lovel"}).json()["results"]
    assert [c["user"]["username"] for c in by_name] == ["ada_l"]
    by_username = owner.get(url, {"q": "GRACE"}).json()["results"]
    assert [c["user"]["username"] for c in by_username] == ["grace_h"]
    assert len(owner.get(url, {"q": "  "}).json()["results"]) == 2


def test_a_client_timeline_lists_the_campaigns_they_received(brand, owner):
    brand.owner = brand_owner(brand)
    account = official_account(brand=brand)
    shopper = UserFactory()
    official_services.account_follow(user=shopper, account_id=account.pk)
    follow(brand, shopper)
    official_services.campaign_deliver(
        campaign_id=42,
        brand_id=brand.pk,
        account_id=account.pk,
        user_ids=[shopper.pk],
        title="Private sale",
        body="Tomorrow only",
    )
    client = owner.get(f"/api/v1/loyalty/brands/{brand.pk}/clients").json()["results"][0]
    timeline = owner.get(f"/api/v1/loyalty/brands/{brand.pk}/clients/{client['id']}/timeline")
    (campaign,) = [i for i in timeline.json()["results"] if i["kind"] == "campaign"]
    assert campaign["details"] == {
        "campaign_id": 42,
        "title": "Private sale",
        "account": account.name,
    }


def test_an_associate_sees_their_own_commission_total_and_this_month(brand):
    associate, colleague = add_staff(brand), add_staff(brand)
    shopper = UserFactory()
    order = order_paid(brand, shopper, 40_000, associate_user_id=associate.pk)
    order_paid(brand, shopper, 20_000, associate_user_id=colleague.pk)
    order_refunded(brand, order, 10_000)
    url = f"/api/v1/loyalty/brands/{brand.pk}/commissions/mine"
    (total,) = consumer_client(associate).get(url).json()["totals"]
    assert total == {"currency": "EUR", "amount": 1_500, "this_month": 1_500, "entries": 2}
    assert consumer_client(brand_owner(brand)).get(url).json()["totals"] == []


def test_last_month_commission_counts_in_the_total_only(brand):
    associate = add_staff(brand)
    order_paid(brand, UserFactory(), 40_000, associate_user_id=associate.pk)
    last_month = timezone.now().replace(day=1) - timezone.timedelta(days=3)
    Commission.objects.update(created_at=last_month)
    url = f"/api/v1/loyalty/brands/{brand.pk}/commissions/mine"
    (total,) = consumer_client(associate).get(url).json()["totals"]
    assert (total["amount"], total["this_month"]) == (2_000, 0)
