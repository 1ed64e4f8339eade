"""The redpackets app's row locks: each a queryset locked FOR UPDATE (of its own rows)
in primary-key order, so two transactions always take them in the same order (docs/architecture.md,
"Locks")."""

from redpackets.models import RedPacket
from superapp.core.locks import lock_objects


def red_packets(*, skip_locked: bool = False):
    return lock_objects(RedPacket.objects, skip_locked=skip_locked)
