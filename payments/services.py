"""Every write of the wallet and pay-order flows. Money moves only through payments.ledger."""

from datetime import UTC, datetime, time

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from miniprograms import services as miniprogram_services
from payments import ledger
from payments.gateways import CallbackRejected, gateway
from payments.models import (
    Account,
    GatewayCallback,
    GatewayOrder,
    JournalTransaction,
    MerchantKey,
    PayOrder,
    Posting,
    Refund,
    Transfer,
    WalletSecurity,
    public_id,
)
from superapp.core.domain_events import emit
from superapp.core.errors import Conflict, DomainError, InvalidInput, NotFound
from superapp.realtime.services import event_publish
from superapp.webhooks.services import webhook_enqueue

Type = JournalTransaction.Type
Kind = Account.Kind
PIN_LENGTH = 6


class InvalidPin(DomainError):
    code = "invalid_pin"
    default_detail = "Wrong payment PIN."


class PinLocked(DomainError):
    code = "pin_locked"
    default_detail = "Too many wrong PINs: payments are locked for a while."


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


def _pin_failures_key(user_id: int) -> str:
    return f"payments:pin_failures:{user_id}"


def pin_verify(*, user, pin: str) -> None:
    """Check the payment PIN. Wrong tries are counted in the cache, not the database, so the
    count survives the rollback of the refused request; the 5th locks payments for 15 min."""
    key, limit = _pin_failures_key(user.pk), settings.PAYMENTS_PIN_MAX_FAILURES
    lock_seconds = int(settings.PAYMENTS_PIN_LOCK.total_seconds())
    if cache.get(key, 0) >= limit:
        raise PinLocked(retry_after=lock_seconds)
    security = WalletSecurity.objects.filter(user=user).first()
    if security is None:
        raise DomainError("Set a payment PIN first.", code="pin_not_set")
    if check_password(pin, security.pin_hash):
        cache.delete(key)
        return
    cache.add(key, 0, timeout=lock_seconds)
    failures = cache.incr(key)
    if failures >= limit:
        cache.touch(key, timeout=lock_seconds)
        raise PinLocked(retry_after=lock_seconds)
    raise InvalidPin(attempts_left=limit - failures)


@transaction.atomic
def pin_set(*, actor, pin: str, old_pin: str | None = None) -> WalletSecurity:
    """Set the 6-digit payment PIN; changing an existing one needs the old one."""
    _pin_validate(pin)
    security = WalletSecurity.objects.select_for_update().filter(user=actor).first()
    if security is not None:
        if not old_pin:
            raise InvalidInput(fields={"old_pin": ["Required to change the PIN."]})
        pin_verify(user=actor, pin=old_pin)
        security.pin_hash = make_password(pin)
        security.save(update_fields=["pin_hash", "updated_at"])
        return security
    return WalletSecurity.objects.create(user=actor, pin_hash=make_password(pin))


# --- spending rules ---------------------------------------------------------------------------


def _start_of_today() -> datetime:
    return datetime.combine(timezone.now().date(), time.min, tzinfo=UTC)


