"""The rows the teams app locks (superapp/core/locks.py: FOR UPDATE of its own rows, pk order)."""

from superapp.core.locks import lock_objects


def invitations(queryset):
    """``queryset`` of invitations, locked: answering or revoking one queues behind the other."""
    return lock_objects(queryset)
