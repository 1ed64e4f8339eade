"""Every write of the mini-program platform: organisations, apps, versions and review, login
codes and sessions, consent, subscribe messages, sharing, the consumer's contact data."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from oauth2_provider.models import Application, Grant

from miniprograms import bundles, events, links, selectors
from miniprograms.models import (
    APP_SCOPES,
    CONSENT_SCOPES,
    AppIdentity,
    ConsentGrant,
    ConsumerContact,
    DeveloperOrganisation,
    EntryVisit,
    MiniProgram,
    MiniProgramTester,
    MiniProgramVersion,
    OrganisationMember,
    ShareLink,
    ShippingAddress,
    SubscribeAcceptance,
    SubscribeMessage,
    UnionIdentity,
    VersionAuditEntry,
)
from superapp.accounts import services as accounts_services
from superapp.core import domain_events, ratelimit
from superapp.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from superapp.webhooks import services as webhook_services
from superapp.webhooks.selectors import deliveries_for_owner

Role = OrganisationMember.Role
Status = MiniProgramVersion.Status


class InvalidLoginCode(DomainError):
    status = 400
    code = "invalid_code"
    default_detail = "The login code is invalid, expired or already used."


# --- Organisations -----------------------------------------------------------------------------


@transaction.atomic
def organisation_create(*, actor, name: str) -> DeveloperOrganisation:
    organisation = DeveloperOrganisation.objects.create(name=name)
    OrganisationMember.objects.create(
        organisation=organisation, user=actor, role=OrganisationMember.Role.OWNER
    )
    return organisation


@transaction.atomic
def organisation_member_add(*, actor, organisation_id: int, user, role: str) -> OrganisationMember:
    """Owners and admins add admins and developers; an organisation has one owner."""
    organisation = selectors.organisation_for_member(
        organisation_id=organisation_id, user=actor, roles=selectors.MANAGERS
    )
    if role not in (Role.ADMIN, Role.DEVELOPER):
        raise InvalidInput(fields={"role": ["Must be admin or developer."]})
    try:
        with transaction.atomic():
            return OrganisationMember.objects.create(
                organisation=organisation, user=user, role=role
            )
    except IntegrityError as exc:
        raise Conflict("Already a member of this organisation.", code="already_member") from exc


@transaction.atomic
def organisation_member_remove(*, actor, organisation_id: int, member_id: int) -> None:
    organisation = selectors.organisation_for_member(
        organisation_id=organisation_id, user=actor, roles=selectors.MANAGERS
    )
    member = OrganisationMember.objects.filter(pk=member_id, organisation=organisation).first()
    if member is None:
        raise NotFound("No such member.", code="member_not_found")
    if member.role == Role.OWNER:
        raise Forbidden("The owner cannot be removed.", code="owner_not_removable")
    member.delete()


# --- Apps --------------------------------------------------------------------------------------


def _check_app_scopes(scopes) -> list[str]:
    unknown = sorted(set(scopes) - set(APP_SCOPES))
    if unknown:
        raise InvalidInput(fields={"scopes": [f"Unknown scopes: {', '.join(unknown)}."]})
    return sorted(set(scopes))


@transaction.atomic
def miniprogram_register(
    *, actor, organisation: DeveloperOrganisation, name: str, scopes=APP_SCOPES
) -> tuple[MiniProgram, str]:
    """Register an app; returns it with its secret, which is stored only hashed.

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
        organisation = organisation_create(actor=actor, name=name)
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
            code="too_many_testers",
        )
    tester, _ = MiniProgramTester.objects.get_or_create(miniprogram=miniprogram, user=user)
    return tester


@transaction.atomic
def tester_remove(*, actor, app_id: str, user) -> None:
    miniprogram = selectors.miniprogram_for_member(app_id=app_id, user=actor)
    MiniProgramTester.objects.filter(miniprogram=miniprogram, user=user).delete()


# --- Versions and review -----------------------------------------------------------------------


