"""`seed_demo` gives alice's brand a working shop, once."""

import pytest
from django.core.management import call_command

from miniprograms.shop.models import Product, Shop

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_shop_once():
    call_command("seed_demo")
    call_command("seed_demo")
    shop = Shop.objects.get()
    assert shop.brand.members.get(role="owner").user.username == "alice"
    assert Product.objects.filter(shop=shop, status="published").count() == 3
