"""Pay orders: created by a mini-program's merchant, confirmed by the payer with a PIN, closed
or expired, with merchant notifications and fees."""

import functools
import logging
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from miniprograms import selectors as miniprogram_selectors
from miniprograms import services as miniprogram_services
from payments import events, ledger, locks
from payments.errors import OUT_TRADE_NO_REUSED, PAYORDER_EXPIRED, PAYORDER_NOT_FOUND, PAYORDER_PAID
from payments.models import (
    Account,
    MerchantKey,
    PayOrder,
    WalletSecurity,
    public_id,
)
from payments.services.wallet import Kind, Type, money_validate
from payments.services.wallet_pin import pin_verify
from superapp.core import sql
from superapp.core.domain_events import emit_write
from superapp.core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
)
from superapp.webhooks.services import webhook_enqueue_write

logger = logging.getLogger(__name__)

# --- pay orders -------------------------------------------------------------------------------


def merchant_key_get(*, organisation_id: int) -> str:
    """The merchant's notification-signing secret, created on first use."""
    key, _ = sql.get_or_insert(
        MerchantKey, {"organisation_id": organisation_id}, webhook_secret=public_id("whsec_")
    )
    return key.webhook_secret


def _same_order_request(order: PayOrder, **params) -> bool:
    return all(getattr(order, name) == value for name, value in params.items())


def _payorder_create(
    *,
    miniprogram,
    payer,
    out_trade_no: str,
    amount: int,
    currency: str,
    description: str,
    notify_url: str,
) -> tuple[PayOrder, bool]:
    """Create a pay order for ``payer`` on behalf of ``miniprogram``'s organisation (the merchant).

    Returns (order, created). A retry with the same ``out_trade_no`` and parameters returns the
    existing order; the same ``out_trade_no`` with other parameters is a 409. An order of an app
    in sandbox mode is a ``sandbox`` order for good: it moves test money only, whatever the app's
    flag says when it is paid or refunded. The shop calls this
    directly with its MiniProgram and an empty ``notify_url`` (no webhook: it listens to the
    domain events); mini-program servers reach it through the API, which requires the URL."""
    money_validate(amount=amount, currency=currency)
    if not out_trade_no or len(out_trade_no) > 64:
        raise InvalidInput(fields={"out_trade_no": ["Must be 1-64 characters."]})
    params = {
        "miniprogram_id": miniprogram.pk,
        "payer_id": payer.pk,
        "amount": amount,
        "currency": currency,
        "description": description,
        "notify_url": notify_url,
    }
    lookup = {"organisation_id": miniprogram.organisation_id, "out_trade_no": out_trade_no}
    # Created now, not while paying: payments must not insert rows while holding account locks.
    merchant_key_get(organisation_id=miniprogram.organisation_id)
    identity = miniprogram_services.identity_for(miniprogram=miniprogram, user=payer)
    row = sql.all_values(
        PayOrder(
            **lookup,
            **params,
            payer_openid=identity.openid,
            sandbox=miniprogram_selectors.is_sandbox(app_id=miniprogram.app_id),
            prepay_id=public_id("pp_"),
            expires_at=timezone.now() + settings.PAYMENTS_PAYORDER_TTL,
        )
    )
    order_id = sql.insert_unless_conflicting(PayOrder, row)  # a retry's order is kept
    if order_id is not None:
        return sql.loaded(PayOrder, order_id, row), True
    order = PayOrder.objects.get(**lookup)
    if not _same_order_request(order, **params):
        raise Conflict(
            "This out_trade_no was used with other parameters.", code=OUT_TRADE_NO_REUSED
        )
    return order, False


payorder_create = transaction.atomic(_payorder_create)  # the entry point (the merchant's API)
# the shop's checkout calls it inside its own transaction (docs/architecture.md, "Transactions")
payorder_create_nested = transaction.atomic(savepoint=False)(_payorder_create)


def _payorder_locked(**lookup) -> PayOrder:
    """The pay order, locked, with its app and its payer (for the merchant's operations)."""
    order = locks.pay_orders().select_related("miniprogram", "payer").filter(**lookup).first()
    if order is None:
        raise NotFound("No such pay order.", code=PAYORDER_NOT_FOUND)
    return order


