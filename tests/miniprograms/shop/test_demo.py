"""`seed_demo` gives alice's brand a working shop, once."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from miniprograms.shop.models import Product, Shop
from superapp.official.models import OfficialAccount

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_shop_once():
    call_command("seed_demo")
    call_command("seed_demo")
    shop = Shop.objects.get()
    assert shop.brand.members.get(role="owner").user.username == "alice"
    assert Product.objects.filter(shop=shop, status="published").count() == 3


def test_seed_demo_releases_the_storefront_and_points_the_shop_menu_at_it():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    shop = Shop.objects.get()
    app_id = shop.miniprogram.app_id
    version = shop.miniprogram.versions.get(status="released").version
    assert f"storefront of {shop.name}: " in out.getvalue() and version.startswith("sf-")
    account = OfficialAccount.objects.get(brand=shop.brand)
    assert account.menu[0] == {"name": "Shop", "type": "miniprogram", "app_id": app_id, "path": "/"}
    again = io.StringIO()
    call_command("seed_demo", stdout=again)
    assert f"storefront of {shop.name}: unchanged {version}" in again.getvalue()
    assert "menu of" not in again.getvalue()
    assert Client().get(f"/mp/{app_id}/").status_code == 302
