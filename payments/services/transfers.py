"""Person-to-person transfers."""

from django.db import transaction

from payments import ledger
from payments.models import (
    Transfer,
    public_id,
)
from payments.services.wallet import Type, money_validate, wallet_changed_announce
from payments.services.wallet_pin import pin_verify
from superapp.core.errors import (
    DomainError,
    NotFound,
)
from superapp.social import selectors as social

# --- P2P transfers ----------------------------------------------------------------------------


@transaction.atomic
def transfer_create(
    *, actor, recipient, amount: int, currency: str, pin: str, note: str = ""
) -> Transfer:
    """Move money from the actor's wallet to a contact's wallet.

    Only contacts can be paid (422 ``not_a_contact``). A block in either direction gets the
    same answer: a block ends the friendship, and saying so would tell the blocked user."""
    money_validate(amount=amount, currency=currency)
    if recipient.pk == actor.pk:
        raise DomainError("You cannot send money to yourself.", code="cannot_pay_self")
    if not recipient.is_active:
        raise NotFound("No such user.", code="user_not_found")
    if not social.are_contacts(actor, recipient) or social.either_blocked(actor, recipient):
        raise DomainError("You can only send money to your contacts.", code="not_a_contact")
    pin_verify(user=actor, pin=pin)
    source, target = ledger.accounts_resolve(
        ledger.wallet_lookup(user=actor, currency=currency),
        ledger.wallet_lookup(user=recipient, currency=currency),
    )
    journal = ledger.journal_post(
        type=Type.TRANSFER,
        reference=public_id("tr_"),
        actor=actor,
        legs=[(source, -amount), (target, amount)],
    )
    transfer = Transfer.objects.create(
        journal=journal,
        sender=actor,
        recipient=recipient,
        amount=amount,
        currency=currency,
        note=note,
    )
    wallet_changed_announce(
        user_id=recipient.pk, currency=currency, reason="transfer", amount=amount
    )
    return transfer