class _OrderToPay(NamedTuple):
    order: PayOrder  # locked; ``order.miniprogram`` carries the app's id and app_id
    pin: WalletSecurity | None  # the payer's PIN, if set
    notify_secret: str  # the merchant's key that signs the notification
    # the merchant shard, the fees shard and the payer's wallet (their ``ledger.LEG_FIELDS``
    # only); None if one does not exist yet
    accounts: list[Account] | None
    shards: tuple[int, int]  # the merchant's and the fees' shards drawn for this payment


_PAYORDER_FIELDS = sql.field_names(PayOrder)
_App = PayOrder._meta.get_field("miniprogram").related_model
_ACCOUNT_COLUMNS = len(ledger.LEG_FIELDS)
_MARK_PAID = (
    f"UPDATE {PayOrder._meta.db_table} SET status = %s, fee = %s, paid_at = %s WHERE id = %s"
)


@functools.cache
def _to_pay_statement(lock: str) -> str:
    """The pay order (locked with ``lock``) with its app's ``app_id``, the payer's PIN row, the
    merchant's key, and the three accounts of the payment in the order's currency and world
    (what the posting reads of them, ``ledger.LEG_FIELDS``; LEFT JOINs: a missing account reads
    as NULLs). Each account join names the columns of its
    kind's partial unique index. Parameters: the merchant shard, the fees shard, the prepay id,
    the payer."""
    accounts = ledger.ACCOUNT_TABLE

    def columns(alias: str, names) -> str:
        return ", ".join(f"{alias}.{name}" for name in names)

    return (
        f"SELECT {columns('o', _PAYORDER_FIELDS)}, m.app_id, s.id, s.pin_hash, k.webhook_secret,"
        f" {columns('am', ledger.LEG_FIELDS)}, {columns('af', ledger.LEG_FIELDS)},"
        f" {columns('aw', ledger.LEG_FIELDS)}"
        f" FROM {PayOrder._meta.db_table} o"
        f" JOIN {_App._meta.db_table} m ON m.id = o.miniprogram_id"
        f" LEFT JOIN {WalletSecurity._meta.db_table} s ON s.user_id = o.payer_id"
        f" LEFT JOIN {MerchantKey._meta.db_table} k ON k.organisation_id = o.organisation_id"
        f" LEFT JOIN {accounts} am ON am.kind = '{Kind.MERCHANT.value}'"
        " AND am.organisation_id = o.organisation_id AND am.currency = o.currency"
        " AND am.sandbox = o.sandbox AND am.shard = %s"
        f" LEFT JOIN {accounts} af ON af.kind = '{Kind.FEES.value}'"
        " AND af.organisation_id IS NULL AND af.user_id IS NULL AND af.currency = o.currency"
        " AND af.sandbox = o.sandbox AND af.shard = %s"
        f" LEFT JOIN {accounts} aw ON aw.kind = '{Kind.USER_WALLET.value}'"
        " AND aw.user_id = o.payer_id AND aw.currency = o.currency AND aw.sandbox = o.sandbox"
        f" WHERE o.prepay_id = %s AND o.payer_id = %s{lock}"
    )