def _audit(version, *, actor, action: str, from_status: str, reason: str = "") -> None:
    VersionAuditEntry.objects.create(
        version=version,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=version.status,
        reason=reason,
    )


def _lock_app(miniprogram: MiniProgram) -> None:
    """Serialise the steps that look at all of an app's versions (storage quota, the one trial,
    the one release) so concurrent requests cannot both pass the same check."""
    MiniProgram.objects.select_for_update().filter(pk=miniprogram.pk).first()


def _locked_version(version_id: int, miniprogram_id: int) -> MiniProgramVersion:
    version = (
        MiniProgramVersion.objects.select_for_update()
        .defer("bundle")
        .filter(pk=version_id, miniprogram_id=miniprogram_id)
        .first()
    )
    if version is None:
        raise NotFound("No such version.", code="version_not_found")
    return version


def _transition(version, *, actor, action: str, allowed_from, to: str, reason: str = ""):
    if version.status not in allowed_from:
        raise Conflict(
            f"A {version.status} version cannot be {action}.",
            code="invalid_version_state",
            status=version.status,
        )
    from_status = version.status
    version.status = to
    version.review_reason = reason or version.review_reason
    version.save(update_fields=["status", "review_reason"])
    _audit(version, actor=actor, action=action, from_status=from_status, reason=reason)
    return version


@transaction.atomic
def version_upload(
    *, actor, app_id: str, version: str, bundle: bytes, description: str = ""
) -> MiniProgramVersion:
    """Store a validated bundle as a draft. Any failure raises before anything is written."""
    miniprogram = selectors.miniprogram_for_member(app_id=app_id, user=actor)
    _lock_app(miniprogram)
    checked = bundles.bundle_check(bundle, allowed_scopes=miniprogram.allowed_scopes)
    used = selectors.app_storage_used(miniprogram=miniprogram)
    if used + checked.uncompressed_size > settings.MINIPROGRAM_APP_MAX_BYTES:
        raise InvalidInput(
            f"The app would store {used + checked.uncompressed_size} bytes; the limit is "
            f"{settings.MINIPROGRAM_APP_MAX_BYTES}. Delete old drafts first.",
            code="app_storage_exceeded",
        )
    try:
        with transaction.atomic():
            created = MiniProgramVersion.objects.create(
                miniprogram=miniprogram,
                version=version,
                description=description,
                manifest=checked.manifest,
                bundle=bundle,
                bundle_size=checked.uncompressed_size,
                uploaded_by=actor,
            )
    except IntegrityError as exc:
        raise Conflict("This version number exists.", code="version_exists") from exc
    _audit(created, actor=actor, action="upload", from_status="")
    return created


@transaction.atomic
def version_delete(*, actor, app_id: str, version_id: int) -> None:
    """Free storage: only drafts and rejected versions can go (the rest is review history)."""
    miniprogram = selectors.miniprogram_for_member(app_id=app_id, user=actor)
    version = _locked_version(version_id, miniprogram.pk)
    if version.status not in (Status.DRAFT, Status.REJECTED):
        raise Conflict(
            "Only drafts and rejected versions can be deleted.", code="invalid_version_state"
        )
    version.delete()


@transaction.atomic
def version_trial(*, actor, app_id: str, version_id: int) -> MiniProgramVersion:
    """Make a draft the trial version its testers open (one trial at a time)."""
    miniprogram = selectors.miniprogram_for_member(app_id=app_id, user=actor)
    _lock_app(miniprogram)
    version = _locked_version(version_id, miniprogram.pk)
    for previous in (
        MiniProgramVersion.objects.select_for_update()
        .filter(miniprogram=miniprogram, status=Status.TRIAL)
        .exclude(pk=version.pk)
        .defer("bundle")
    ):
        _transition(
            previous, actor=actor, action="untrial", allowed_from=[Status.TRIAL], to=Status.DRAFT
        )
    return _transition(
        version, actor=actor, action="trial", allowed_from=[Status.DRAFT], to=Status.TRIAL
    )


