"""Data rights: erasing a user's loyalty data."""

import secrets

from django.db import transaction
from django.utils import timezone

from loyalty import locks
from loyalty.models import (
    Client,
    Consent,
    Tag,
)
from loyalty.services.ledger import Kind, Reason, _debit

# --- Data rights ------------------------------------------------------------------------------


@transaction.atomic(savepoint=False)  # inside the account's erasure
def member_data_erase(*, user) -> None:
    """Erasure, loyalty's part: forfeit live points as expiry (ledgers stay balanced, rows
    stay, pointing at the anonymised user), rotate card tokens, and delete the personal
    content: client-book records with their notes, tags, tasks and chats, consents, and the
    user's personal tags."""
    now = timezone.now()
    members = locks.members().select_related("program")
    for member in members.filter(user=user).order_by("pk"):
        if member.points:
            _debit(member, member.points, Kind.EXPIRE, Reason.ERASURE, now)
        member.card_token = secrets.token_hex(16)
        member.save(update_fields=["points", "card_token"])
    Client.objects.filter(user=user).delete()
    Consent.objects.filter(user=user).delete()
    Tag.objects.filter(owner=user).delete()