def _ensure_within_daily_limit(*, wallet: Account, amount: int) -> None:
    """Refuse spending past ``PAYMENTS_DAILY_OUTGOING_LIMIT`` per currency per UTC day.

    Call with the wallet row locked: concurrent spends then see each other's postings."""
    spent = -(
        Posting.objects.filter(
            account=wallet,
            amount__lt=0,
            created_at__gte=_start_of_today(),
            transaction__type__in=JournalTransaction.OUTGOING_TYPES,
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )
    limit = settings.PAYMENTS_DAILY_OUTGOING_LIMIT
    if spent + amount > limit:
        raise DomainError(
            "This would exceed your daily outgoing limit.",
            code="daily_limit_exceeded",
            limit=limit,
            spent_today=spent,
        )


def _spend_prepare(
    *, user, amount: int, currency: str, others: tuple[Account, ...] = ()
) -> tuple[Account, dict[int, Account]]:
    """Lock the payer's wallet with the other accounts and apply the spending rules.
    Returns the wallet and the locked rows, to hand to ``ledger.journal_post``."""
    wallet = ledger.wallet_account(user=user, currency=currency)
    locked = ledger.lock_accounts([wallet, *others])
    if locked[wallet.pk].balance < amount:
        raise ledger.InsufficientFunds()
    _ensure_within_daily_limit(wallet=wallet, amount=amount)
    return wallet, locked


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
    """Move money from the actor's wallet to another active user's wallet."""
    money_validate(amount=amount, currency=currency)
    if recipient.pk == actor.pk:
        raise DomainError("You cannot send money to yourself.", code="cannot_pay_self")
    if not recipient.is_active:
        raise NotFound("No such user.", code="user_not_found")
    pin_verify(user=actor, pin=pin)
    target = ledger.wallet_account(user=recipient, currency=currency)
    source, locked = _spend_prepare(user=actor, amount=amount, currency=currency, others=(target,))
    journal = ledger.journal_post(
        type=Type.TRANSFER,
        reference=public_id("tr_"),
        actor=actor,
        legs=[(source, -amount), (target, amount)],
        locked=locked,
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
    clearing = ledger.platform_account(kind=Kind.GATEWAY_CLEARING, currency=currency)
    wallet, locked = _spend_prepare(
        user=actor, amount=amount, currency=currency, others=(clearing,)
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
        locked=locked,
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
    clearing = ledger.platform_account(kind=Kind.GATEWAY_CLEARING, currency=order.currency)
    wallet = ledger.wallet_account(user=order.user, currency=order.currency)
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
    existing order; the same ``out_trade_no`` with other parameters is a 409. The shop calls this
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
    miniprogram_services.identity_for(miniprogram=miniprogram, user=payer)
    try:
        with transaction.atomic():
            order = PayOrder.objects.create(
                **lookup,
                **params,
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
    order = (
        PayOrder.objects.select_for_update(of=("self",))
        .select_related("miniprogram", "payer")
        .filter(**lookup)
        .first()
    )
    if order is None:
        raise NotFound("No such pay order.", code="payorder_not_found")
    return order


def _merchant_notify(*, order: PayOrder, event_type: str, data: dict) -> None:
    """Tell the merchant's server, through the signed, retried webhook outbox. A first-party
    mini-program (the shop) runs in-process, passes an empty ``notify_url`` and learns of its
    payments from the domain events instead."""
    if not order.notify_url:
        return
    openid = miniprogram_services.identity_for(miniprogram=order.miniprogram, user=order.payer)
    webhook_enqueue(
        owner=f"organisation:{order.organisation_id}",
        url=order.notify_url,
        secret=merchant_key_get(organisation_id=order.organisation_id),
        event_type=event_type,
        data={
            "prepay_id": order.prepay_id,
            "out_trade_no": order.out_trade_no,
            "payer_openid": openid.openid,
            "status": order.status,
            "amount": order.amount,
            "currency": order.currency,
            **data,
        },
    )


def merchant_fee(amount: int) -> int:
    return amount * settings.PAYMENTS_MERCHANT_FEE_BPS // 10_000


@transaction.atomic
def payorder_confirm(*, actor, prepay_id: str, pin: str) -> PayOrder:
    """The payer pays: money moves payer → merchant (minus the platform fee) in one
    transaction; the merchant is notified and ``payments.payorder_paid`` is emitted.
    Confirming an order that is already paid answers it unchanged."""
    order = _payorder_locked(prepay_id=prepay_id, payer=actor)
    if order.status == PayOrder.Status.PAID:
        return order
    if order.status != PayOrder.Status.PENDING:
        raise Conflict(f"This pay order is {order.status}.", code=f"payorder_{order.status}")
    if order.expires_at <= timezone.now():
        raise DomainError("This pay order has expired.", code="payorder_expired")
    pin_verify(user=actor, pin=pin)
    merchant = ledger.merchant_account(
        organisation_id=order.organisation_id, currency=order.currency
    )
    fees = ledger.platform_account(kind=Kind.FEES, currency=order.currency)
    wallet, locked = _spend_prepare(user=actor, amount=order.amount, currency=order.currency)
    order.status, order.paid_at = PayOrder.Status.PAID, timezone.now()
    order.fee = merchant_fee(order.amount)
    order.save(update_fields=["status", "fee", "paid_at"])
    emit(
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
        order=order, event_type="payment.succeeded", data={"paid_at": order.paid_at.isoformat()}
    )
    # The posting comes last: it locks a merchant shard (hot during a flash sale) until commit.
    ledger.journal_post(
        type=Type.PAYMENT,
        reference=f"payorder:{order.prepay_id}",
        actor=actor,
        legs=[(wallet, -order.amount), (merchant, order.amount - order.fee), (fees, order.fee)],
        locked=locked,
    )
    return order


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
    several refunds per order, never more in total than was paid (422)."""
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
    emit(
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
    )
    return refund, True


def _refund_post(*, order: PayOrder, out_refund_no: str, amount: int) -> Refund:
    fee_returned = _fee_returned(order, amount)
    shards = ledger.merchant_shards(organisation_id=order.organisation_id, currency=order.currency)
    fees = ledger.platform_account(kind=Kind.FEES, currency=order.currency)
    wallet = ledger.wallet_account(user=order.payer, currency=order.currency)
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
        locked=locked,
    )
    order.refunded_amount += amount
    if order.refunded_amount == order.amount:
        order.status = PayOrder.Status.REFUNDED
    order.save(update_fields=["refunded_amount", "status"])
    _wallet_changed(user_id=order.payer_id, currency=order.currency, reason="refund", amount=amount)
    return Refund.objects.create(
        refund_id=refund_id,
        pay_order=order,
        out_refund_no=out_refund_no,
        amount=amount,
        fee_returned=fee_returned,
        journal=journal,
    )
