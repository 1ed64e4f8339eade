"""Every write of the wallet and pay-order flows. Money moves only through payments.ledger."""

import math
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from miniprograms import selectors as miniprogram_selectors
from miniprograms import services as miniprogram_services
from payments import ledger, pins, splits
from payments.gateways import CallbackRejected, gateway
from payments.models import (
    Account,
    GatewayCallback,
    GatewayOrder,
    JournalTransaction,
    MerchantKey,
    PayOrder,
    RedPacket,
    RedPacketClaim,
    Refund,
    Transfer,
    WalletSecurity,
    public_id,
)
from superapp.core import ratelimit, sql
from superapp.core.domain_events import emit
from superapp.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
)
from superapp.messaging import selectors as messaging_selectors
from superapp.messaging import services as messaging_services
from superapp.messaging.models import Conversation
from superapp.realtime.services import event_publish
from superapp.social import selectors as social
from superapp.webhooks.services import webhook_enqueue

Type = JournalTransaction.Type
Kind = Account.Kind
PIN_LENGTH = 6
PIN_FAILURES = "pin-failures"  # rate-limit scope counting wrong PINs per user
PIN_LOCK = "pin-lock"  # the user's payments are locked until the instant kept here
PIN_ATTEMPTS = "pin-attempts"  # every PIN-bearing attempt per user, per minute


class InvalidPin(DomainError):
    code = "invalid_pin"
    default_detail = "Wrong payment PIN."


class PinLocked(RateLimited):
    """429 ``pin_locked``: the detail says when payments unlock; ``Retry-After`` in seconds."""

    code = "pin_locked"

    def __init__(self, until):
        seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
        super().__init__(
            f"Too many wrong PINs: payments are locked until {until.isoformat()}.",
            retry_after=seconds,
            locked_until=until.isoformat(),
        )


# --- validation -------------------------------------------------------------------------------


def money_validate(*, amount, currency: str) -> None:
    """Amounts are positive integers in minor units, in a supported ISO-4217 currency."""
    errors = {}
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        errors["amount"] = ["Must be a positive integer in minor units."]
    elif amount > settings.PAYMENTS_MAX_AMOUNT:
        errors["amount"] = [f"Must be at most {settings.PAYMENTS_MAX_AMOUNT}."]
    if currency not in settings.PAYMENTS_CURRENCIES:
        errors["currency"] = [f"Must be one of {', '.join(settings.PAYMENTS_CURRENCIES)}."]
    if errors:
        raise InvalidInput(fields=errors)


def _pin_validate(pin, field: str = "pin") -> None:
    if not isinstance(pin, str) or len(pin) != PIN_LENGTH or not pin.isdigit():
        raise InvalidInput(fields={field: [f"Must be {PIN_LENGTH} digits."]})


# --- PIN --------------------------------------------------------------------------------------


def pin_verify(*, user, pin: str, security: WalletSecurity | None = None) -> None:
    """Check the payment PIN. Every attempt counts against ``PAYMENTS_PIN_ATTEMPTS_PER_MINUTE``
    (429 ``rate_limited``). Tries are counted in the cache, not the database, so the
    count survives the rollback of the refused request; the 5th wrong one locks payments for 15 min
    (429 ``pin_locked``). The counters fail open like every rate limit
    (superapp.core.ratelimit): with Redis down a right PIN still pays.

    ``security`` is the user's PIN row if the caller read it already (a payment reads it with
    its pay order)."""
    subject, limit = str(user.pk), settings.PAYMENTS_PIN_MAX_FAILURES
    ratelimit.hit(
        PIN_ATTEMPTS, subject, limit=settings.PAYMENTS_PIN_ATTEMPTS_PER_MINUTE, window_seconds=60
    )
    if until := ratelimit.locked_until(PIN_LOCK, subject):
        raise PinLocked(until)
    security = security or WalletSecurity.objects.filter(user=user).first()
    if security is None:
        raise DomainError("Set a payment PIN first.", code="pin_not_set")
    # A guess is taken (one atomic increment) before the PIN is checked: of any number of
    # concurrent attempts only PAYMENTS_PIN_MAX_FAILURES are ever checked.
    lock_seconds = int(settings.PAYMENTS_PIN_LOCK.total_seconds())
    guess = ratelimit.increment(PIN_FAILURES, subject, window_seconds=lock_seconds)
    if guess > limit:
        raise PinLocked(
            ratelimit.locked_until(PIN_LOCK, subject) or timezone.now() + settings.PAYMENTS_PIN_LOCK
        )
    if pins.pin_matches(pin, security.pin_hash):
        ratelimit.reset(PIN_FAILURES, subject)
        return
    if guess >= limit:
        until = timezone.now() + settings.PAYMENTS_PIN_LOCK
        ratelimit.lock(PIN_LOCK, subject, until=until)
        raise PinLocked(until)
    raise InvalidPin(attempts_left=limit - guess)


