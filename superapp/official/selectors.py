from django.db.models import QuerySet

from superapp.core.errors import Forbidden, NotFound
from superapp.official.models import Brand, BrandMember

Role = BrandMember.Role
MANAGERS = (Role.OWNER, Role.ADMIN)
STAFF = (Role.OWNER, Role.ADMIN, Role.ASSOCIATE)


def brand_role(*, brand: Brand, user) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    return BrandMember.objects.filter(brand=brand, user=user).values_list("role", flat=True).first()


def brand_for_member(*, brand_id: int, user, roles=STAFF) -> Brand:
    """The brand if ``user`` holds one of ``roles`` in it. Non-members get 404 (the brand's
    internals are invisible to them); members with a lesser role get 403."""
    brand = Brand.objects.filter(pk=brand_id).first()
    role = brand_role(brand=brand, user=user) if brand else None
    if role is None:
        raise NotFound("No such brand.", code="brand_not_found")
    if role not in roles:
        raise Forbidden("Your role in this brand does not allow this.", code="insufficient_role")
    return brand


def brands_for_user(*, user) -> QuerySet[Brand]:
    return Brand.objects.filter(members__user=user).order_by("name", "id")


def brand_for_organisation(*, organisation_id: int) -> Brand | None:
    return Brand.objects.filter(developer_organisation_id=organisation_id).first()


def brand_get(*, brand_id: int) -> Brand:
    """Any brand by id (brands are public); 404 ``brand_not_found`` otherwise."""
    brand = Brand.objects.filter(pk=brand_id).first()
    if brand is None:
        raise NotFound("No such brand.", code="brand_not_found")
    return brand


def brand_user_ids(*, brand_id: int, roles=STAFF) -> list[int]:
    """Ids of the brand's members holding one of ``roles``, oldest membership first."""
    return list(
        BrandMember.objects.filter(brand_id=brand_id, role__in=roles)
        .order_by("created_at", "id")
        .values_list("user_id", flat=True)
    )
