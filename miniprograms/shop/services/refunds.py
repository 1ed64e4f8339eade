"""Refund requests and their execution record. Money never moves here: refunds are recorded as
approved :class:`RefundRequest` rows that ``payment.py`` executes through payments."""

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from miniprograms.shop import events, locks, selectors
from miniprograms.shop.errors import (
    NOTHING_TO_REFUND,
    REFUND_REQUEST_NOT_FOUND,
    REFUND_TOO_LARGE,
    InvalidTransition,
)
from miniprograms.shop.models import (
    Order,
    RefundRequest,
    Shop,
)
from miniprograms.shop.services.cart import _release_stock
from miniprograms.shop.services.order_state import _cancel, _locked_order, _transition
from miniprograms.shop.services.status import Status
from superapp.core.domain_events import emit
from superapp.core.errors import DomainError, InvalidInput, NotFound
from superapp.core.locks import lock_objects
from superapp.official.selectors import MANAGERS

# --- Refunds -------------------------------------------------------------------------------------


def _refundable(order: Order) -> int:
    """What can still be requested: the total less what is refunded or already owed back."""
    owed = (
        order.refund_requests.filter(
            status__in=[RefundRequest.Status.APPROVED, RefundRequest.Status.REQUESTED]
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )
    return order.total - order.refunded_amount - owed


@transaction.atomic
def refund_request_create(*, actor, order_id: int, amount: int | None, note: str = ""):
    """The buyer asks for ``amount`` (default: everything refundable) back on a paid order."""
    order = _locked_order(order_id=order_id, buyer=actor)
    amount = _amount_within(_refundable(order), amount)
    previous = order.status
    _transition(order, Status.REFUND_REQUESTED, note[:200])
    order.status_before_refund_request = previous
    order.save(update_fields=["status_before_refund_request", "updated_at"])
    return RefundRequest.objects.create(
        order=order,
        amount=amount,
        reason=RefundRequest.Reason.BUYER_REQUEST,
        note=note,
        status=RefundRequest.Status.REQUESTED,
    )


@transaction.atomic
def refund_request_decide(
    *, actor, shop_id: int, request_id: int, approve: bool, restock: dict[int, int] | None = None
) -> RefundRequest:
    """Brand staff approve a buyer's request (payment.py then refunds it) with the units that
    came back to restock when the money has gone, or reject it (the order resumes)."""
    shop = selectors.shop_for_staff(shop_id=shop_id, user=actor, roles=MANAGERS)
    request = (
        locks.refund_requests()
        .filter(pk=request_id, order__shop=shop, status=RefundRequest.Status.REQUESTED)
        .first()
    )
    if request is None:
        raise NotFound("No such pending refund request.", code=REFUND_REQUEST_NOT_FOUND)
    order = _locked_order(order_id=request.order_id)
    request.decided_at = timezone.now()
    if not approve:
        request.status = RefundRequest.Status.REJECTED
        request.save(update_fields=["status", "decided_at"])
        _transition(order, order.status_before_refund_request, "refund rejected")
        return request
    restock = {int(k): v for k, v in (restock or {}).items()}
    lines = {line.pk: line for line in order.lines.all()}
    for line_id, quantity in restock.items():
        line = lines.get(line_id)
        if line is None or not 0 < quantity <= line.quantity - line.restocked_quantity:
            raise InvalidInput(fields={"restock": [f"Invalid quantity for line {line_id}."]})
    request.status = RefundRequest.Status.APPROVED
    request.restock = {str(k): v for k, v in restock.items()}
    request.save(update_fields=["status", "decided_at", "restock"])
    _refund_schedule(request.pk)
    return request


def _refund_owed(
    *, order: Order, amount: int, reason: str, note: str = "", restock=None
) -> RefundRequest:
    """Record money owed back without a buyer's request (approved at once) and pay it."""
    request = RefundRequest.objects.create(
        order=order,
        amount=amount,
        reason=reason,
        note=note,
        status=RefundRequest.Status.APPROVED,
        restock=restock or {},
        decided_at=timezone.now(),
    )
    _refund_schedule(request.pk)
    return request


def _refund_schedule(request_id: int) -> None:
    """Execute the approved request right after commit; beat retries what did not go through."""
    from miniprograms.shop.tasks import execute_refund

    transaction.on_commit(lambda: execute_refund.delay(request_id), robust=True)


@transaction.atomic(savepoint=False)
def refund_record_executed(
    *, shop: Shop, prepay_id: str, refund_id: str, amount: int, refunded_total: int
) -> RefundRequest | None:
    """Payments refunded ``amount`` for the request ``payment.refund_execute`` made it for:
    settle that request, restock its units, and close the order when everything is back with
    the buyer. A repeat of the event, or a refund the shop did not ask for, changes nothing."""
    order = locks.orders().filter(shop=shop, prepay_id=prepay_id).first()
    if order is None:
        return None
    request = (
        lock_objects(selectors.refunds_awaiting_payment(order=order))
        .filter(refund_id=refund_id, amount=amount)
        .first()
    )
    if request is None:
        return None
    request.status, request.refunded_at = RefundRequest.Status.REFUNDED, timezone.now()
    request.save(update_fields=["status", "refunded_at"])
    _restock_lines(request.restock)
    order.refunded_amount = min(order.total, max(order.refunded_amount, refunded_total))
    order.save(update_fields=["refunded_amount", "updated_at"])
    _close_after_refund(order, request)
    emit(
        events.OrderRefunded(
            order_id=order.pk,
            brand_id=order.shop.brand_id,
            buyer_user_id=order.buyer_id,
            amount=amount,
            currency=order.currency,
            order_amount=order.total,
        )
    )
    return request


def _restock_lines(restock: dict[str, int]) -> None:
    quantities = {int(k): v for k, v in restock.items()}
    lines = locks.order_lines().filter(pk__in=quantities).order_by("pk")
    for line in lines:
        line.restocked_quantity += quantities[line.pk]
        line.save(update_fields=["restocked_quantity"])
    _release_stock({line.sku_id: quantities[line.pk] for line in lines})


def _close_after_refund(order: Order, request: RefundRequest) -> None:
    """A full refund ends the order; a partial one resumes it where the request found it.
    Price-difference refunds and refunds of cancelled orders change no status."""
    Reason = RefundRequest.Reason
    if request.reason in (Reason.TEAM_PRICE_DIFFERENCE, Reason.UNMATCHED_PAYMENT):
        return
    if order.refunded_amount >= order.total:
        _transition(order, Status.REFUNDED, f"refund {request.refund_id}")
    elif order.status == Status.REFUND_REQUESTED and request.reason != Reason.BRAND_REFUND:
        _transition(order, order.status_before_refund_request, "partial refund")


# --- The brand refunds or cancels ----------------------------------------------------------------

# Orders the brand may refund on its own initiative: paid, and not under a buyer's request (that
# one is decided at manage/refund-requests/{id}/decision).
BRAND_REFUNDABLE = (Status.PAID, Status.SHIPPED, Status.DELIVERED)


def _brand_order(actor, shop_id: int, order_id: int) -> Order:
    shop = selectors.shop_for_staff(shop_id=shop_id, user=actor, roles=MANAGERS)
    return _locked_order(order_id=order_id, shop=shop)


def _owed_amount(order: Order, amount: int | None) -> int:
    refundable = _refundable(order)
    if refundable <= 0:
        raise DomainError(
            "Everything paid is refunded or owed back already.", code=NOTHING_TO_REFUND
        )
    return _amount_within(refundable, amount)


def _amount_within(refundable: int, amount: int | None) -> int:
    """``amount`` (default: all of ``refundable``), refused unless it is within it."""
    amount = refundable if amount is None else amount
    if not 0 < amount <= refundable:
        raise DomainError(
            "The amount exceeds what can be refunded.",
            code=REFUND_TOO_LARGE,
            refundable=refundable,
        )
    return amount


@transaction.atomic
def order_refund(*, actor, shop_id: int, order_id: int, amount: int | None, note: str = ""):
    """The brand pays back ``amount`` (default: everything refundable) of a paid order. The
    order row lock serialises concurrent refunds, and what is approved but not yet paid counts
    as owed, so two refunds never give back more than was paid. Payments pays it (right after
    commit); a full refund then closes the order, a partial one leaves it where it is."""
    order = _brand_order(actor, shop_id, order_id)
    if order.status not in BRAND_REFUNDABLE:
        raise InvalidTransition(status=order.status, to=Status.REFUNDED)
    return _refund_owed(
        order=order,
        amount=_owed_amount(order, amount),
        reason=RefundRequest.Reason.BRAND_REFUND,
        note=note,
    )


@transaction.atomic
def order_cancel_by_brand(*, actor, shop_id: int, order_id: int) -> Order:
    """The brand cancels an order it has not shipped: an unpaid one is cancelled (its stock
    goes back on sale); a paid one is refunded in full, every unit back in stock, and closes
    as refunded once payments has paid it back."""
    order = _brand_order(actor, shop_id, order_id)
    if order.status == Status.CREATED:
        _cancel(order, "cancelled by the brand")
        return order
    if order.status != Status.PAID:
        raise InvalidTransition(status=order.status, to=Status.CANCELLED)
    restock = {
        str(line.pk): line.quantity - line.restocked_quantity
        for line in order.lines.all()
        if line.quantity > line.restocked_quantity
    }
    _refund_owed(
        order=order,
        amount=_owed_amount(order, None),
        reason=RefundRequest.Reason.BRAND_CANCEL,
        note="cancelled by the brand",
        restock=restock,
    )
    return order