@transaction.atomic
def pin_set(*, actor, pin: str, old_pin: str | None = None) -> WalletSecurity:
    """Set the 6-digit payment PIN; changing an existing one needs the old one."""
    _pin_validate(pin)
    security = WalletSecurity.objects.select_for_update().filter(user=actor).first()
    if security is not None:
        if not old_pin:
            raise InvalidInput(fields={"old_pin": ["Required to change the PIN."]})
        pin_verify(user=actor, pin=old_pin)
        security.pin_hash = pins.pin_hash(pin)
        security.save(update_fields=["pin_hash", "updated_at"])
        return security
    return WalletSecurity.objects.create(user=actor, pin_hash=pins.pin_hash(pin))


def _wallet_changed(*, user_id: int, currency: str, reason: str, amount: int) -> None:
    event_publish(
        user_ids=[user_id],
        type="wallet.changed",
        payload={"currency": currency, "amount": amount, "reason": reason},
    )


# --- P2P transfers ----------------------------------------------------------------------------


@transaction.atomic
def transfer_create(
    *, actor, recipient, amount: int, currency: str, pin: str, note: str = ""
) -> Transfer:
    """Move money from the actor's wallet to a contact's wallet.

    Only contacts can be paid (422 ``not_a_contact``). A block in either direction gets the
    same answer: a block ends the friendship, and saying so would tell the blocked user."""
    money_validate(amount=amount, currency=currency)
    if recipient.pk == actor.pk:
        raise DomainError("You cannot send money to yourself.", code="cannot_pay_self")
    if not recipient.is_active:
        raise NotFound("No such user.", code="user_not_found")
    if not social.are_contacts(actor, recipient) or social.either_blocked(actor, recipient):
        raise DomainError("You can only send money to your contacts.", code="not_a_contact")
    pin_verify(user=actor, pin=pin)
    source, target = ledger.accounts_resolve(
        ledger.wallet_lookup(user=actor, currency=currency),
        ledger.wallet_lookup(user=recipient, currency=currency),
    )
    journal = ledger.journal_post(
        type=Type.TRANSFER,
        reference=public_id("tr_"),
        actor=actor,
        legs=[(source, -amount), (target, amount)],
    )
    transfer = Transfer.objects.create(
        journal=journal,
        sender=actor,
        recipient=recipient,
        amount=amount,
        currency=currency,
        note=note,
    )
    _wallet_changed(user_id=recipient.pk, currency=currency, reason="transfer", amount=amount)
    return transfer


# --- gateway: top-ups and withdrawals ---------------------------------------------------------


@transaction.atomic
def topup_create(*, actor, amount: int, currency: str) -> GatewayOrder:
    """Start a top-up; the wallet is credited when the gateway's callback confirms it."""
    money_validate(amount=amount, currency=currency)
    payment_gateway = gateway()
    order = GatewayOrder.objects.create(
        kind=GatewayOrder.Kind.TOPUP,
        user=actor,
        amount=amount,
        currency=currency,
        gateway=payment_gateway.name,
    )
    payment_gateway.charge_start(reference=order.reference, amount=amount, currency=currency)
    return order


@transaction.atomic
def withdrawal_create(*, actor, amount: int, currency: str, pin: str) -> GatewayOrder:
    """Move the money out of the wallet into gateway clearing now, then ask for the payout;
    a failed payout puts it back."""
    money_validate(amount=amount, currency=currency)
    pin_verify(user=actor, pin=pin)
    wallet, clearing = ledger.accounts_resolve(
        ledger.wallet_lookup(user=actor, currency=currency),
        ledger.platform_lookup(kind=Kind.GATEWAY_CLEARING, currency=currency),
    )
    payment_gateway = gateway()
    order = GatewayOrder.objects.create(
        kind=GatewayOrder.Kind.WITHDRAWAL,
        user=actor,
        amount=amount,
        currency=currency,
        gateway=payment_gateway.name,
    )
    ledger.journal_post(
        type=Type.WITHDRAWAL,
        reference=f"gateway:{order.reference}",
        actor=actor,
        legs=[(wallet, -amount), (clearing, amount)],
    )
    payment_gateway.payout_start(reference=order.reference, amount=amount, currency=currency)
    return order


