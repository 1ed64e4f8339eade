"""A user's stable identities: per app (openid) and per organisation (unionid)."""

import secrets

from miniprograms.models import (
    AppIdentity,
    DeveloperOrganisation,
    MiniProgram,
    UnionIdentity,
)
from superapp.core import sql


def _get_or_create_race_safe(model, lookup: dict, token_field: str, prefix: str):
    """The identity, created on first use; no savepoint in the caller's transaction (a first
    payment's path), a concurrent request's row wins."""
    identity, _ = sql.get_or_insert(
        model, lookup, **{token_field: prefix + secrets.token_urlsafe(21)}
    )
    return identity


def identity_for(*, miniprogram: MiniProgram, user) -> AppIdentity:
    """The user's openid for this app, created on first use."""
    return _get_or_create_race_safe(
        AppIdentity, {"miniprogram": miniprogram, "user": user}, "openid", "o_"
    )


def unionid_for(*, organisation: DeveloperOrganisation, user) -> UnionIdentity:
    return _get_or_create_race_safe(
        UnionIdentity, {"organisation": organisation, "user": user}, "unionid", "u_"
    )
