"""The live app's row locks: each a queryset locked FOR UPDATE (of its own rows)
in primary-key order, so two transactions always take them in the same order (docs/architecture.md,
"Locks")."""

from miniprograms.live.models import Show
from superapp.core.locks import lock_objects


def shows(*, skip_locked: bool = False):
    return lock_objects(Show.objects, skip_locked=skip_locked)