def _payorder_to_pay(*, prepay_id: str, payer) -> _OrderToPay:
    """The payer's pay order, locked, read in one statement with what paying it needs: the
    app's ``app_id``, the payer's PIN row, the merchant's notification key, and the accounts
    the money moves between — a random shard of the merchant's and of the platform's fees, and
    the payer's wallet — if they all exist (written by hand: it is a payment's first statement,
    docs/payments.md "Benchmark")."""
    shards = ledger.random_shard(), ledger.random_shard()
    row = sql.fetch_one(_to_pay_statement(sql.row_lock("o")), [*shards, prepay_id, payer.pk])
    if row is None:
        raise NotFound("No such pay order.", code=PAYORDER_NOT_FOUND)
    count = len(_PAYORDER_FIELDS)
    order = sql.instance(PayOrder, _PAYORDER_FIELDS, row[:count])
    app_id, pin_id, pin_hash, notify_secret = row[count : count + 4]
    order.payer = payer
    order.miniprogram = sql.from_db(_App, ["id", "app_id"], [order.miniprogram_id, app_id])
    pin = sql.from_db(WalletSecurity, ["id", "user_id", "pin_hash"], [pin_id, payer.pk, pin_hash])
    starts = range(count + 4, len(row), _ACCOUNT_COLUMNS)
    found = [row[start : start + _ACCOUNT_COLUMNS] for start in starts]
    accounts = None
    if all(values[0] is not None for values in found):
        accounts = [sql.instance(Account, ledger.LEG_FIELDS, values) for values in found]
    return _OrderToPay(order, pin if pin_id else None, notify_secret, accounts, shards)


def _payment_accounts(order: PayOrder, merchant_shard: int, fees_shard: int) -> list[Account]:
    """The merchant shard, the fees shard and the payer's wallet of ``order``, created if
    missing."""
    currency, sandbox = order.currency, order.sandbox
    return ledger.accounts_resolve(
        ledger.merchant_lookup(
            organisation_id=order.organisation_id,
            currency=currency,
            shard=merchant_shard,
            sandbox=sandbox,
        ),
        ledger.platform_lookup(
            kind=Kind.FEES, currency=currency, shard=fees_shard, sandbox=sandbox
        ),
        ledger.wallet_lookup(user=order.payer, currency=currency, sandbox=sandbox),
    )


def _merchant_notification(*, order: PayOrder, event_type: str, data: dict, secret: str) -> list:
    """The write (``sql.Write``) that tells the merchant's server, through the signed, retried
    webhook outbox; none for a first-party mini-program (the shop), which runs in-process,
    passes an empty ``notify_url`` and learns of its payments from the domain events instead."""
    if not order.notify_url:
        return []
    notification = webhook_enqueue_write(
        owner=miniprogram_selectors.webhook_owner(order.miniprogram),
        url=order.notify_url,
        secret=secret,
        event_type=event_type,
        data={
            "prepay_id": order.prepay_id,
            "out_trade_no": order.out_trade_no,
            "payer_openid": order.payer_openid,
            "status": order.status,
            "amount": order.amount,
            "currency": order.currency,
            "sandbox": order.sandbox,
            **data,
        },
    )
    return [notification]


def _real_money_event(order: PayOrder, event: events.PayOrderPaid | events.PayOrderRefunded):
    """The write (``sql.Write``) of a pay-order domain event; none if the order is test money:
    the events are a fixed contract (payments/events.py), and the shop and loyalty must never
    fulfil or award points for a sandbox order."""
    return [] if order.sandbox else [emit_write(event)]


def merchant_fee(amount: int) -> int:
    return amount * settings.PAYMENTS_MERCHANT_FEE_BPS // 10_000


