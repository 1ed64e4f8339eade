import logging

from celery import shared_task

from miniprograms.shop import payment, selectors, services
from superapp.core.errors import DomainError

logger = logging.getLogger(__name__)


@shared_task(name="shop.expire_orders", ignore_result=True)
def expire_orders() -> int:
    """Beat: cancel orders left unpaid past their reservation and release their stock."""
    return sum(services.order_expire(order_id=i) for i in selectors.orders_due_for_expiry())


@shared_task(name="shop.release_stock_holds", ignore_result=True)
def release_stock_holds() -> int:
    """Beat: give back the stock of checkouts that took it and never finished (a process that
    died between its stock hold and its order)."""
    return services.stock_holds_release_expired()


@shared_task(name="shop.close_teams", ignore_result=True)
def close_teams() -> int:
    """Beat: settle teams whose window has closed (tier price refunds or full refunds)."""
    return sum(services.team_expire(team_id=i) is not None for i in selectors.teams_due())


@shared_task(name="shop.execute_refund", ignore_result=True)
def execute_refund(request_id: int) -> bool:
    """Pay one approved refund request back through payments (queued right after approval).
    A refusal by payments is logged and left to the beat task to retry."""
    try:
        return payment.refund_execute(request_id=request_id) is not None
    except DomainError:
        logger.exception("shop refund not executed", extra={"refund_request_id": request_id})
        return False


@shared_task(name="shop.execute_refunds", ignore_result=True)
def execute_refunds() -> int:
    """Beat: execute every approved refund request not yet sent to payments."""
    return sum(execute_refund(i) for i in selectors.refunds_to_execute())


@shared_task(name="shop.run_catalogue_import", ignore_result=True)
def run_catalogue_import(import_id: int) -> bool:
    """Apply a queued CSV catalogue import (services.catalogue_import_start)."""
    return services.catalogue_import_run(import_id=import_id) is not None


PERIODIC_TASKS = [
    (60.0, expire_orders),
    (60.0, release_stock_holds),
    (60.0, close_teams),
    (60.0, execute_refunds),
]
