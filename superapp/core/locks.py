"""Row locks taken one way (docs/architecture.md, "Locks").

As Saleor's ``lock_objects``: every lock is ``SELECT … FOR UPDATE OF <own table>`` in primary-key
order, so two transactions that lock the same rows take them in the same order and cannot deadlock
on them. Each app's ``locks.py`` names the rows it locks with this helper; services call those.
A caller that orders the locked rows differently (oldest lot first) keeps its own order.
"""

from superapp.core.models import DomainEventDelivery


def lock_objects(objects, *, skip_locked: bool = False):
    """``objects`` (a manager or queryset) locked FOR UPDATE of its own rows, in pk order."""
    return objects.select_for_update(skip_locked=skip_locked, of=("self",)).order_by("pk")


def domain_event_deliveries(*, skip_locked: bool = False):
    return lock_objects(DomainEventDelivery.objects, skip_locked=skip_locked)
