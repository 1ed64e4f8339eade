"""Builders for the official app's tests: brands with staff, accounts, followers."""

import itertools
from datetime import timedelta

from superapp.official import services
from superapp.official.models import OfficialAccount
from tests.factories import UserFactory


class StaffUserFactory(UserFactory):
    is_staff = True


def brand_with_staff(*, name="Maison Lune", verified=False):
    """A brand with an owner, an admin and an associate (attributes on the returned brand)."""
    owner, admin, associate = UserFactory(), UserFactory(), UserFactory()
    brand = services.brand_create(actor=owner, name=name)
    services.brand_member_add(actor=owner, brand_id=brand.pk, user=admin, role="admin")
    services.brand_member_add(actor=owner, brand_id=brand.pk, user=associate, role="associate")
    if verified:
        brand = services.brand_verify(actor=StaffUserFactory(), brand=brand)
    brand.owner, brand.admin, brand.associate = owner, admin, associate
    return brand


_account_numbers = itertools.count(1)


def official_account(*, brand=None, kind=OfficialAccount.Kind.SERVICE, verified=True, **fields):
    brand = brand or brand_with_staff(verified=verified)
    fields.setdefault("name", f"Account {next(_account_numbers)}")
    account = services.account_create(actor=brand.owner, brand_id=brand.pk, kind=kind, **fields)
    account.brand = brand
    return account


def followers(account, count: int):
    users = UserFactory.create_batch(count)
    for user in users:
        services.account_follow(user=user, account_id=account.pk)
    return users


def publish(account, *, title="New season", body="Our autumn collection is here.", **fields):
    return services.broadcast_publish(
        actor=account.brand.owner,
        account_id=account.pk,
        title=title,
        body=body,
        links=fields.pop("links", []),
        **fields,
    )


def backdate(instance, field: str, **delta):
    """Move a timestamp into the past, as if the row were written ``delta`` ago."""
    type(instance).objects.filter(pk=instance.pk).update(
        **{field: getattr(instance, field) - timedelta(**delta)}
    )
    instance.refresh_from_db()
    return instance
