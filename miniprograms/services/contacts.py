"""The consumer's contact data: phone and address book."""

from django.db import transaction

from miniprograms.models import (
    ConsumerContact,
    ShippingAddress,
)
from superapp.core.errors import NotFound

# --- The consumer's contact data ---------------------------------------------------------------


@transaction.atomic
def contact_set(*, user, phone: str) -> ConsumerContact:
    contact, _ = ConsumerContact.objects.update_or_create(user=user, defaults={"phone": phone})
    return contact


def _address_book_lock(user) -> None:
    """Serialise one person's address changes on their user row: two first addresses added
    at once would otherwise both become the default."""
    type(user).objects.select_for_update().filter(pk=user.pk).values("pk").first()


@transaction.atomic
def address_add(*, user, is_default: bool = False, **fields) -> ShippingAddress:
    _address_book_lock(user)
    first = not ShippingAddress.objects.filter(user=user).exists()
    if is_default:
        ShippingAddress.objects.filter(user=user, is_default=True).update(is_default=False)
    return ShippingAddress.objects.create(user=user, is_default=is_default or first, **fields)


@transaction.atomic
def address_delete(*, user, address_id: int) -> None:
    deleted, _ = ShippingAddress.objects.filter(user=user, pk=address_id).delete()
    if not deleted:
        raise NotFound("No such address.", code="address_not_found")