@transaction.atomic
def version_submit(*, actor, app_id: str, version_id: int) -> MiniProgramVersion:
    miniprogram = selectors.miniprogram_for_member(app_id=app_id, user=actor)
    version = _locked_version(version_id, miniprogram.pk)
    return _transition(
        version,
        actor=actor,
        action="submit",
        allowed_from=[Status.DRAFT, Status.TRIAL],
        to=Status.SUBMITTED,
    )


def _reviewable(reviewer, version_id: int) -> MiniProgramVersion:
    if not reviewer.is_staff:
        raise Forbidden("Only platform reviewers review versions.", code="not_a_reviewer")
    version = (
        MiniProgramVersion.objects.select_for_update().defer("bundle").filter(pk=version_id).first()
    )
    if version is None:
        raise NotFound("No such version.", code="version_not_found")
    return version


@transaction.atomic
def version_approve(*, reviewer, version_id: int, reason: str = "") -> MiniProgramVersion:
    version = _reviewable(reviewer, version_id)
    return _transition(
        version,
        actor=reviewer,
        action="approve",
        allowed_from=[Status.SUBMITTED],
        to=Status.APPROVED,
        reason=reason,
    )


@transaction.atomic
def version_reject(*, reviewer, version_id: int, reason: str) -> MiniProgramVersion:
    if not reason.strip():
        raise InvalidInput(fields={"reason": ["A rejection needs a reason."]})
    version = _reviewable(reviewer, version_id)
    return _transition(
        version,
        actor=reviewer,
        action="reject",
        allowed_from=[Status.SUBMITTED],
        to=Status.REJECTED,
        reason=reason,
    )


def _make_current(
    miniprogram: MiniProgram,
    version: MiniProgramVersion,
    *,
    actor,
    action: str,
    previous_status: str,
) -> MiniProgramVersion:
    """Swap the released version: the current one becomes ``previous_status``."""
    current = (
        MiniProgramVersion.objects.select_for_update()
        .defer("bundle")
        .filter(miniprogram=miniprogram, status=Status.RELEASED)
        .first()
    )
    if current is not None:
        _transition(
            current, actor=actor, action=action, allowed_from=[Status.RELEASED], to=previous_status
        )
    from_status = version.status
    version.status, version.released_at = Status.RELEASED, timezone.now()
    version.save(update_fields=["status", "released_at"])
    _audit(version, actor=actor, action=action, from_status=from_status)
    return version


@transaction.atomic
def version_release(*, actor, app_id: str, version_id: int) -> MiniProgramVersion:
    miniprogram = selectors.miniprogram_for_member(
        app_id=app_id, user=actor, roles=selectors.MANAGERS
    )
    _lock_app(miniprogram)
    version = _locked_version(version_id, miniprogram.pk)
    if version.status != Status.APPROVED:
        raise Conflict("Only an approved version can be released.", code="invalid_version_state")
    return _make_current(
        miniprogram, version, actor=actor, action="release", previous_status=Status.SUPERSEDED
    )


@transaction.atomic
def first_party_release(
    *, miniprogram: MiniProgram, version: str, bundle: bytes, description: str = ""
) -> tuple[MiniProgramVersion, bool]:
    """Release a bundle Plaza itself built (a brand's storefront) without the review queue:
    Plaza's own code, reviewed in its repository. Idempotent: the version already released
    answers ``(version, False)``; a version stored before is released again as it is."""
    _lock_app(miniprogram)
    existing = MiniProgramVersion.objects.filter(miniprogram=miniprogram, version=version).first()
    if existing is not None and existing.status == Status.RELEASED:
        return existing, False
    if existing is None:
        checked = bundles.bundle_check(bundle, allowed_scopes=miniprogram.allowed_scopes)
        existing = MiniProgramVersion.objects.create(
            miniprogram=miniprogram,
            version=version,
            description=description,
            status=Status.APPROVED,
            manifest=checked.manifest,
            bundle=bundle,
            bundle_size=checked.uncompressed_size,
        )
        _audit(existing, actor=None, action="upload", from_status="")
    released = _make_current(
        miniprogram, existing, actor=None, action="release", previous_status=Status.SUPERSEDED
    )
    return released, True


