"""Refund requests and their execution record. Money never moves here: refunds are recorded as
approved :class:`RefundRequest` rows that ``payment.py`` executes through payments."""

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from miniprograms.shop import events, selectors
from miniprograms.shop.models import (
    Order,
    OrderLine,
    RefundRequest,
    Shop,
)
from miniprograms.shop.services.cart import _release_stock
from miniprograms.shop.services.errors import Status
from miniprograms.shop.services.order_state import _locked_order, _transition
from superapp.core.domain_events import emit
from superapp.core.errors import DomainError, InvalidInput, NotFound
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
    order = _locked_order(pk=order_id, buyer=actor)
    refundable = _refundable(order)
    amount = refundable if amount is None else amount
    if not 0 < amount <= refundable:
        raise DomainError(
            "The amount exceeds what can be refunded.",
            code="refund_too_large",
            refundable=refundable,
        )
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
        RefundRequest.objects.select_for_update(of=("self",))
        .filter(pk=request_id, order__shop=shop, status=RefundRequest.Status.REQUESTED)
        .first()
    )
    if request is None:
        raise NotFound("No such pending refund request.", code="refund_request_not_found")
    order = _locked_order(pk=request.order_id)
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


def _refund_owed(*, order: Order, amount: int, reason: str, note: str = "", restock=None) -> None:
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


def _refund_schedule(request_id: int) -> None:
    """Execute the approved request right after commit; beat retries what did not go through."""
    from miniprograms.shop.tasks import execute_refund

    transaction.on_commit(lambda: execute_refund.delay(request_id), robust=True)


@transaction.atomic
def refund_record_executed(
    *, shop: Shop, prepay_id: str, refund_id: str, amount: int, refunded_total: int
) -> RefundRequest | None:
    """Payments refunded ``amount`` for the request ``payment.refund_execute`` made it for:
    settle that request, restock its units, and close the order when everything is back with
    the buyer. A repeat of the event, or a refund the shop did not ask for, changes nothing."""
    order = Order.objects.select_for_update().filter(shop=shop, prepay_id=prepay_id).first()
    if order is None:
        return None
    request = (
        selectors.refunds_awaiting_payment(order=order)
        .select_for_update()
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
    lines = OrderLine.objects.select_for_update().filter(pk__in=quantities).order_by("pk")
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
    elif order.status == Status.REFUND_REQUESTED:
        _transition(order, order.status_before_refund_request, "partial refund")
