import logging

from celery import shared_task

from loyalty import services

logger = logging.getLogger(__name__)
DAY = 86400.0


@shared_task(name="loyalty.expire_points", ignore_result=True)
def expire_points() -> int:
    """Nightly: expire unspent remainders of lots past their date."""
    expired = services.points_expire()
    logger.info("loyalty points expired", extra={"points": expired})
    return expired


@shared_task(name="loyalty.reevaluate_tiers", ignore_result=True)
def reevaluate_tiers() -> int:
    """Nightly: recompute rolling spend; downgrades (and late upgrades) happen here."""
    changed = services.tiers_reevaluate()
    logger.info("loyalty tiers re-evaluated", extra={"changed": changed})
    return changed


PERIODIC_TASKS = [
    (DAY, expire_points),
    (DAY, reevaluate_tiers),
]