@transaction.atomic
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


@transaction.atomic
def miniprogram_rollback(*, actor, app_id: str) -> MiniProgramVersion:
    """Serve the previously released version again; the current one is marked rolled back."""
    miniprogram = selectors.miniprogram_for_member(
        app_id=app_id, user=actor, roles=selectors.MANAGERS
    )
    _lock_app(miniprogram)
    previous = (
        MiniProgramVersion.objects.select_for_update()
        .defer("bundle")
        .filter(miniprogram=miniprogram, status=Status.SUPERSEDED)
        .order_by("-released_at", "-id")
        .first()
    )
    if previous is None:
        raise Conflict("There is no previous release to roll back to.", code="nothing_to_roll_back")
    return _make_current(
        miniprogram, previous, actor=actor, action="rollback", previous_status=Status.ROLLED_BACK
    )


# --- Login, sessions, consent ------------------------------------------------------------------


def _check_consent_scopes(miniprogram: MiniProgram, scopes) -> list[str]:
    allowed = set(CONSENT_SCOPES) & set(miniprogram.allowed_scopes)
    refused = sorted(set(scopes) - allowed)
    if refused:
        raise InvalidInput(fields={"scopes": [f"This app cannot ask for: {', '.join(refused)}."]})
    return sorted(set(scopes))


@transaction.atomic
def login_code_issue(
    *,
    actor,
    app_id: str,
    scopes=(),
    code_challenge: str = "",
    code_challenge_method: str = "",
    nonce: str = "",
) -> str:
    """The consumer opens the app: record the scopes they just granted and return a one-time
    code (an OAuth2 authorization code: 5 minutes, single use) for the app's server.

    The code can be redeemed by code2session or, with PKCE, by the standard authorization-code
    grant at /o/token/ (scope ``openid``: the answer carries an ID token)."""
    miniprogram, _version = selectors.miniprogram_for_consumer(app_id=app_id, user=actor)
    if miniprogram.sandbox and not selectors.is_tester(miniprogram=miniprogram, user=actor):
        raise Forbidden("This app is in sandbox mode.", code="sandbox_restricted")
    scopes = _check_consent_scopes(miniprogram, scopes)
    for scope in scopes:
        consent_grant(user=actor, miniprogram=miniprogram, scope=scope)
    if code_challenge and code_challenge_method != "S256":
        raise InvalidInput(fields={"code_challenge_method": ["Use S256."]})
    code = secrets.token_urlsafe(32)
    Grant.objects.create(
        user=actor,
        application_id=miniprogram.oauth_application_id,
        code=code,
        expires=timezone.now() + timedelta(seconds=settings.MINIPROGRAM_LOGIN_CODE_SECONDS),
        redirect_uri=links.oauth_redirect_uri(app_id=app_id),
        scope=" ".join(["openid", *scopes]),
        code_challenge=code_challenge,
        code_challenge_method=code_challenge_method if code_challenge else "",
        nonce=nonce,
    )
    return code


def _redeem_code(miniprogram: MiniProgram, code: str):
    """Delete the grant (single use) and return its user; concurrent redeemers: one wins."""
    grant = (
        Grant.objects.select_for_update()
        .select_related("user")
        .filter(code=code, application_id=miniprogram.oauth_application_id)
        .first()
    )
    if grant is None or grant.is_expired() or grant.code_challenge:
        # a PKCE-bound code may only be redeemed at /o/token/ with its verifier
        raise InvalidLoginCode()
    grant.delete()
    return grant.user


