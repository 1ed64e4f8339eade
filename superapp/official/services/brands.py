"""Brands: the audit log (``_audit``), creation, membership, verification by platform
staff, the developer server's callback and the push of events to it."""

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from miniprograms import services as miniprogram_services
from superapp.core.errors import ALREADY_MEMBER, Conflict, DomainError, Forbidden, InvalidInput
from superapp.core.memberships import membership_set
from superapp.official import locks, selectors
from superapp.official.errors import BRAND_ALREADY_VERIFIED, BRAND_NOT_VERIFIED, PLATFORM_STAFF_ONLY
from superapp.official.models import (
    Brand,
    BrandAuditEntry,
    BrandCallback,
    BrandMember,
    OfficialAccount,
)
from superapp.official.selectors import MANAGERS, brand_for_member
from superapp.webhooks import services as webhooks

Role = BrandMember.Role


def _audit(*, brand: Brand, actor, action: str, target: str = "", **details) -> None:
    BrandAuditEntry.objects.create(
        brand=brand, actor=actor, action=action, target=target, details=details
    )


@transaction.atomic
def brand_create(*, actor, name: str) -> Brand:
    """Create a brand with its developer organisation; the creator becomes its owner."""
    organisation = miniprogram_services.organisation_create_nested(actor=actor, name=name)
    brand = Brand.objects.create(name=name, developer_organisation=organisation)
    BrandMember.objects.create(brand=brand, user=actor, role=Role.OWNER)
    _audit(brand=brand, actor=actor, action="brand.created", name=name)
    return brand


@transaction.atomic
def brand_member_add(*, actor, brand_id: int, user, role: str) -> BrandMember:
    """Owners and admins add admins and associates; nobody adds a second owner."""
    brand = brand_for_member(brand_id=brand_id, user=actor, roles=MANAGERS)
    if role not in (Role.ADMIN, Role.ASSOCIATE):
        raise InvalidInput(fields={"role": ["Must be admin or associate."]})
    try:
        with transaction.atomic():
            member = BrandMember.objects.create(brand=brand, user=user, role=role)
    except IntegrityError as exc:
        raise Conflict("Already a member of this brand.", code=ALREADY_MEMBER) from exc
    _audit(
        brand=brand,
        actor=actor,
        action="member.added",
        target=f"user:{user.pk}",
        username=user.username,
        role=role,
    )
    return member


def brand_membership_set(*, brand_id: int, user_id: int, role: str | None) -> None:
    """The membership primitive of the workspace's teams (``superapp.teams`` decides who may):
    add, re-role or (``role=None``) remove ``user_id``; making someone owner hands the brand
    over (``superapp.core.memberships``)."""
    membership_set(
        BrandMember,
        scope={"brand_id": brand_id},
        user_id=user_id,
        role=role,
        conflict="Already a member of this brand.",
    )


def _require_platform_staff(actor) -> None:
    if not (actor.is_active and actor.is_staff):
        raise Forbidden("Only platform staff verify brands.", code=PLATFORM_STAFF_ONLY)


@transaction.atomic
def brand_verify(*, actor, brand: Brand) -> Brand:
    """Platform staff vouch for the brand; its service accounts get the advanced features."""
    _require_platform_staff(actor)
    brand = locks.brands().get(pk=brand.pk)
    if brand.verified_at is None:
        brand.verified_at = timezone.now()
        brand.save(update_fields=["verified_at"])
        _audit(brand=brand, actor=actor, action="brand.verified")
    return brand


@transaction.atomic
def brand_verification_revoke(*, actor, brand: Brand) -> Brand:
    _require_platform_staff(actor)
    brand = locks.brands().get(pk=brand.pk)
    if brand.verified_at is not None:
        brand.verified_at = None
        brand.save(update_fields=["verified_at"])
        _audit(brand=brand, actor=actor, action="brand.verification_revoked")
    return brand


@transaction.atomic
def brand_verification_request(*, actor, brand_id: int) -> Brand:
    """The owner asks platform staff to verify the brand (they verify with ``brand_verify``).
    Asking again only moves the request's time; a verified brand has nothing to ask."""
    brand = brand_for_member(brand_id=brand_id, user=actor, roles=(Role.OWNER,))
    brand = locks.brands().get(pk=brand.pk)
    if brand.is_verified:
        raise Conflict("This brand is already verified.", code=BRAND_ALREADY_VERIFIED)
    brand.verification_requested_at = timezone.now()
    brand.save(update_fields=["verification_requested_at"])
    _audit(brand=brand, actor=actor, action="brand.verification_requested")
    return brand


@transaction.atomic
def brand_callback_set(*, actor, brand_id: int, url: str) -> BrandCallback:
    """Register (or move) the brand's developer server; a fresh signing secret each time."""
    brand = brand_for_member(brand_id=brand_id, user=actor, roles=MANAGERS)
    if not brand.is_verified:
        raise DomainError("Only verified brands get server push.", code=BRAND_NOT_VERIFIED)
    callback, _ = BrandCallback.objects.update_or_create(
        brand=brand, defaults={"url": url, "secret": "whsec_" + secrets.token_urlsafe(32)}
    )
    _audit(brand=brand, actor=actor, action="callback.set", url=url)
    return callback


@transaction.atomic
def brand_callback_remove(*, actor, brand_id: int) -> None:
    brand = brand_for_member(brand_id=brand_id, user=actor, roles=MANAGERS)
    if BrandCallback.objects.filter(brand=brand).delete()[0]:
        _audit(brand=brand, actor=actor, action="callback.removed")


@transaction.atomic
def brand_delivery_resend(*, actor, brand_id: int, delivery_id: int):
    brand = brand_for_member(brand_id=brand_id, user=actor, roles=MANAGERS)
    delivery = selectors.brand_delivery(brand=brand, delivery_id=delivery_id)
    _audit(brand=brand, actor=actor, action="delivery.resent", target=f"delivery:{delivery.pk}")
    return webhooks.webhook_resend(delivery=delivery)


def _push_to_brand_server(*, account: OfficialAccount, user, event_type: str, **data) -> None:
    """Enqueue the event for the brand's developer server, if it has one and the brand is
    (still) verified. The server knows the follower by their unionid for the brand's
    organisation, never by a Plaza user id."""
    callback = BrandCallback.objects.filter(brand_id=account.brand_id).first()
    if callback is None or not account.brand.is_verified:
        return
    organisation = account.brand.developer_organisation
    unionid = miniprogram_services.unionid_for(organisation=organisation, user=user).unionid
    webhooks.webhook_enqueue(
        owner=selectors.brand_webhook_owner(account.brand_id),
        url=callback.url,
        secret=callback.secret,
        event_type=event_type,
        data={"account_id": account.pk, "unionid": unionid, **data},
    )
