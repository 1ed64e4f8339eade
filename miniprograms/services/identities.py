"""A user's stable identities: per app (openid) and per organisation (unionid)."""

import secrets

from django.db import IntegrityError, transaction

from miniprograms.models import (
    AppIdentity,
    DeveloperOrganisation,
    MiniProgram,
    UnionIdentity,
)


def _get_or_create_race_safe(model, lookup: dict, token_field: str, prefix: str):
    existing = model.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return model.objects.create(
                **lookup, **{token_field: prefix + secrets.token_urlsafe(21)}
            )
    except IntegrityError:  # a concurrent request created it first
        return model.objects.get(**lookup)


def identity_for(*, miniprogram: MiniProgram, user) -> AppIdentity:
    """The user's openid for this app, created on first use."""
    return _get_or_create_race_safe(
        AppIdentity, {"miniprogram": miniprogram, "user": user}, "openid", "o_"
    )


def unionid_for(*, organisation: DeveloperOrganisation, user) -> UnionIdentity:
    return _get_or_create_race_safe(
        UnionIdentity, {"organisation": organisation, "user": user}, "unionid", "u_"
    )