@transaction.atomic
def payorder_confirm(*, actor, prepay_id: str, pin: str) -> PayOrder:
    """The payer pays: money moves payer → merchant (minus the platform fee) in one
    transaction; the merchant is notified and ``payments.payorder_paid`` is emitted.
    Confirming an order that is already paid answers it unchanged.

    A sandbox order does the same in the sandbox world (test money, topped up as needed, no
    daily limit) and emits no domain event: only the merchant's notification tells of it."""
    order, pin_row, notify_secret, accounts, shards = _payorder_to_pay(
        prepay_id=prepay_id, payer=actor
    )
    if order.status == PayOrder.Status.PAID:
        return order
    if order.status != PayOrder.Status.PENDING:
        raise Conflict(f"This pay order is {order.status}.", code=f"payorder_{order.status}")
    if order.expires_at <= timezone.now():
        raise DomainError("This pay order has expired.", code=PAYORDER_EXPIRED)
    pin_verify(user=actor, pin=pin, security=pin_row)
    # created if missing: a first payment in this currency or world, or to a new shard
    merchant, fees, wallet = accounts or _payment_accounts(order, *shards)
    if order.sandbox:
        _sandbox_top_up(order=order, wallet=wallet)
    order.status, order.paid_at = PayOrder.Status.PAID, timezone.now()
    order.fee = merchant_fee(order.amount)
    event = events.PayOrderPaid(
        prepay_id=order.prepay_id,
        app_id=order.miniprogram.app_id,
        organisation_id=order.organisation_id,
        payer_user_id=order.payer_id,
        amount=order.amount,
        currency=order.currency,
        out_trade_no=order.out_trade_no,
        paid_at=order.paid_at,
    )
    # The posting comes last, and carries the payment's other writes (one statement): it locks
    # a merchant shard (hot during a flash sale) until commit.
    ledger.journal_post(
        type=Type.PAYMENT,
        reference=f"payorder:{order.prepay_id}",
        actor=actor,
        legs=[(wallet, -order.amount), (merchant, order.amount - order.fee), (fees, order.fee)],
        writes=[
            (_MARK_PAID, [order.status, order.fee, order.paid_at, order.pk]),
            *_real_money_event(order, event),
            *_merchant_notification(
                order=order,
                event_type="payment.succeeded",
                data={"paid_at": order.paid_at.isoformat()},
                secret=notify_secret,
            ),
        ],
    )
    return order


def _sandbox_top_up(*, order: PayOrder, wallet: Account) -> None:
    """Lock the payer's sandbox ``wallet`` and top it up from the sandbox gateway clearing account
    with whatever it lacks for ``order``, so testers never fund anything and the wallet never
    goes negative. Test money has no daily limit."""
    currency = order.currency
    clearing = ledger.platform_account(kind=Kind.GATEWAY_CLEARING, currency=currency, sandbox=True)
    shortfall = order.amount - ledger.lock_accounts([wallet])[wallet.pk].balance
    if shortfall > 0:
        ledger.journal_post(
            type=Type.TOPUP,
            reference=f"sandbox-topup:{order.prepay_id}",
            actor=None,
            legs=[(clearing, -shortfall), (wallet, shortfall)],
        )


@transaction.atomic
def payorder_close(*, miniprogram, prepay_id: str) -> PayOrder:
    """The merchant closes an unpaid order so it can no longer be paid (idempotent)."""
    order = _payorder_locked(prepay_id=prepay_id, miniprogram=miniprogram)
    if order.status == PayOrder.Status.CLOSED:
        return order
    if order.status != PayOrder.Status.PENDING:
        raise Conflict("A paid order cannot be closed; refund it.", code=PAYORDER_PAID)
    order.status, order.closed_at = PayOrder.Status.CLOSED, timezone.now()
    order.save(update_fields=["status", "closed_at"])
    return order


SWEPT_UNTIL = "payments:payorders-swept-until"


@transaction.atomic
def payorders_close_expired() -> int:
    """Close every pending order past its expiry (beat). A concurrent payment wins: the UPDATE
    re-checks ``status`` on rows it had to wait for.

    The expiry index holds every order, paid ones too (a payment's update is then HOT,
    migration 0011), so the sweep reads only the orders that expired since the last sweep
    (a clock's slack earlier, for late commits); every order expired so far when the cache
    does not remember the last sweep."""
    now = timezone.now()
    expired = PayOrder.objects.filter(status=PayOrder.Status.PENDING, expires_at__lte=now)
    if (swept_until := _cache_get(SWEPT_UNTIL)) is not None:
        expired = expired.filter(expires_at__gt=swept_until - PayOrder.CLOCK_SLACK)
    closed = expired.update(status=PayOrder.Status.CLOSED, closed_at=now)
    transaction.on_commit(lambda: _cache_set(SWEPT_UNTIL, now))
    return closed


def _cache_get(key: str):
    try:
        return cache.get(key)
    except Exception:  # the cache is down: sweep everything
        logger.warning("cache unavailable; sweeping every expired pay order", exc_info=True)
        return None


def _cache_set(key: str, value) -> None:
    try:
        cache.set(key, value, timeout=None)
    except Exception:
        logger.warning("cache unavailable; the next sweep reads every order", exc_info=True)
