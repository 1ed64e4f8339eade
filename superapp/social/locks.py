"""The social app's row locks: each a queryset locked FOR UPDATE (of its own rows)
in primary-key order, so two transactions always take them in the same order (docs/architecture.md,
"Locks")."""

from superapp.core.locks import lock_objects
from superapp.social.models import ContactRequest


def contact_requests(*, skip_locked: bool = False):
    return lock_objects(ContactRequest.objects, skip_locked=skip_locked)
