"""The ledger's own guarantees: balanced, append-only, non-negative wallets, verifiable."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from payments import ledger, selectors, services
from payments.models import Account, JournalTransaction, Posting
from tests.factories import UserFactory
from tests.helpers import one_transaction
from tests.payments.factories import PIN, fund, merchant_app, pay_order, payer
from tests.superapp.social.factories import befriend

pytestmark = pytest.mark.django_db
Kind = Account.Kind


def test_a_top_up_is_one_balanced_transaction_from_gateway_clearing():
    user = UserFactory()
    fund(user, 5000)
    journal = JournalTransaction.objects.get(type="topup")
    legs = {p.account.kind: p.amount for p in journal.postings.select_related("account")}
    assert legs == {Kind.GATEWAY_CLEARING: -5000, Kind.USER_WALLET: 5000}
    assert selectors.wallet_balances(user=user) == [{"currency": "EUR", "available": 5000}]


def test_journal_post_refuses_unbalanced_or_single_leg_transactions():
    user = UserFactory()
    wallet = ledger.wallet_account(user=user, currency="EUR")
    clearing = ledger.platform_account(kind=Kind.GATEWAY_CLEARING, currency="EUR")
    with pytest.raises(ValueError, match="sum to zero"):
        ledger.journal_post(
            type="topup", reference="x", actor=None, legs=[(clearing, -5), (wallet, 4)]
        )
    with pytest.raises(ValueError, match="at least two"):
        ledger.journal_post(type="topup", reference="x", actor=None, legs=[(wallet, 0)])
    assert not JournalTransaction.objects.exists()


def test_postings_and_transactions_cannot_be_updated_or_deleted():
    fund(UserFactory(), 100)
    posting = Posting.objects.first()
    journal_id = posting.transaction_id
    for statement in (
        f"UPDATE payments_posting SET amount = 1 WHERE id = {posting.pk}",
        f"DELETE FROM payments_posting WHERE id = {posting.pk}",
        f"UPDATE payments_journaltransaction SET reference = 'x' WHERE id = {journal_id}",
        f"DELETE FROM payments_journaltransaction WHERE id = {journal_id}",
    ):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            connection.cursor().execute(statement)
    assert Posting.objects.get(pk=posting.pk).amount == posting.amount


def test_the_database_refuses_postings_that_do_not_balance():
    fund(UserFactory(), 100)
    account = Account.objects.filter(kind=Kind.USER_WALLET).get()
    journal = JournalTransaction.objects.create(type="topup", reference="x")
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        Posting.objects.bulk_create(
            Posting(
                transaction=journal,
                account=account,
                amount=amount,
                currency="EUR",
                created_at=journal.created_at,
            )
            for amount in (5, -4)
        )


def test_the_database_refuses_a_posting_added_to_a_balanced_transaction():
    fund(UserFactory(), 100)
    journal = JournalTransaction.objects.get()
    account = Account.objects.filter(kind=Kind.USER_WALLET).get()
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        Posting.objects.create(
            transaction=journal,
            account=account,
            amount=7,
            currency="EUR",
            created_at=journal.created_at,
        )


def test_a_user_wallet_can_never_be_negative_in_the_database():
    user = UserFactory()
    fund(user, 100)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(user=user).update(balance=-1)


def test_ledger_verify_is_clean_after_real_flows_and_fails_on_a_tampered_balance(capsys):
    alice, bob = payer(10_000), payer()
    befriend(alice, bob)
    services.transfer_create(actor=alice, recipient=bob, amount=2500, currency="EUR", pin=PIN)
    call_command("ledger_verify")
    out = capsys.readouterr().out
    assert "ledger_verify=ok" in out
    assert "total EUR=0" in out

    Account.objects.filter(user=bob).update(balance=2501)
    with pytest.raises(CommandError, match="MISMATCH"):
        call_command("ledger_verify")
    assert "balance_mismatches=1" in capsys.readouterr().out


def test_payments_to_one_merchant_spread_over_shards_and_sum_on_read(settings):
    settings.PAYMENTS_HOT_ACCOUNT_SHARDS = 4
    settings.PAYMENTS_MERCHANT_FEE_BPS = 100
    miniprogram, _ = merchant_app()
    for _ in range(12):
        buyer = payer(1000)
        services.payorder_confirm(
            actor=buyer, prepay_id=pay_order(miniprogram, buyer, 1000).prepay_id, pin=PIN
        )
    shards = ledger.merchant_shards(organisation_id=miniprogram.organisation_id, currency="EUR")
    assert 1 < len(shards) <= 4
    assert selectors.merchant_balances(organisation_id=miniprogram.organisation_id) == [
        {"currency": "EUR", "available": 12 * 990}
    ]
    assert selectors.ledger_report().ok


def test_accounts_resolve_reads_several_accounts_in_one_query_and_creates_the_missing():
    user, other = UserFactory(), UserFactory()
    wallet = ledger.wallet_account(user=user, currency="EUR")
    fees = ledger.platform_account(kind=Kind.FEES, currency="EUR", shard=3)
    lookups = (
        ledger.wallet_lookup(user=user, currency="EUR"),
        ledger.platform_lookup(kind=Kind.FEES, currency="EUR", shard=3),
        ledger.wallet_lookup(user=user, currency="EUR", sandbox=True),  # another world
    )
    with CaptureQueriesContext(connection) as existing:
        assert ledger.accounts_resolve(*lookups[:2]) == [wallet, fees]
    assert len(existing.captured_queries) == 1

    resolved = ledger.accounts_resolve(*lookups, ledger.wallet_lookup(user=other, currency="USD"))

    assert resolved[:2] == [wallet, fees]
    assert (resolved[2].user_id, resolved[2].sandbox) == (user.pk, True)
    assert (resolved[3].user_id, resolved[3].currency) == (other.pk, "USD")
    assert ledger.accounts_resolve(*lookups) == resolved[:3]  # created once


def test_the_daily_spending_counter_equals_todays_outgoing_postings_and_is_verified(capsys):
    alice, bob = payer(10_000), payer()
    befriend(alice, bob)
    services.transfer_create(actor=alice, recipient=bob, amount=1200, currency="EUR", pin=PIN)
    services.transfer_create(actor=alice, recipient=bob, amount=300, currency="EUR", pin=PIN)
    wallet = ledger.wallet_account(user=alice, currency="EUR")
    assert (wallet.outgoing_total, wallet.outgoing_day) == (1500, wallet.created_at.date())
    assert ledger.wallet_account(user=bob, currency="EUR").outgoing_total == 0  # received only
    assert selectors.ledger_report().spending_mismatches == []

    Account.objects.filter(pk=wallet.pk).update(outgoing_total=1)
    with pytest.raises(CommandError, match="MISMATCH"):
        call_command("ledger_verify")
    assert "spending_mismatches=1" in capsys.readouterr().out


def test_a_refused_leg_writes_nothing_and_names_the_rule(settings):
    settings.PAYMENTS_DAILY_OUTGOING_LIMIT = 1000
    alice, bob = payer(5000), payer()
    befriend(alice, bob)
    with pytest.raises(ledger.InsufficientFunds):
        services.transfer_create(actor=alice, recipient=bob, amount=5001, currency="EUR", pin=PIN)
    with pytest.raises(ledger.DailyLimitExceeded) as refused:
        services.transfer_create(actor=alice, recipient=bob, amount=1001, currency="EUR", pin=PIN)
    assert refused.value.extra == {"limit": 1000, "spent_today": 0}
    assert not JournalTransaction.objects.filter(type="transfer").exists()
    assert ledger.wallet_account(user=alice, currency="EUR").balance == 5000
    assert selectors.ledger_report().ok


def test_a_payment_is_a_fixed_handful_of_statements(settings):
    """The hottest write of the platform (docs/payments.md, "Benchmark"): lock and read the
    order with its three accounts; then the whole journal transaction with its balances, the
    order marked paid, the domain event with its deliveries and the merchant's notification,
    in one statement. A regression shows here first."""
    settings.PAYMENTS_HOT_ACCOUNT_SHARDS = 1  # every shard exists after the first payment
    miniprogram, _ = merchant_app()
    buyer = payer(5000)
    orders = [pay_order(miniprogram, buyer, 1000) for _ in range(2)]
    services.payorder_confirm(actor=buyer, prepay_id=orders[0].prepay_id, pin=PIN)
    with one_transaction() as statements:
        services.payorder_confirm(actor=buyer, prepay_id=orders[1].prepay_id, pin=PIN)
    assert len(statements) == 2, statements
    written = ("payments_payorder", "core_domainevent", "webhooks_webhookdelivery")
    assert all(
        f"UPDATE {table}" in statements[1] or f"INSERT INTO {table}" in statements[1]
        for table in written
    ), statements[1]
