"""Data rights hooks and the demo wallets."""

import io

import pytest
from django.core.management import call_command

from payments import privacy, selectors, services
from payments.models import Posting, Transfer, WalletSecurity
from superapp.accounts.models import User
from tests.payments.factories import (
    PIN,
    merchant_app,
    pay_order,
    payer,
    sandbox_set,
)
from tests.superapp.social.factories import befriend

pytestmark = pytest.mark.django_db


def test_export_lists_balances_statement_and_transfers_the_user_wrote():
    alice, bob = payer(5000), payer()
    befriend(alice, bob)
    services.transfer_create(
        actor=alice, recipient=bob, amount=1200, currency="EUR", pin=PIN, note="rent"
    )
    exported = privacy.export(alice)
    assert exported["balances"] == [{"currency": "EUR", "available": 3800}]
    assert [entry["amount"] for entry in exported["statement"]] == [5000, -1200]
    assert exported["transfers_sent"][0]["note"] == "rent"
    assert exported["pin_set"] is True
    assert exported["gateway_orders"][0]["kind"] == "topup"


def test_export_keeps_test_money_apart_from_real_money_and_labels_it():
    tester = payer(300)
    miniprogram = sandbox_set(merchant_app()[0])
    order = pay_order(miniprogram, tester, 1000)
    services.payorder_confirm(actor=tester, prepay_id=order.prepay_id, pin=PIN)
    exported = privacy.export(tester)
    assert exported["balances"] == [{"currency": "EUR", "available": 300}]
    assert exported["sandbox_balances"] == [{"currency": "EUR", "available": 0}]
    lines = [(entry["type"], entry["amount"], entry["sandbox"]) for entry in exported["statement"]]
    assert lines == [("topup", 300, False), ("topup", 1000, True), ("payment", -1000, True)]
    [paid] = exported["pay_orders"]
    assert (paid["prepay_id"], paid["sandbox"]) == (order.prepay_id, True)


def test_erase_forgets_pin_and_notes_but_keeps_every_ledger_row():
    alice, bob = payer(5000), payer()
    befriend(alice, bob)
    services.transfer_create(
        actor=alice, recipient=bob, amount=1200, currency="EUR", pin=PIN, note="rent"
    )
    postings = Posting.objects.count()
    privacy.erase(alice)
    assert not WalletSecurity.objects.filter(user=alice).exists()
    assert Transfer.objects.get().note == ""
    assert Posting.objects.count() == postings
    assert selectors.ledger_report().ok


def test_erase_blanks_the_payers_app_identity_on_their_pay_orders():
    """The openid is the payer's pseudonym in the merchant's app: after erasure nothing links
    the kept order to the identity the app knew (the amounts stay, they are the merchant's
    books)."""
    buyer, other = payer(5000), payer(5000)
    miniprogram, _ = merchant_app()
    orders = [pay_order(miniprogram, user, 1000) for user in (buyer, other)]
    for order, user in zip(orders, (buyer, other), strict=True):
        services.payorder_confirm(actor=user, prepay_id=order.prepay_id, pin=PIN)
    privacy.erase(buyer)
    for order in orders:
        order.refresh_from_db()
    assert (orders[0].payer_openid, orders[0].amount) == ("", 1000)
    assert orders[1].payer_openid != ""
    assert selectors.ledger_report().ok


def test_seed_demo_gives_demo_users_euros_through_sandbox_top_ups(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())  # idempotent
    alice = User.objects.get(username="alice")
    assert selectors.wallet_balances(user=alice) == [{"currency": "EUR", "available": 20_000}]
    assert selectors.ledger_report().ok