@transaction.atomic
def gateway_callback_receive(*, body: bytes, signature: str) -> GatewayCallback:
    """Apply a gateway callback exactly once.

    Refused (nothing changes): a bad or stale signature, a body that does not match the order,
    an event id already received (a replay). A second, different event for an order that is
    already complete is acknowledged without effect."""
    event = gateway().callback_parse(body=body, signature=signature)
    order = GatewayOrder.objects.select_for_update().filter(reference=event.reference).first()
    if order is None:
        raise CallbackRejected("Unknown reference.", code="unknown_reference")
    if (event.kind, event.amount, event.currency) != (order.kind, order.amount, order.currency):
        raise CallbackRejected("The callback does not match the order.", code="callback_mismatch")
    applies = order.status == GatewayOrder.Status.PENDING
    try:
        with transaction.atomic():
            callback = GatewayCallback.objects.create(
                event_id=event.event_id, order=order, outcome=event.outcome, applied=applies
            )
    except IntegrityError as exc:
        raise Conflict("This callback was already received.", code="callback_replayed") from exc
    if applies:
        _gateway_order_complete(order=order, succeeded=event.outcome == "succeeded", event=event)
    return callback


def _gateway_order_complete(*, order: GatewayOrder, succeeded: bool, event) -> None:
    order.status = GatewayOrder.Status.SUCCEEDED if succeeded else GatewayOrder.Status.FAILED
    order.failure_reason = "" if succeeded else event.failure_reason or "failed"
    order.completed_at = timezone.now()
    order.save(update_fields=["status", "failure_reason", "completed_at"])
    is_topup = order.kind == GatewayOrder.Kind.TOPUP
    if is_topup != succeeded:  # a successful payout or a declined charge moves nothing more
        return
    clearing, wallet = ledger.accounts_resolve(
        ledger.platform_lookup(kind=Kind.GATEWAY_CLEARING, currency=order.currency),
        ledger.wallet_lookup(user=order.user, currency=order.currency),
    )
    ledger.journal_post(
        type=Type.TOPUP if is_topup else Type.WITHDRAWAL_REVERSAL,
        reference=f"gateway:{order.reference}",
        actor=None,
        legs=[(clearing, -order.amount), (wallet, order.amount)],
    )
    _wallet_changed(
        user_id=order.user_id, currency=order.currency, reason=order.kind, amount=order.amount
    )


# --- pay orders -------------------------------------------------------------------------------


def merchant_key_get(*, organisation_id: int) -> str:
    """The merchant's notification-signing secret, created on first use."""
    key, _ = MerchantKey.objects.get_or_create(
        organisation_id=organisation_id, defaults={"webhook_secret": public_id("whsec_")}
    )
    return key.webhook_secret


def _same_order_request(order: PayOrder, **params) -> bool:
    return all(getattr(order, name) == value for name, value in params.items())


