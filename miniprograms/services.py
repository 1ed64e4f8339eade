import secrets

from django.db import IntegrityError, transaction
from oauth2_provider.models import Application

from miniprograms.models import (
    AppIdentity,
    DeveloperOrganisation,
    MiniProgram,
    OrganisationMember,
    UnionIdentity,
)


@transaction.atomic
def organisation_create(*, actor, name: str) -> DeveloperOrganisation:
    organisation = DeveloperOrganisation.objects.create(name=name)
    OrganisationMember.objects.create(
        organisation=organisation, user=actor, role=OrganisationMember.Role.OWNER
    )
    return organisation


@transaction.atomic
def miniprogram_register(
    *, actor, organisation: DeveloperOrganisation, name: str
) -> tuple[MiniProgram, str]:
    """Register an app; returns it with its secret, which is stored only hashed."""
    app_id = "mp" + secrets.token_hex(8)
    app_secret = secrets.token_urlsafe(32)
    application = Application.objects.create(
        name=name,
        client_id=app_id,
        client_secret=app_secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        user=actor,
    )
    miniprogram = MiniProgram.objects.create(
        app_id=app_id, organisation=organisation, oauth_application=application, name=name
    )
    return miniprogram, app_secret


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
