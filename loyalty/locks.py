"""The loyalty app's row locks: each a queryset locked FOR UPDATE (of its own rows)
in primary-key order, so two transactions always take them in the same order (docs/architecture.md,
"Locks")."""

from loyalty.models import Client, FollowUpTask, Member, PointLot, Program, Purchase, Reward
from superapp.core.locks import lock_objects


def clients(*, skip_locked: bool = False):
    return lock_objects(Client.objects, skip_locked=skip_locked)


def follow_up_tasks(*, skip_locked: bool = False):
    return lock_objects(FollowUpTask.objects, skip_locked=skip_locked)


def members(*, skip_locked: bool = False):
    return lock_objects(Member.objects, skip_locked=skip_locked)


def point_lots(*, skip_locked: bool = False):
    return lock_objects(PointLot.objects, skip_locked=skip_locked)


def programs(*, skip_locked: bool = False):
    return lock_objects(Program.objects, skip_locked=skip_locked)


def purchases(*, skip_locked: bool = False):
    return lock_objects(Purchase.objects, skip_locked=skip_locked)


def rewards(*, skip_locked: bool = False):
    return lock_objects(Reward.objects, skip_locked=skip_locked)
