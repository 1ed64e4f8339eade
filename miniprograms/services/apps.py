"""Mini-programs themselves: registering, creating, updating, rotating the secret, and testers."""

import secrets

from django.conf import settings
from django.db import transaction
from oauth2_provider.models import Application

from miniprograms import links, selectors
from miniprograms.errors import TOO_MANY_TESTERS
from miniprograms.models import (
    APP_SCOPES,
    DeveloperOrganisation,
    MiniProgram,
    MiniProgramTester,
)
from miniprograms.services.organisations import organisation_create_nested
from superapp.accounts import services as accounts_services
from superapp.core.errors import DomainError, InvalidInput

# --- Apps --------------------------------------------------------------------------------------


def _check_app_scopes(scopes) -> list[str]:
    unknown = sorted(set(scopes) - set(APP_SCOPES))
    if unknown:
        raise InvalidInput(fields={"scopes": [f"Unknown scopes: {', '.join(unknown)}."]})
    return sorted(set(scopes))


@transaction.atomic(savepoint=False)
def miniprogram_register(
    *, actor, organisation: DeveloperOrganisation, name: str, scopes=APP_SCOPES
) -> tuple[MiniProgram, str]:
    """Register an app; returns it with its secret, which is stored only hashed. Called inside
    another service's transaction (the developer API's ``miniprogram_create``, a brand's
    ``shop_enable``), which it joins without a savepoint, or by seeds and benches on its own.

    Its DOT application is confidential, signs ID tokens with RS256, and its one redirect URI
    is the app's own bundle path (the login code is redeemed without a browser redirect)."""
    app_id = "mp" + secrets.token_hex(8)
    app_secret = secrets.token_urlsafe(32)
    application = Application.objects.create(
        name=name,
        client_id=app_id,
        client_secret=app_secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        algorithm=Application.RS256_ALGORITHM,
        redirect_uris=links.oauth_redirect_uri(app_id=app_id),
        user=actor,
    )
    miniprogram = MiniProgram.objects.create(
        app_id=app_id,
        organisation=organisation,
        oauth_application=application,
        name=name,
        allowed_scopes=_check_app_scopes(scopes),
    )
    return miniprogram, app_secret


@transaction.atomic
def miniprogram_create(
    *, actor, name: str, organisation_id: int | None = None, scopes=APP_SCOPES
) -> tuple[MiniProgram, str]:
    """The developer API's registration: into an organisation the actor manages, or into a new
    organisation of the same name (its apps then share nobody's unionid but their own)."""
    if organisation_id is None:
        organisation = organisation_create_nested(actor=actor, name=name)
    else:
        organisation = selectors.organisation_for_member(
            organisation_id=organisation_id, user=actor, roles=selectors.MANAGERS
        )
    return miniprogram_register(actor=actor, organisation=organisation, name=name, scopes=scopes)


@transaction.atomic
def miniprogram_secret_rotate(*, actor, app_id: str) -> str:
    """A new secret replaces the old one at once (DOT hashes it on save); shown once."""
    miniprogram = selectors.miniprogram_for_member(
        app_id=app_id, user=actor, roles=selectors.MANAGERS
    )
    secret = secrets.token_urlsafe(32)
    application = miniprogram.oauth_application
    application.client_secret = secret
    application.save(update_fields=["client_secret"])
    # the old secret may have leaked: nothing obtained with it keeps working
    accounts_services.app_tokens_revoke(application_id=application.pk)
    return secret


@transaction.atomic
def miniprogram_update(
    *, actor, app_id: str, scopes=None, sandbox: bool | None = None
) -> MiniProgram:
    miniprogram = selectors.miniprogram_for_member(
        app_id=app_id, user=actor, roles=selectors.MANAGERS
    )
    if scopes is not None:
        removed = set(miniprogram.allowed_scopes) - set(scopes)
        miniprogram.allowed_scopes = _check_app_scopes(scopes)
        if removed:  # tokens carrying a scope the app lost end now
            accounts_services.app_tokens_revoke(
                application_id=miniprogram.oauth_application_id, scopes=sorted(removed)
            )
    if sandbox is not None:
        miniprogram.sandbox = sandbox
    miniprogram.save(update_fields=["allowed_scopes", "sandbox"])
    return miniprogram


@transaction.atomic
def tester_add(*, actor, app_id: str, user) -> MiniProgramTester:
    miniprogram = selectors.miniprogram_for_member(app_id=app_id, user=actor)
    if miniprogram.testers.count() >= settings.MINIPROGRAM_TESTERS_MAX:
        raise DomainError(
            f"An app has at most {settings.MINIPROGRAM_TESTERS_MAX} testers.",
            code=TOO_MANY_TESTERS,
        )
    tester, _ = MiniProgramTester.objects.get_or_create(miniprogram=miniprogram, user=user)
    return tester


@transaction.atomic
def tester_remove(*, actor, app_id: str, user) -> None:
    miniprogram = selectors.miniprogram_for_member(app_id=app_id, user=actor)
    MiniProgramTester.objects.filter(miniprogram=miniprogram, user=user).delete()


@transaction.atomic(savepoint=False)
def public_client_set(*, miniprogram: MiniProgram, scopes: list[str]) -> MiniProgram:
    """Make the app a public OAuth client (a storefront with no server of its own: it redeems
    its login code with PKCE alone) allowed ``scopes`` besides its own."""
    application = miniprogram.oauth_application
    if application.client_type != Application.CLIENT_PUBLIC:
        application.client_type = Application.CLIENT_PUBLIC
        application.save(update_fields=["client_type"])
    wanted = _check_app_scopes([*miniprogram.allowed_scopes, *scopes])
    if wanted != sorted(miniprogram.allowed_scopes):
        miniprogram.allowed_scopes = wanted
        miniprogram.save(update_fields=["allowed_scopes"])
    return miniprogram
