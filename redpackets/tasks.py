"""Red packets' background work."""

import logging

from celery import shared_task

from redpackets import selectors, services

logger = logging.getLogger(__name__)


@shared_task(name="redpackets.expire_red_packets")
def expire_red_packets() -> int:
    """Beat: give the unclaimed rest of every expired red packet back to its sender, each
    packet in its own transaction (``red_packet_expire`` is a no-op on a second run)."""
    returned = [
        services.red_packet_expire(packet_id=packet_id)
        for packet_id in selectors.red_packets_due_for_expiry()
    ]
    logger.info("expired red packets", extra={"packets": len(returned), "returned": sum(returned)})
    return len(returned)


PERIODIC_TASKS = [(60.0, expire_red_packets)]
