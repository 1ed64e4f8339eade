"""`manage.py seed_demo` (README): safe to repeat whatever happened meanwhile, and it prints what
it made for a person to read."""

import logging
from io import StringIO

import pytest
from django.core.management import call_command

from loyalty.models import Program
from miniprograms.live.models import Show
from miniprograms.shop.models import Shop
from payments.models import GatewayOrder
from superapp.accounts.models import User
from superapp.official import services as official_services
from superapp.official.models import Brand, OfficialAccount
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_repeats_after_alice_joined_a_strangers_brand():
    seed()
    stranger = UserFactory()
    atelier = official_services.brand_create(actor=stranger, name="Atelier Nord")
    alice = User.objects.get(username="alice")
    official_services.brand_member_add(
        actor=stranger, brand_id=atelier.pk, user=alice, role="associate"
    )

    assert "demo world ready" in seed()

    [maison_lune] = Brand.objects.filter(name="Maison Lune")
    assert Shop.objects.get().brand == maison_lune
    assert Program.objects.get().brand == maison_lune
    assert Show.objects.get().brand == maison_lune


def test_a_strangers_brand_of_the_same_name_does_not_stand_in_for_alices():
    official_services.brand_create(actor=UserFactory(), name="Maison Lune")
    seed()
    alice = User.objects.get(username="alice")
    shop = Shop.objects.get()
    assert shop.brand.members.get(role="owner").user == alice
    assert OfficialAccount.objects.filter(brand=shop.brand).exists()


@pytest.mark.django_db(transaction=True)  # real commits: the top-ups settle, handlers run
def test_seed_demo_prints_what_it_made_not_a_log_line_per_task(caplog):
    with caplog.at_level(logging.INFO):
        printed = seed()

    assert [r.getMessage() for r in caplog.records if r.levelno < logging.WARNING] == []
    assert "user alice: created" in printed
    assert "wallet alice" in printed
    assert GatewayOrder.objects.filter(status="succeeded").count() == 4  # the tasks did run
    assert "demo world ready" in printed


def test_the_demo_reviewer_signs_in_to_the_admin_and_alice_keeps_a_changed_password():
    seed()
    alice = User.objects.get(username="alice")
    alice.set_password("alice-changed-it")
    alice.save()
    seed()
    from django.test import Client

    operator = Client()
    login = operator.post("/admin/login/", {"username": "rita", "password": "plaza-demo-pass"})
    assert login.status_code == 302
    assert operator.get("/admin/").status_code == 200
    assert User.objects.get(username="alice").check_password("alice-changed-it")