@transaction.atomic
def code2session(*, miniprogram: MiniProgram, code: str) -> dict:
    """Exchange a login code for the user's openid, unionid and a fresh session key."""
    ratelimit.hit(
        "mp-code2session",
        miniprogram.app_id,
        limit=settings.MINIPROGRAM_CODE2SESSION_PER_MINUTE,
        window_seconds=60,
    )
    user = _redeem_code(miniprogram, code)
    identity = identity_for(miniprogram=miniprogram, user=user)
    union = unionid_for(organisation=miniprogram.organisation, user=user)
    session_key = secrets.token_urlsafe(24)
    AppIdentity.objects.filter(pk=identity.pk).update(
        session_key_hash=hashlib.sha256(session_key.encode()).hexdigest()
    )
    return {"openid": identity.openid, "unionid": union.unionid, "session_key": session_key}


def consent_grant(*, user, miniprogram: MiniProgram, scope: str) -> ConsentGrant:
    existing = ConsentGrant.objects.filter(
        miniprogram=miniprogram, user=user, scope=scope, revoked_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return ConsentGrant.objects.create(miniprogram=miniprogram, user=user, scope=scope)
    except IntegrityError:  # granted concurrently
        return ConsentGrant.objects.get(
            miniprogram=miniprogram, user=user, scope=scope, revoked_at__isnull=True
        )


@transaction.atomic
def consent_revoke(*, user, app_id: str, scope: str | None = None) -> int:
    """Revoke one scope (or all) of one app; the next API read already sees it."""
    grants = ConsentGrant.objects.filter(
        miniprogram__app_id=app_id, user=user, revoked_at__isnull=True
    )
    if scope is not None:
        grants = grants.filter(scope=scope)
    application_ids = set(grants.values_list("miniprogram__oauth_application_id", flat=True))
    revoked = grants.update(revoked_at=timezone.now())
    if not revoked:
        raise NotFound("No such grant.", code="grant_not_found")
    for application_id in application_ids:  # the app's tokens for this user carrying it end
        accounts_services.app_tokens_revoke(
            application_id=application_id, user=user, scopes=[scope] if scope else ()
        )
    return revoked


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


# --- Subscribe messages ------------------------------------------------------------------------


@transaction.atomic
def subscription_accept(*, user, app_id: str, templates: list[str]) -> list[SubscribeAcceptance]:
    """The user allows one message per listed template."""
    miniprogram, _version = selectors.miniprogram_for_consumer(app_id=app_id, user=user)
    if "subscribe_message" not in miniprogram.allowed_scopes:
        raise Forbidden("This app may not send subscribe messages.", code="scope_not_allowed")
    return SubscribeAcceptance.objects.bulk_create(
        [SubscribeAcceptance(miniprogram=miniprogram, user=user, template=t) for t in templates]
    )


@transaction.atomic
def subscribe_message_send(
    *, miniprogram: MiniProgram, openid: str, template: str, data: dict
) -> SubscribeMessage:
    """Spend one acceptance of ``template`` on one message; without one: 403 no_subscription.
    Messaging delivers it to the user's service notifications (event
    ``miniprograms.subscribe_message_sent``)."""
    ratelimit.hit(
        "mp-subscribe_message",
        miniprogram.app_id,
        limit=settings.MINIPROGRAM_SUBSCRIBE_MESSAGES_PER_DAY,
        window_seconds=86400,
    )
    user = selectors.user_for_openid(miniprogram=miniprogram, openid=openid)
    acceptance = (
        SubscribeAcceptance.objects.select_for_update(skip_locked=True)
        .filter(miniprogram=miniprogram, user=user, template=template, used_at__isnull=True)
        .order_by("id")
        .first()
    )
    if acceptance is None:
        raise Forbidden(
            "The user has no unused subscription to this template.", code="no_subscription"
        )
    acceptance.used_at = timezone.now()
    acceptance.save(update_fields=["used_at"])
    message = SubscribeMessage.objects.create(
        acceptance=acceptance, miniprogram=miniprogram, user=user, template=template, data=data
    )
    domain_events.emit(
        events.SubscribeMessageSent(
            user_id=user.pk,
            app_id=miniprogram.app_id,
            app_name=miniprogram.name,
            template=template,
            data=data,
            message_id=message.pk,
            **selectors.subscribe_message_text(
                miniprogram=miniprogram, template=template, data=data
            ),
        )
    )
    return message


# --- Opening, sharing --------------------------------------------------------------------------


@transaction.atomic
def entry_record(*, user, app_id: str, source: str, scene: str = "", path: str = ""):
    """The consumer opens the app from ``source``: counted for the developer's analytics."""
    miniprogram, version = selectors.miniprogram_for_consumer(app_id=app_id, user=user)
    EntryVisit.objects.create(
        miniprogram=miniprogram, user=user, source=source, scene=scene, path=path
    )
    return miniprogram, version


def card_payload_validate(*, app_id: str, title: str, page_path: str, image_url: str) -> dict:
    """The normalised payload of a mini-program card message (messaging stores it as the
    message's ``miniprogram`` card): the app must be released and the page one of its pages."""
    errors = {}
    if not 1 <= len(title.strip()) <= 64:
        errors["title"] = ["1 to 64 characters."]
    if not _is_released_page(app_id, page_path):
        errors["page_path"] = ["Not a page of the released version."]
    if not image_url.startswith("https://") or len(image_url) > 500:
        errors["image_url"] = ["An https URL of at most 500 characters."]
    if errors:
        raise InvalidInput("Invalid mini-program card.", code="invalid_card", fields=errors)
    return {
        "app_id": app_id,
        "title": title.strip(),
        "page_path": page_path,
        "image_url": image_url,
    }


def _is_released_page(app_id: str, page_path: str) -> bool:
    """Whether ``page_path`` (query aside) is a page of the app's released version; 404
    ``miniprogram_not_found`` if nothing is released."""
    version = selectors.released_bundle(app_id=app_id)
    if version is None:
        raise NotFound("No such mini-program.", code="miniprogram_not_found")
    return bundles.is_route(version.manifest, page_path)


def chat_card_check(payload: dict) -> dict:
    """A ``miniprogram`` chat card (messaging's MESSAGING_CARD_CHECKS): the app is released
    and the path one of its pages."""
    if not _is_released_page(payload["app_id"], payload["path"]):
        raise InvalidInput(
            "Invalid mini-program card.",
            code="invalid_card",
            fields={"path": ["Not a page of the released version."]},
        )
    return payload


@transaction.atomic
def share_link_create(
    *, actor, app_id: str, base_url: str, path: str, scene: str = "", query: str = ""
) -> dict:
    """A deep link and its QR code. With a ``scene`` (at most 32 characters, what a QR code
    carries) the link is self-contained; with a ``query`` of any length it is the long-link
    variant: a stored code that ``GET /api/v1/miniprogram-links/{code}`` resolves. URLs start
    at ``base_url`` (links.public_base_url)."""
    miniprogram = selectors.miniprogram_for_member(app_id=app_id, user=actor)
    if len(scene) > settings.MINIPROGRAM_SCENE_MAX_LENGTH:
        raise InvalidInput(fields={"scene": ["At most 32 characters; use a query instead."]})
    if query:
        link = ShareLink.objects.create(
            code=secrets.token_urlsafe(12), miniprogram=miniprogram, path=path, query=query
        )
        kind, url = "long", links.long_link_url(base_url=base_url, link=link)
    else:
        kind, url = (
            "qr",
            links.scene_link_url(base_url=base_url, app_id=app_id, path=path, scene=scene),
        )
    return {"kind": kind, "url": url, "qr_svg": links.qr_svg_data_uri(url)}


# --- Developer tools ---------------------------------------------------------------------------


@transaction.atomic
def webhook_replay(*, actor, app_id: str, delivery_id: int):
    miniprogram = selectors.miniprogram_for_member(app_id=app_id, user=actor)
    delivery = (
        deliveries_for_owner(selectors.webhook_owner(miniprogram)).filter(pk=delivery_id).first()
    )
    if delivery is None:
        raise NotFound("No such delivery.", code="delivery_not_found")
    return webhook_services.webhook_resend(delivery=delivery)


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
