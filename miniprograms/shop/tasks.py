from celery import shared_task

from miniprograms.shop import selectors, services


@shared_task(name="shop.expire_orders", ignore_result=True)
def expire_orders() -> int:
    """Beat: cancel orders left unpaid past their reservation and release their stock."""
    return sum(services.order_expire(order_id=i) for i in selectors.orders_due_for_expiry())


@shared_task(name="shop.close_teams", ignore_result=True)
def close_teams() -> int:
    """Beat: settle teams whose window has closed (tier price refunds or full refunds)."""
    return sum(services.team_expire(team_id=i) is not None for i in selectors.teams_due())


PERIODIC_TASKS = [
    (60.0, expire_orders),
    (60.0, close_teams),
]
