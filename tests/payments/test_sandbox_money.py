"""Sandbox money: a sandbox mini-program's pay orders move test money in a separate ledger
world (docs/payments.md, "Sandbox money") — never real balances, never the daily limit, never
the domain events that shops and loyalty act on."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.utils import timezone

from miniprograms import services as mp_services
from miniprograms.models import OrganisationMember
from miniprograms.selectors import webhook_owner
from payments import ledger, selectors, services
from payments.models import Account, JournalTransaction, PayOrder, Posting
from superapp.core.errors import DomainError
from superapp.core.models import DomainEvent
from superapp.webhooks.models import WebhookDelivery
from tests.helpers import Receiver, assert_refused, consumer_client
from tests.payments.factories import PIN, merchant_app, pay_order, payer, sandbox_set
from tests.payments.test_payorders_api import ORDERS, app_client, merchant_total, order_body, wallet

pytestmark = pytest.mark.django_db


@pytest.fixture
def sandbox_merchant():
    miniprogram, secret = merchant_app("Sandbox app")
    miniprogram = sandbox_set(miniprogram)
    miniprogram.client = app_client(miniprogram, secret)
    return miniprogram


def sandbox_wallet(user) -> int:
    return sum(b["available"] for b in selectors.wallet_balances(user=user, sandbox=True))


def sandbox_merchant_total(miniprogram) -> int:
    rows = selectors.merchant_balances(organisation_id=miniprogram.organisation_id, sandbox=True)
    return sum(row["available"] for row in rows)


def confirm(user, order, pin=PIN):
    return consumer_client(user).post(f"{ORDERS}/{order.prepay_id}/confirm", {"pin": pin})


def ledger_verified(capsys) -> str:
    call_command("ledger_verify")
    out = capsys.readouterr().out
    assert "ledger_verify=ok" in out
    return out


def test_a_payer_with_an_empty_real_wallet_pays_a_sandbox_order_in_test_money(
    sandbox_merchant, settings, capsys, django_capture_on_commit_callbacks
):
    settings.PAYMENTS_MERCHANT_FEE_BPS = 60
    tester = payer()  # PIN set, real wallet empty
    with Receiver() as endpoint:
        created = sandbox_merchant.client.post(
            ORDERS, order_body(sandbox_merchant, tester, notify_url=endpoint.url), format="json"
        )
        assert created.status_code == 201, created.json()
        order = PayOrder.objects.get(prepay_id=created.json()["prepay_id"])
        assert order.sandbox
        with django_capture_on_commit_callbacks(execute=True):
            response = confirm(tester, order)
    assert (response.status_code, response.json()["status"]) == (200, "paid")

    assert wallet(tester) == 0
    assert merchant_total(sandbox_merchant) == 0
    assert sandbox_wallet(tester) == 0  # topped up by exactly the shortfall, then spent
    assert sandbox_merchant_total(sandbox_merchant) == 2000 - 12
    assert not DomainEvent.objects.filter(type="payments.payorder_paid").exists()
    [notification] = endpoint.requests
    data = json.loads(notification["body"])["data"]
    assert (data["prepay_id"], data["status"], data["sandbox"]) == (order.prepay_id, "paid", True)

    topup = JournalTransaction.objects.get(reference=f"sandbox-topup:{order.prepay_id}")
    assert topup.type == "topup"
    assert all(p.account.sandbox for p in Posting.objects.select_related("account"))
    out = ledger_verified(capsys)
    assert "sandbox total EUR=0" in out
    assert "mixed_world_transactions=0" in out


def test_the_real_api_reads_show_real_money_and_sandbox_true_shows_the_test_money(
    sandbox_merchant,
):
    tester = payer(700)
    order = pay_order(sandbox_merchant, tester, 2000)
    assert confirm(tester, order).status_code == 200
    client = consumer_client(tester)
    real = client.get("/api/v1/wallet").json()["balances"]
    assert real == [{"currency": "EUR", "available": 700}]
    test = client.get("/api/v1/wallet", {"sandbox": "1"}).json()["balances"]
    assert test == [{"currency": "EUR", "available": 0}]
    real_lines = client.get("/api/v1/wallet/transactions").json()["results"]
    assert [line["type"] for line in real_lines] == ["topup"]  # the real funding only
    test_lines = client.get("/api/v1/wallet/transactions", {"sandbox": "true"}).json()["results"]
    assert sorted(line["type"] for line in test_lines) == ["payment", "topup"]
    assert client.get("/api/v1/wallet", {"sandbox": "maybe"}).status_code == 400

    day = timezone.now().date().isoformat()
    path = f"/api/v1/pay/settlements/{day}"
    assert sandbox_merchant.client.get(path).json()["lines"] == []
    [line] = sandbox_merchant.client.get(path, {"sandbox": "1"}).json()["lines"]
    assert (line["prepay_id"], line["amount"]) == (order.prepay_id, 2000)
    csv_body = sandbox_merchant.client.get(f"{path}/csv", {"sandbox": "1"}).content.decode()
    assert order.prepay_id in csv_body


def test_only_the_shortfall_is_topped_up_and_test_money_left_over_is_spent_first(
    sandbox_merchant,
):
    tester = payer()
    first = pay_order(sandbox_merchant, tester, 1000)
    confirm(tester, first)
    services.refund_create(
        miniprogram=sandbox_merchant, prepay_id=first.prepay_id, out_refund_no="R1", amount=400
    )
    assert sandbox_wallet(tester) == 400
    second = pay_order(sandbox_merchant, tester, 1000)
    confirm(tester, second)
    topup = JournalTransaction.objects.get(reference=f"sandbox-topup:{second.prepay_id}")
    assert topup.postings.get(account__kind="user_wallet").amount == 600
    assert sandbox_wallet(tester) == 0
    second_enough = pay_order(sandbox_merchant, tester, 300)
    services.refund_create(
        miniprogram=sandbox_merchant, prepay_id=second.prepay_id, out_refund_no="R2", amount=500
    )
    confirm(tester, second_enough)
    assert not JournalTransaction.objects.filter(
        reference=f"sandbox-topup:{second_enough.prepay_id}"
    ).exists()
    assert sandbox_wallet(tester) == 200


def test_the_pin_is_still_required_and_a_wrong_one_moves_nothing(sandbox_merchant):
    tester = payer()
    order = pay_order(sandbox_merchant, tester, 2000)
    response = confirm(tester, order, pin="000000")
    assert_refused(response, 422, "invalid_pin")
    order.refresh_from_db()
    assert order.status == "pending"
    assert not Account.objects.filter(sandbox=True, balance__gt=0).exists()


def test_sandbox_spending_ignores_the_daily_limit_and_leaves_spent_today_untouched(
    sandbox_merchant, settings
):
    settings.PAYMENTS_DAILY_OUTGOING_LIMIT = 5000
    tester = payer(5001)
    for _ in range(3):  # 3 x the limit in test money
        assert confirm(tester, pay_order(sandbox_merchant, tester, 5000)).status_code == 200
    real_merchant = merchant_app("Real app")[0]
    real = pay_order(real_merchant, tester, 5000)
    assert confirm(tester, real).status_code == 200  # the whole real limit is still there
    over = confirm(tester, pay_order(real_merchant, tester, 1))
    assert over.json()["code"] == "daily_limit_exceeded"
    assert over.json()["spent_today"] == 5000  # real spending only


def test_an_order_is_settled_in_the_world_it_was_created_in(sandbox_merchant):
    tester = payer(3000)
    made_in_sandbox = pay_order(sandbox_merchant, tester, 1000)
    sandbox_set(sandbox_merchant, False)
    made_live = pay_order(sandbox_merchant, tester, 1000)
    sandbox_set(sandbox_merchant, True)
    assert confirm(tester, made_in_sandbox).status_code == 200
    assert confirm(tester, made_live).status_code == 200
    assert (wallet(tester), sandbox_wallet(tester)) == (2000, 0)
    [paid] = DomainEvent.objects.filter(type="payments.payorder_paid")
    assert paid.payload["prepay_id"] == made_live.prepay_id
    retried, created = services.payorder_create(
        miniprogram=sandbox_merchant,
        payer=tester,
        out_trade_no=made_live.out_trade_no,
        amount=1000,
        currency="EUR",
        description=made_live.description,
        notify_url=made_live.notify_url,
    )
    assert (retried.pk, retried.sandbox, created) == (made_live.pk, False, False)


def test_a_sandbox_refund_goes_back_the_sandbox_way_without_a_domain_event(
    sandbox_merchant, settings, capsys
):
    settings.PAYMENTS_MERCHANT_FEE_BPS = 100
    tester = payer(500)
    order = pay_order(sandbox_merchant, tester, 2000)
    confirm(tester, order)
    response = sandbox_merchant.client.post(
        f"{ORDERS}/{order.prepay_id}/refunds", {"out_refund_no": "R-1", "amount": 2000}
    )
    assert response.status_code == 201, response.json()
    assert (wallet(tester), sandbox_wallet(tester)) == (500, 2000)
    assert sandbox_merchant_total(sandbox_merchant) == 0
    assert not DomainEvent.objects.filter(type="payments.payorder_refunded").exists()
    [note] = WebhookDelivery.objects.filter(event_type="refund.succeeded")
    assert note.owner == webhook_owner(sandbox_merchant)  # in the developer's webhook log
    assert json.loads(note.body)["data"]["sandbox"] is True
    ledger_verified(capsys)


def test_journal_post_refuses_legs_that_mix_sandbox_and_real_accounts():
    user = payer(1000)
    real = ledger.wallet_account(user=user, currency="EUR")
    test = ledger.wallet_account(user=user, currency="EUR", sandbox=True)
    with pytest.raises(ValueError, match="mix sandbox and real"), transaction.atomic():
        ledger.journal_post(
            type="transfer", reference="mixed", actor=user, legs=[(real, -100), (test, 100)]
        )
    assert ledger.wallet_account(user=user, currency="EUR").balance == 1000


def test_ledger_verify_catches_money_smuggled_between_the_worlds(capsys):
    """A transaction written around the services (a bug, a manual insert) that balances as a
    whole but moves money from the real world to the sandbox world."""
    user = payer(1000)
    real = ledger.wallet_account(user=user, currency="EUR")
    test = ledger.wallet_account(user=user, currency="EUR", sandbox=True)
    journal = JournalTransaction.objects.create(type="transfer", reference="smuggled")
    legs = ((real, -100), (test, 100))
    Posting.objects.bulk_create(  # one statement: the database checks that it balances
        Posting(
            transaction=journal,
            account=account,
            amount=amount,
            currency="EUR",
            created_at=journal.created_at,
        )
        for account, amount in legs
    )
    for account, amount in legs:
        Account.objects.filter(pk=account.pk).update(balance=account.balance + amount)
    report = selectors.ledger_report()
    assert report.mixed_world_transactions == [journal.pk]
    assert report.totals == {("EUR", False): -100, ("EUR", True): 100}
    with pytest.raises(CommandError, match="MISMATCH"):
        call_command("ledger_verify")
    assert "mixed_world_transactions=1" in capsys.readouterr().out


@pytest.mark.parametrize("model", [PayOrder, Account])
def test_the_database_refuses_to_move_an_order_or_an_account_to_the_other_world(
    sandbox_merchant, model
):
    tester = payer()
    confirm(tester, pay_order(sandbox_merchant, tester, 100))
    with pytest.raises(IntegrityError, match="sandbox is immutable"), transaction.atomic():
        model.objects.filter(sandbox=True).update(sandbox=False)


def test_an_expired_sandbox_order_is_refused_like_a_real_one(sandbox_merchant):
    """The world changes which money moves, not the rules of paying."""
    tester = payer()
    order = pay_order(sandbox_merchant, tester, 100)
    PayOrder.objects.filter(pk=order.pk).update(expires_at=timezone.now())
    with pytest.raises(DomainError, match="expired"):
        services.payorder_confirm(actor=tester, prepay_id=order.prepay_id, pin=PIN)
    assert not Account.objects.filter(sandbox=True, balance__gt=0).exists()


def test_developers_see_the_sandbox_mode_and_the_test_money_of_their_app(
    sandbox_merchant, settings, django_capture_on_commit_callbacks
):
    settings.PAYMENTS_MERCHANT_FEE_BPS = 60
    owner = OrganisationMember.objects.get(
        organisation_id=sandbox_merchant.organisation_id, role="owner"
    ).user
    tester, idle_tester = payer(), payer()
    for user in (tester, idle_tester):
        mp_services.tester_add(actor=owner, app_id=sandbox_merchant.app_id, user=user)
    order = pay_order(sandbox_merchant, tester, 2000)
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm(tester, order).status_code == 200
    url = f"/api/v1/dev/miniprograms/{sandbox_merchant.app_id}/sandbox"

    response = consumer_client(owner).get(url)

    assert response.status_code == 200
    assert response.json() == {
        "sandbox": True,
        "merchant": [{"currency": "EUR", "available": 2000 - 12}],
        "testers": [{"currency": "EUR", "available": 0, "username": tester.username}],
    }
    assert_refused(consumer_client(idle_tester).get(url), 404, "miniprogram_not_found")
