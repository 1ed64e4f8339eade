from django.db import IntegrityError, transaction

from miniprograms import services as miniprogram_services
from superapp.core.errors import Conflict, InvalidInput
from superapp.official.models import Brand, BrandMember
from superapp.official.selectors import MANAGERS, brand_for_member

Role = BrandMember.Role


@transaction.atomic
def brand_create(*, actor, name: str) -> Brand:
    """Create a brand with its developer organisation; the creator becomes its owner."""
    organisation = miniprogram_services.organisation_create(actor=actor, name=name)
    brand = Brand.objects.create(name=name, developer_organisation=organisation)
    BrandMember.objects.create(brand=brand, user=actor, role=Role.OWNER)
    return brand


@transaction.atomic
def brand_member_add(*, actor, brand_id: int, user, role: str) -> BrandMember:
    """Owners and admins add admins and associates; nobody adds a second owner."""
    brand = brand_for_member(brand_id=brand_id, user=actor, roles=MANAGERS)
    if role not in (Role.ADMIN, Role.ASSOCIATE):
        raise InvalidInput(fields={"role": ["Must be admin or associate."]})
    try:
        with transaction.atomic():
            return BrandMember.objects.create(brand=brand, user=user, role=role)
    except IntegrityError as exc:
        raise Conflict("Already a member of this brand.", code="already_member") from exc
