"""The accounts app's row locks: each a queryset locked FOR UPDATE (of its own rows)
in primary-key order, so two transactions always take them in the same order (docs/architecture.md,
"Locks")."""

from oauth2_provider.models import RefreshToken

from superapp.core.locks import lock_objects


def refresh_tokens(*, skip_locked: bool = False):
    return lock_objects(RefreshToken.objects, skip_locked=skip_locked)
