"""The official app's row locks: each a queryset locked FOR UPDATE (of its own rows)
in primary-key order, so two transactions always take them in the same order (docs/architecture.md,
"Locks")."""

from superapp.core.locks import lock_objects
from superapp.official.models import Brand, OfficialAccount, ServiceConversation


def brands(*, skip_locked: bool = False):
    return lock_objects(Brand.objects, skip_locked=skip_locked)


def official_accounts(*, skip_locked: bool = False):
    return lock_objects(OfficialAccount.objects, skip_locked=skip_locked)


def service_conversations(*, skip_locked: bool = False):
    return lock_objects(ServiceConversation.objects, skip_locked=skip_locked)
