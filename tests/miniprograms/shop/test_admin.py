"""Brand managers manage their own shop in the brand shop admin, and see no other shop."""

import pytest
from django.test import Client

from miniprograms.shop.models import Product
from superapp.official import services as official_services
from tests.factories import UserFactory
from tests.miniprograms.shop.factories import world

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_brand_manager_sees_and_edits_only_their_products():
    mine, theirs = world(title="Our scarf"), world(title="Their scarf")
    client = signed_in(mine.owner)
    listing = client.get("/brand-admin/shop/product/")
    assert listing.status_code == 200
    assert b"Our scarf" in listing.content
    assert b"Their scarf" not in listing.content
    foreign = client.get(f"/brand-admin/shop/product/{theirs.product.pk}/change/")
    assert foreign.status_code == 302
    edit = client.get(f"/brand-admin/shop/product/{mine.product.pk}/change/")
    assert edit.status_code == 200
    sku_page = client.get(f"/brand-admin/shop/sku/{mine.sku.pk}/change/")
    assert sku_page.status_code == 200
    assert Product.objects.get(pk=theirs.product.pk).title == "Their scarf"


def test_associates_and_strangers_are_kept_out_of_the_brand_admin():
    w = world()
    associate = UserFactory()
    official_services.brand_member_add(
        actor=w.owner, brand_id=w.shop.brand_id, user=associate, role="associate"
    )
    for user in (associate, UserFactory()):
        response = signed_in(user).get("/brand-admin/shop/product/")
        assert response.status_code == 302
        assert "/brand-admin/login/" in response["Location"]


@pytest.mark.parametrize("model", ["shop", "product", "sku", "order", "coupon", "team", "review"])
def test_platform_admin_pages_render(model):
    world()
    operator = UserFactory(is_staff=True, is_superuser=True)
    assert signed_in(operator).get(f"/admin/shop/{model}/").status_code == 200


def test_a_brand_owner_signs_in_to_the_brand_admin_with_their_plaza_password():
    w = world(title="Our scarf")
    w.owner.set_password("owner-pass-123")
    w.owner.save()
    client = Client()
    login = client.post(
        "/brand-admin/login/?next=/brand-admin/shop/product/",
        {"username": w.owner.username, "password": "owner-pass-123", "next": "/brand-admin/"},
    )
    assert login.status_code == 302, login.content[:500]
    assert b"Our scarf" in client.get("/brand-admin/shop/product/").content


def test_an_associate_is_told_to_use_the_workspace_at_the_brand_admin_sign_in():
    w = world()
    associate = UserFactory()
    associate.set_password("assoc-pass-123")
    associate.save()
    official_services.brand_member_add(
        actor=w.owner, brand_id=w.shop.brand_id, user=associate, role="associate"
    )
    response = Client().post(
        "/brand-admin/login/", {"username": associate.username, "password": "assoc-pass-123"}
    )
    assert response.status_code == 200
    assert b"Workspace" in response.content
    assert "_auth_user_id" not in Client().session


def test_the_admin_is_styled_its_static_files_are_served():
    response = Client().get("/static/admin/css/base.css")
    assert response.status_code == 200
    assert b"body" in b"".join(response.streaming_content)