@transaction.atomic
def payorder_create(
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
    try:
        with transaction.atomic():
            order = PayOrder.objects.create(
                **lookup,
                **params,
                payer_openid=identity.openid,
                sandbox=miniprogram_selectors.is_sandbox(app_id=miniprogram.app_id),
                prepay_id=public_id("pp_"),
                expires_at=timezone.now() + settings.PAYMENTS_PAYORDER_TTL,
            )
        return order, True
    except IntegrityError:
        order = PayOrder.objects.get(**lookup)
    if not _same_order_request(order, **params):
        raise Conflict(
            "This out_trade_no was used with other parameters.", code="out_trade_no_reused"
        )
    return order, False


def _payorder_locked(**lookup) -> PayOrder:
    """The pay order, locked, with its app and its payer (for the merchant's operations)."""
    order = (
        PayOrder.objects.select_for_update(of=("self",))
        .select_related("miniprogram", "payer")
        .filter(**lookup)
        .first()
    )
    if order is None:
        raise NotFound("No such pay order.", code="payorder_not_found")
    return order


class _OrderToPay(NamedTuple):
    order: PayOrder  # locked; ``order.miniprogram`` carries the app's id and app_id
    pin: WalletSecurity | None  # the payer's PIN, if set
    notify_secret: str  # the merchant's key that signs the notification


_PAYORDER_FIELDS = sql.field_names(PayOrder)
_App = PayOrder._meta.get_field("miniprogram").related_model


def _payorder_to_pay(*, prepay_id: str, payer) -> _OrderToPay:
    """The payer's pay order, locked, read in one statement with what paying it needs: the
    app's ``app_id``, the payer's PIN row and the merchant's notification key (written by hand:
    it is a payment's first statement, docs/payments.md "Benchmark")."""
    columns = ", ".join(f"o.{name}" for name in _PAYORDER_FIELDS)
    row = sql.fetch_one(
        f"SELECT {columns}, m.app_id, s.id, s.pin_hash, k.webhook_secret"
        f" FROM {PayOrder._meta.db_table} o"
        f" JOIN {_App._meta.db_table} m ON m.id = o.miniprogram_id"
        f" LEFT JOIN {WalletSecurity._meta.db_table} s ON s.user_id = o.payer_id"
        f" LEFT JOIN {MerchantKey._meta.db_table} k ON k.organisation_id = o.organisation_id"
        " WHERE o.prepay_id = %s AND o.payer_id = %s" + sql.row_lock("o"),
        [prepay_id, payer.pk],
    )
    if row is None:
        raise NotFound("No such pay order.", code="payorder_not_found")
    alias, count = connection.alias, len(_PAYORDER_FIELDS)
    order = sql.instance(PayOrder, _PAYORDER_FIELDS, row[:count])
    app_id, pin_id, pin_hash, notify_secret = row[count:]
    order.payer = payer
    order.miniprogram = _App.from_db(alias, ["id", "app_id"], [order.miniprogram_id, app_id])
    pin = WalletSecurity.from_db(alias, ["id", "user_id", "pin_hash"], [pin_id, payer.pk, pin_hash])
    return _OrderToPay(order, pin if pin_id else None, notify_secret)


def _merchant_notify(*, order: PayOrder, event_type: str, data: dict, secret: str) -> None:
    """Tell the merchant's server, through the signed, retried webhook outbox. A first-party
    mini-program (the shop) runs in-process, passes an empty ``notify_url`` and learns of its
    payments from the domain events instead."""
    if not order.notify_url:
        return
    webhook_enqueue(
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


def _emit_for_real_money(order: PayOrder, event_type: str, payload: dict) -> None:
    """Emit a pay-order domain event unless the order is test money: the payloads are a fixed
    contract, and the shop and loyalty must never fulfil or award points for a sandbox order."""
    if not order.sandbox:
        emit(event_type, payload)


def merchant_fee(amount: int) -> int:
    return amount * settings.PAYMENTS_MERCHANT_FEE_BPS // 10_000


@transaction.atomic
def payorder_confirm(*, actor, prepay_id: str, pin: str) -> PayOrder:
    """The payer pays: money moves payer → merchant (minus the platform fee) in one
    transaction; the merchant is notified and ``payments.payorder_paid`` is emitted.
    Confirming an order that is already paid answers it unchanged.

    A sandbox order does the same in the sandbox world (test money, topped up as needed, no
    daily limit) and emits no domain event: only the merchant's notification tells of it."""
    order, pin_row, notify_secret = _payorder_to_pay(prepay_id=prepay_id, payer=actor)
    if order.status == PayOrder.Status.PAID:
        return order
    if order.status != PayOrder.Status.PENDING:
        raise Conflict(f"This pay order is {order.status}.", code=f"payorder_{order.status}")
    if order.expires_at <= timezone.now():
        raise DomainError("This pay order has expired.", code="payorder_expired")
    pin_verify(user=actor, pin=pin, security=pin_row)
    sandbox, currency = order.sandbox, order.currency
    merchant, fees, wallet = ledger.accounts_resolve(
        ledger.merchant_lookup(
            organisation_id=order.organisation_id, currency=currency, sandbox=sandbox
        ),
        ledger.platform_lookup(kind=Kind.FEES, currency=currency, sandbox=sandbox),
        ledger.wallet_lookup(user=actor, currency=currency, sandbox=sandbox),
    )
    if sandbox:
        _sandbox_top_up(order=order, wallet=wallet)
    order.status, order.paid_at = PayOrder.Status.PAID, timezone.now()
    order.fee = merchant_fee(order.amount)
    sql.execute(
        f"UPDATE {PayOrder._meta.db_table} SET status = %s, fee = %s, paid_at = %s WHERE id = %s",
        [order.status, order.fee, order.paid_at, order.pk],
    )
    _emit_for_real_money(
        order,
        "payments.payorder_paid",
        {
            "prepay_id": order.prepay_id,
            "app_id": order.miniprogram.app_id,
            "organisation_id": order.organisation_id,
            "payer_user_id": order.payer_id,
            "amount": order.amount,
            "currency": order.currency,
            "out_trade_no": order.out_trade_no,
            "paid_at": order.paid_at.isoformat(),
        },
    )
    _merchant_notify(
        order=order,
        event_type="payment.succeeded",
        data={"paid_at": order.paid_at.isoformat()},
        secret=notify_secret,
    )
    # The posting comes last: it locks a merchant shard (hot during a flash sale) until commit.
    ledger.journal_post(
        type=Type.PAYMENT,
        reference=f"payorder:{order.prepay_id}",
        actor=actor,
        legs=[(wallet, -order.amount), (merchant, order.amount - order.fee), (fees, order.fee)],
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
        raise Conflict("A paid order cannot be closed; refund it.", code="payorder_paid")
    order.status, order.closed_at = PayOrder.Status.CLOSED, timezone.now()
    order.save(update_fields=["status", "closed_at"])
    return order


@transaction.atomic
def payorders_close_expired() -> int:
    """Close every pending order past its expiry (beat). A concurrent payment wins: the UPDATE
    re-checks ``status`` on rows it had to wait for."""
    now = timezone.now()
    return PayOrder.objects.filter(status=PayOrder.Status.PENDING, expires_at__lte=now).update(
        status=PayOrder.Status.CLOSED, closed_at=now
    )


def _fee_returned(order: PayOrder, amount: int) -> int:
    """The fee share of a refund, computed on cumulative totals so that refunds adding up to
    the whole order return exactly the whole fee, whatever the rounding on the way."""
    before = order.fee * order.refunded_amount // order.amount
    after = order.fee * (order.refunded_amount + amount) // order.amount
    return after - before


@transaction.atomic
def refund_create(
    *, miniprogram, prepay_id: str, out_refund_no: str, amount: int
) -> tuple[Refund, bool]:
    """Refund part or all of a paid order to the payer's wallet. Returns (refund, created).

    Idempotent by ``out_refund_no`` (same amount → the same refund; other amount → 409);
    several refunds per order, never more in total than was paid (422). A sandbox order's
    refund goes back the sandbox way (sandbox merchant and fee accounts → sandbox wallet) and,
    like its payment, emits no domain event."""
    if not out_refund_no or len(out_refund_no) > 64:
        raise InvalidInput(fields={"out_refund_no": ["Must be 1-64 characters."]})
    order = _payorder_locked(prepay_id=prepay_id, miniprogram=miniprogram)
    money_validate(amount=amount, currency=order.currency)
    existing = Refund.objects.filter(pay_order=order, out_refund_no=out_refund_no).first()
    if existing is not None:
        if existing.amount != amount:
            raise Conflict(
                "This out_refund_no was used with another amount.", code="out_refund_no_reused"
            )
        return existing, False
    if order.status not in (PayOrder.Status.PAID, PayOrder.Status.REFUNDED):
        raise DomainError("Only a paid order can be refunded.", code="payorder_not_paid")
    if amount > order.refundable_amount:
        raise DomainError(
            "The refund exceeds what remains of the order.",
            code="refund_exceeds_remaining",
            remaining=order.refundable_amount,
        )
    refund = _refund_post(order=order, out_refund_no=out_refund_no, amount=amount)
    _emit_for_real_money(
        order,
        "payments.payorder_refunded",
        {
            "refund_id": refund.refund_id,
            "prepay_id": order.prepay_id,
            "app_id": order.miniprogram.app_id,
            "organisation_id": order.organisation_id,
            "payer_user_id": order.payer_id,
            "amount": amount,
            "currency": order.currency,
            "order_amount": order.amount,
            "refunded_total": order.refunded_amount,
        },
    )
    _merchant_notify(
        order=order,
        event_type="refund.succeeded",
        data={
            "refund_id": refund.refund_id,
            "out_refund_no": out_refund_no,
            "refund_amount": amount,
            "refunded_total": order.refunded_amount,
        },
        secret=merchant_key_get(organisation_id=order.organisation_id),
    )
    return refund, True


def _refund_post(*, order: PayOrder, out_refund_no: str, amount: int) -> Refund:
    fee_returned = _fee_returned(order, amount)
    world = {"currency": order.currency, "sandbox": order.sandbox}
    shards = ledger.merchant_shards(organisation_id=order.organisation_id, **world)
    fees = ledger.platform_account(kind=Kind.FEES, **world)
    wallet = ledger.wallet_account(user=order.payer, **world)
    locked = ledger.lock_accounts([*shards, fees, wallet])
    merchant_legs = ledger.split_debit(
        [locked[shard.pk] for shard in shards], amount - fee_returned
    )
    refund_id = public_id("rf_")
    journal = ledger.journal_post(
        type=Type.REFUND,
        reference=f"refund:{refund_id}",
        actor=None,
        legs=[*merchant_legs, (fees, -fee_returned), (wallet, amount)],
    )
    order.refunded_amount += amount
    if order.refunded_amount == order.amount:
        order.status = PayOrder.Status.REFUNDED
    order.save(update_fields=["refunded_amount", "status"])
    if not order.sandbox:  # ``wallet.changed`` is about the real wallet
        _wallet_changed(
            user_id=order.payer_id, currency=order.currency, reason="refund", amount=amount
        )
    return Refund.objects.create(
        refund_id=refund_id,
        pay_order=order,
        out_refund_no=out_refund_no,
        amount=amount,
        fee_returned=fee_returned,
        journal=journal,
    )


# --- red packets ------------------------------------------------------------------------------

DEFAULT_GREETING = "Best wishes!"
GREETING_MAX_LENGTH = 100  # what a red-packet card's payload holds (messaging/payloads.py)


def _red_packet_request_validate(*, mode, count, currency: str, greeting: str) -> None:
    errors = {}
    if mode not in RedPacket.Mode.values:
        errors["mode"] = ["Must be lucky or fixed."]
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        errors["count"] = ["Must be a positive integer."]
    usable = [c for c in settings.PAYMENTS_CURRENCIES if c in settings.RED_PACKET_MAX_TOTAL]
    if currency not in usable:
        errors["currency"] = [f"Red packets take {', '.join(usable)}."]
    if len(greeting) > GREETING_MAX_LENGTH:
        errors["greeting"] = [f"At most {GREETING_MAX_LENGTH} characters."]
    if errors:
        raise InvalidInput(fields=errors)


def _positive_amount(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput(fields={field: ["Must be a positive integer in minor units."]})
    return value


def _red_packet_total(*, mode: str, count: int, total, amount_each) -> int:
    """The packet's total: ``amount_each`` times ``count`` (fixed) or ``total`` (lucky, at least one
    minor unit per share). Each mode takes exactly its own amount field."""
    if mode == RedPacket.Mode.FIXED:
        if total is not None:
            raise InvalidInput(fields={"total": ["A fixed packet gives amount_each, not total."]})
        return _positive_amount(amount_each, "amount_each") * count
    if amount_each is not None:
        raise InvalidInput(fields={"amount_each": ["A lucky packet gives total, not amount_each."]})
    if _positive_amount(total, "total") < count:
        raise InvalidInput(fields={"total": [f"At least 1 minor unit for each of {count}."]})
    return total


def _red_packet_limits_check(*, actor, conversation, total: int, count: int, currency) -> None:
    """Where red packets may go, how big and how many shares (422 with the limit)."""
    if conversation.kind == Conversation.Kind.SERVICE:
        raise DomainError("Red packets go to chats and groups.", code="red_packet_not_allowed")
    member_ids = messaging_selectors.conversation_member_ids(conversation.pk)
    if conversation.kind == Conversation.Kind.DIRECT:
        peers = [uid for uid in member_ids if uid != actor.pk]  # none if the peer was erased
        if any(social.either_blocked(actor, peer) for peer in peers):
            raise Forbidden("You cannot message this user.", code="blocked")
        max_count = len(peers)
    else:
        max_count = min(len(member_ids), settings.RED_PACKET_MAX_COUNT)
    max_total = settings.RED_PACKET_MAX_TOTAL[currency]
    if total > max_total:
        raise DomainError(
            "This red packet is larger than allowed.",
            code="red_packet_total_exceeded",
            max_total=max_total,
        )
    if count > max_count:
        raise DomainError(
            "More shares than this chat allows.",
            code="red_packet_count_exceeded",
            max_count=max_count,
        )


def _red_packet_reference(packet: RedPacket) -> str:
    return f"redpacket:{packet.pk}"


@transaction.atomic
def red_packet_create(
    *,
    actor,
    conversation_id: int,
    mode: str,
    count: int,
    currency: str,
    pin: str,
    total: int | None = None,
    amount_each: int | None = None,
    greeting: str = "",
) -> RedPacket:
    """A member puts a red packet into a conversation: the money moves from their wallet to
    escrow, the shares are decided (payments/splits.py), and the card is posted in the chat.

    Non-members get 404. Limits: ``RED_PACKET_MAX_TOTAL`` per currency, at most as many
    shares as the group has members (``RED_PACKET_MAX_COUNT`` overall; 1 in a direct chat)."""
    _red_packet_request_validate(mode=mode, count=count, currency=currency, greeting=greeting)
    membership = messaging_selectors.membership(conversation_id=conversation_id, user=actor)
    total = _red_packet_total(mode=mode, count=count, total=total, amount_each=amount_each)
    _red_packet_limits_check(
        actor=actor,
        conversation=membership.conversation,
        total=total,
        count=count,
        currency=currency,
    )
    pin_verify(user=actor, pin=pin)
    wallet, escrow = ledger.accounts_resolve(
        ledger.wallet_lookup(user=actor, currency=currency),
        ledger.platform_lookup(kind=Kind.RED_PACKET_ESCROW, currency=currency),
    )
    is_fixed = mode == RedPacket.Mode.FIXED
    packet = RedPacket.objects.create(
        sender=actor,
        conversation_id=conversation_id,
        mode=mode,
        currency=currency,
        total=total,
        amount_each=amount_each if is_fixed else None,
        count=count,
        greeting=greeting.strip() or DEFAULT_GREETING,
        shares=splits.fixed_split(amount_each, count)
        if is_fixed
        else splits.lucky_split(total, count),
        escrow=escrow,
        expires_at=timezone.now() + settings.RED_PACKET_TTL,
    )
    ledger.journal_post(
        type=Type.RED_PACKET_HOLD,
        reference=_red_packet_reference(packet),
        actor=actor,
        legs=[(wallet, -total), (escrow, total)],
    )
    messaging_services.message_post_system(
        conversation_id=conversation_id,
        type="red_packet",
        payload={"red_packet_id": packet.pk, "greeting": packet.greeting},
        text=f"[Red packet] {packet.greeting}",
        sender=actor,
    )
    return packet


def _red_packet_locked(packet_id: int) -> RedPacket | None:
    return (
        RedPacket.objects.select_for_update(of=("self",))
        .select_related("sender", "conversation", "escrow")
        .filter(pk=packet_id)
        .first()
    )


@transaction.atomic
def red_packet_claim(*, actor, packet_id: int) -> RedPacketClaim:
    """A member opens a red packet and gets the next share.

    The packet row is locked first, so concurrent claims take shares one after the other: the
    count and the total can never be exceeded (and the database CHECKs would refuse it). Each
    member claims once (409 ``already_claimed``, with the amount they got). The sender may
    claim in a group (as on WeChat), not in a direct chat, where the packet is for the peer."""
    packet = _red_packet_locked(packet_id)
    if packet is None or not messaging_selectors.is_member(
        conversation_id=packet.conversation_id, user=actor
    ):
        raise NotFound("No such red packet.", code="red_packet_not_found")
    previous = packet.claims.filter(user=actor).first()
    if previous is not None:
        raise Conflict(
            "You already opened this red packet.", code="already_claimed", amount=previous.amount
        )
    if packet.sender_id == actor.pk and packet.conversation.kind == Conversation.Kind.DIRECT:
        raise DomainError("This red packet is for the other person.", code="own_red_packet")
    if packet.claimed_count >= packet.count:
        raise DomainError("Every share of this red packet was claimed.", code="red_packet_empty")
    if packet.status == RedPacket.Status.EXPIRED or packet.expires_at <= timezone.now():
        raise DomainError("This red packet has expired.", code="red_packet_expired")
    amount = packet.shares[packet.claimed_count]
    wallet = ledger.wallet_account(user=actor, currency=packet.currency)
    journal = ledger.journal_post(
        type=Type.RED_PACKET_CLAIM,
        reference=_red_packet_reference(packet),
        actor=actor,
        legs=[(packet.escrow, -amount), (wallet, amount)],
    )
    claim = RedPacketClaim.objects.create(packet=packet, user=actor, amount=amount, journal=journal)
    packet.claimed_count += 1
    packet.claimed_amount += amount
    if packet.claimed_count == packet.count:
        packet.status, packet.finished_at = RedPacket.Status.FINISHED, timezone.now()
    packet.save(update_fields=["claimed_count", "claimed_amount", "status", "finished_at"])
    _red_packet_claim_announce(packet=packet, claim=claim)
    return claim


def _red_packet_claim_announce(*, packet: RedPacket, claim: RedPacketClaim) -> None:
    """Tell the chat (system notices) and the sender (a ``red_packet.claimed`` event).

    The notices come first: they lock the conversation and then every member's event cursor
    in one sorted batch; the events after them only touch cursors this transaction already
    holds (a sender who left the group gets no event), so no lock-order cycle can form with
    messages being sent in the same conversation."""
    claimer, sender = claim.user, packet.sender
    own = claimer.pk == sender.pk
    opened = "{0} opened their own red packet" if own else "{0} opened {1}'s red packet"
    notice = {"red_packet_id": packet.pk, "sender_id": sender.pk}
    messaging_services.message_post_system(
        conversation_id=packet.conversation_id,
        type="system",
        payload={**notice, "event": "red_packet_claimed", "user_id": claimer.pk},
        text=opened,
        named=[claimer] if own else [claimer, sender],
    )
    if packet.status == RedPacket.Status.FINISHED:
        messaging_services.message_post_system(
            conversation_id=packet.conversation_id,
            type="system",
            payload={**notice, "event": "red_packet_finished"},
            text=f"All {packet.count} red packets were claimed",
        )
    members = set(messaging_selectors.conversation_member_ids(packet.conversation_id))
    if sender.pk in members:
        event_publish(
            user_ids=[sender.pk],
            type="red_packet.claimed",
            payload={
                "red_packet_id": packet.pk,
                "conversation_id": packet.conversation_id,
                "user": {
                    "id": claimer.pk,
                    "username": claimer.username,
                    "display_name": claimer.display_name,
                },
                "amount": claim.amount,
                "currency": packet.currency,
                "claimed_count": packet.claimed_count,
                "count": packet.count,
                "status": packet.status,
            },
        )
    _wallet_changed(
        user_id=claimer.pk, currency=packet.currency, reason="red_packet_claim", amount=claim.amount
    )


@transaction.atomic
def red_packet_expire(*, packet_id: int) -> int:
    """Give the unclaimed rest of an expired packet back to its sender; returns the amount.

    The packet row is locked and must still be ``active`` and past ``expires_at``: running this
    again (a second beat, a retry) finds it ``expired`` and moves nothing."""
    packet = _red_packet_locked(packet_id)
    if (
        packet is None
        or packet.status != RedPacket.Status.ACTIVE
        or packet.expires_at > timezone.now()
    ):
        return 0
    remaining = packet.remaining_amount  # >= 1: every unclaimed share is at least one unit
    wallet = ledger.wallet_account(user=packet.sender, currency=packet.currency)
    ledger.journal_post(
        type=Type.RED_PACKET_RETURN,
        reference=_red_packet_reference(packet),
        actor=None,
        legs=[(packet.escrow, -remaining), (wallet, remaining)],
    )
    packet.status, packet.finished_at = RedPacket.Status.EXPIRED, timezone.now()
    packet.refunded_amount = remaining
    packet.save(update_fields=["status", "finished_at", "refunded_amount"])
    _wallet_changed(
        user_id=packet.sender_id,
        currency=packet.currency,
        reason="red_packet_return",
        amount=remaining,
    )
    return remaining
