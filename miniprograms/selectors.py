import re

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.db.models import Count, Exists, Max, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import TruncDate
from oauth2_provider.models import get_application_model

from miniprograms.errors import (
    ADDRESS_NOT_FOUND,
    INVALID_CLIENT,
    LINK_NOT_FOUND,
    MINIPROGRAM_NOT_FOUND,
    OPENID_NOT_FOUND,
    ORGANISATION_NOT_FOUND,
    VERSION_NOT_FOUND,
)
from miniprograms.models import (
    MINIPROGRAM_SEARCH,
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
)
from superapp.core import ratelimit, sql
from superapp.core.errors import INSUFFICIENT_ROLE, DomainError, Forbidden, NotFound
from superapp.core.fulltext import Search
from superapp.webhooks.selectors import deliveries_for_owner

Role = OrganisationMember.Role
MANAGERS = (Role.OWNER, Role.ADMIN)
DEVELOPERS = (Role.OWNER, Role.ADMIN, Role.DEVELOPER)
Status = MiniProgramVersion.Status


def miniprogram_for_token(access_token) -> MiniProgram:
    """The app whose client-credentials token this is."""
    return MiniProgram.objects.select_related("organisation").get(
        oauth_application_id=access_token.application_id
    )


def user_for_openid(*, miniprogram: MiniProgram, openid: str):
    """The user behind an openid of *this* app; another app's openid is simply not found."""
    identity = (
        AppIdentity.objects.select_related("user")
        .filter(miniprogram=miniprogram, openid=openid, user__is_active=True)
        .first()
    )
    if identity is None:
        raise NotFound("No user with this openid for this app.", code=OPENID_NOT_FOUND)
    return identity.user


# --- Developer side ----------------------------------------------------------------------------


def _require_role(role: str | None, roles, not_found: NotFound) -> None:
    """Non-members get 404 (they may not see it); members with a lesser role get 403."""
    if role is None:
        raise not_found
    if role not in roles:
        raise Forbidden(
            "Your role in this organisation does not allow this.", code=INSUFFICIENT_ROLE
        )


def organisation_role(*, organisation_id: int, user) -> str | None:
    return (
        OrganisationMember.objects.filter(organisation_id=organisation_id, user=user)
        .values_list("role", flat=True)
        .first()
    )


def organisation_for_member(*, organisation_id: int, user, roles=DEVELOPERS):
    organisation = DeveloperOrganisation.objects.filter(pk=organisation_id).first()
    role = organisation_role(organisation_id=organisation_id, user=user) if organisation else None
    _require_role(role, roles, NotFound("No such organisation.", code=ORGANISATION_NOT_FOUND))
    return organisation


def organisations_for_user(*, user) -> QuerySet[DeveloperOrganisation]:
    return DeveloperOrganisation.objects.filter(members__user=user).order_by("name", "id")


def organisation_memberships(*, user) -> QuerySet[OrganisationMember]:
    """The caller's memberships, with their organisations: the workspace's list of teams."""
    return (
        OrganisationMember.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation_id")
    )


def organisation_member_list(*, organisation_id: int) -> QuerySet[OrganisationMember]:
    return (
        OrganisationMember.objects.filter(organisation_id=organisation_id)
        .select_related("user")
        .order_by("id")
    )


def organisation_members(*, organisation: DeveloperOrganisation) -> QuerySet[OrganisationMember]:
    return organisation_member_list(organisation_id=organisation.pk)


def miniprogram_for_member(*, app_id: str, user, roles=DEVELOPERS) -> MiniProgram:
    miniprogram = (
        MiniProgram.objects.select_related("organisation", "oauth_application")
        .filter(app_id=app_id)
        .first()
    )
    role = (
        organisation_role(organisation_id=miniprogram.organisation_id, user=user)
        if miniprogram
        else None
    )
    _require_role(role, roles, NotFound("No such mini-program.", code=MINIPROGRAM_NOT_FOUND))
    return miniprogram


def miniprograms_for_member(*, user) -> QuerySet[MiniProgram]:
    return (
        MiniProgram.objects.filter(organisation__members__user=user)
        .select_related("organisation")
        .order_by("-id")
    )


def versions_for_app(*, miniprogram: MiniProgram) -> QuerySet[MiniProgramVersion]:
    return (
        MiniProgramVersion.objects.filter(miniprogram=miniprogram)
        .defer("bundle")
        .prefetch_related("audit_entries")
        .order_by("-id")
    )


def version_for_member(*, app_id: str, version_id: int, user, roles=DEVELOPERS):
    miniprogram = miniprogram_for_member(app_id=app_id, user=user, roles=roles)
    version = (
        MiniProgramVersion.objects.defer("bundle")
        .filter(pk=version_id, miniprogram=miniprogram)
        .first()
    )
    if version is None:
        raise NotFound("No such version.", code=VERSION_NOT_FOUND)
    return version


def review_queue() -> QuerySet[MiniProgramVersion]:
    """Versions waiting for a platform reviewer, oldest first."""
    return (
        MiniProgramVersion.objects.filter(status=Status.SUBMITTED)
        .select_related("miniprogram")
        .defer("bundle")
        .prefetch_related("audit_entries")
        .order_by("id")
    )


def app_storage_used(*, miniprogram: MiniProgram) -> int:
    """Bytes counted against the per-app limit: every stored version's bundle."""
    return (
        MiniProgramVersion.objects.filter(miniprogram=miniprogram).aggregate(
            total=Sum("bundle_size")
        )["total"]
        or 0
    )


def entry_stats(*, miniprogram: MiniProgram) -> list[dict]:
    """Openings per day and source, newest day first."""
    return list(
        EntryVisit.objects.filter(miniprogram=miniprogram)
        .annotate(day=TruncDate("created_at"))
        .values("day", "source")
        .annotate(visits=Count("id"), users=Count("user", distinct=True))
        .order_by("-day", "source")
    )


def quota_usage(*, miniprogram: MiniProgram) -> list[dict]:
    """The app's rate-limit counters as the developer sees them."""
    quotas = [
        ("code2session", settings.MINIPROGRAM_CODE2SESSION_PER_MINUTE, 60),
        ("subscribe_message", settings.MINIPROGRAM_SUBSCRIBE_MESSAGES_PER_DAY, 86400),
        ("user_api", settings.MINIPROGRAM_USER_API_PER_MINUTE, 60),
    ]
    return [
        {
            "name": name,
            "limit": limit,
            "window_seconds": window,
            "used": ratelimit.count(f"mp-{name}", miniprogram.app_id),
        }
        for name, limit, window in quotas
    ]


# --- Consumer side -----------------------------------------------------------------------------


def is_tester(*, miniprogram: MiniProgram, user) -> bool:
    return (
        MiniProgramTester.objects.filter(miniprogram=miniprogram, user=user).exists()
        or organisation_role(organisation_id=miniprogram.organisation_id, user=user) is not None
    )


Application = get_application_model()


def registered_redirect_uri(*, miniprogram: MiniProgram) -> str:
    """The first redirect URI registered with the app's OAuth application (links.oauth_redirect_uri
    when it was registered): what a login code's grant must carry for /o/token/ to redeem it."""
    return (
        Application.objects.filter(pk=miniprogram.oauth_application_id)
        .values_list("redirect_uris", flat=True)
        .get()
        .split()[0]
    )


def miniprogram_for_consumer(*, app_id: str, user) -> tuple[MiniProgram, MiniProgramVersion]:
    """The app and the version this user opens: the trial for testers (when there is one),
    else the released version. Unreleased apps are invisible to everybody else."""
    miniprogram = MiniProgram.objects.filter(app_id=app_id).select_related("organisation").first()
    if miniprogram is not None and is_tester(miniprogram=miniprogram, user=user):
        trial = (
            MiniProgramVersion.objects.defer("bundle")
            .filter(miniprogram=miniprogram, status=Status.TRIAL)
            .order_by("-id")
            .first()
        )
        if trial is not None:
            return miniprogram, trial
    version = (
        MiniProgramVersion.objects.defer("bundle")
        .filter(miniprogram=miniprogram, status=Status.RELEASED)
        .first()
        if miniprogram is not None
        else None
    )
    if version is None:
        raise NotFound("No such mini-program.", code=MINIPROGRAM_NOT_FOUND)
    return miniprogram, version


# A version's manifest and when it was made, not its zip: the zip (up to
# MINIPROGRAM_PACKAGE_MAX_BYTES) is read only when ``version.bundle`` is asked for, so answering a
# revalidated file (304) or checking a page path never loads it.
_BUNDLE_HEAD = ("manifest", "created_at")


def released_bundle(*, app_id: str) -> MiniProgramVersion | None:
    return (
        MiniProgramVersion.objects.filter(miniprogram__app_id=app_id, status=Status.RELEASED)
        .only(*_BUNDLE_HEAD)
        .first()
    )


def trial_bundle(*, app_id: str, version_id: int) -> MiniProgramVersion | None:
    return (
        MiniProgramVersion.objects.filter(
            pk=version_id, miniprogram__app_id=app_id, status=Status.TRIAL
        )
        .only(*_BUNDLE_HEAD)
        .first()
    )


def active_scopes(*, miniprogram: MiniProgram, user) -> set[str]:
    """The scopes the user grants this app right now (and the app is still allowed)."""
    granted = ConsentGrant.objects.filter(
        miniprogram=miniprogram, user=user, revoked_at__isnull=True
    ).values_list("scope", flat=True)
    return set(granted) & set(miniprogram.allowed_scopes)


def recently_used(*, user, limit: int = 12) -> list[dict]:
    """The released apps this person opened, most recent first (from their entry visits)."""
    latest = (
        EntryVisit.objects.filter(user=user)
        .values("miniprogram_id")
        .annotate(last_opened_at=Max("created_at"))
        .order_by("-last_opened_at")[: limit * 2]
    )
    opened = {row["miniprogram_id"]: row["last_opened_at"] for row in latest}
    apps = MiniProgram.objects.filter(
        pk__in=opened, versions__status=MiniProgramVersion.Status.RELEASED
    ).distinct()
    rows = [
        {"app_id": app.app_id, "name": app.name, "last_opened_at": opened[app.pk]} for app in apps
    ]
    return sorted(rows, key=lambda row: row["last_opened_at"], reverse=True)[:limit]


def grants_for_user(*, user) -> QuerySet[ConsentGrant]:
    return (
        ConsentGrant.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("miniprogram")
        .order_by("miniprogram_id", "scope")
    )


def standing_subscriptions_for_user(*, user, app_id: str | None = None) -> list[dict]:
    """The person's "always" subscribe-message acceptances, each with its template's title
    from the app's released manifest (the template id when the manifest does not declare it).
    Two queries whatever the number of apps."""
    acceptances = (
        SubscribeAcceptance.objects.filter(
            user=user, mode=SubscribeAcceptance.Mode.ALWAYS, revoked_at__isnull=True
        )
        .select_related("miniprogram")
        .order_by("miniprogram_id", "template")
    )
    if app_id is not None:
        acceptances = acceptances.filter(miniprogram__app_id=app_id)
    acceptances = list(acceptances)
    manifests = dict(
        MiniProgramVersion.objects.filter(
            miniprogram_id__in={a.miniprogram_id for a in acceptances}, status=Status.RELEASED
        ).values_list("miniprogram_id", "manifest")
    )
    return [
        {
            "app_id": a.miniprogram.app_id,
            "app_name": a.miniprogram.name,
            "template": a.template,
            "title": manifests.get(a.miniprogram_id, {})
            .get("subscribe_templates", {})
            .get(a.template, {})
            .get("title", a.template),
            "accepted_at": a.accepted_at,
        }
        for a in acceptances
    ]


def user_profile_for_app(*, miniprogram: MiniProgram, openid: str) -> dict:
    """What ``GET /mp/users/{openid}`` answers: the openid and only the granted fields."""
    user = user_for_openid(miniprogram=miniprogram, openid=openid)
    scopes = active_scopes(miniprogram=miniprogram, user=user)
    profile: dict = {"openid": openid, "scopes": sorted(scopes)}
    if "profile" in scopes:
        profile.update(display_name=user.display_name, avatar_url=user.avatar_url)
    if "phone" in scopes:
        contact = ConsumerContact.objects.filter(user=user).first()
        profile["phone"] = contact.phone if contact else None
    if "address" in scopes:
        addresses = addresses_for_user(user=user)
        profile["addresses"] = list(addresses.values(*ShippingAddress.SHARED_FIELDS))
    return profile


def addresses_for_user(*, user) -> QuerySet[ShippingAddress]:
    return ShippingAddress.objects.filter(user=user).order_by("-is_default", "id")


def default_address_for_user(*, user) -> ShippingAddress | None:
    return ShippingAddress.objects.filter(user=user, is_default=True).first()


def address_for_user(*, user, address_id: int) -> ShippingAddress:
    """One address of the user's own book; anyone else's is simply not found."""
    address = ShippingAddress.objects.filter(user=user, pk=address_id).first()
    if address is None:
        raise NotFound("No such address.", code=ADDRESS_NOT_FOUND)
    return address


def contact_for_user(*, user) -> ConsumerContact | None:
    return ConsumerContact.objects.filter(user=user).first()


def share_link_resolve(*, code: str) -> ShareLink:
    link = ShareLink.objects.select_related("miniprogram").filter(code=code).first()
    if link is None:
        raise NotFound("No such link.", code=LINK_NOT_FOUND)
    return link


_IS_SANDBOX = f"SELECT 1 FROM {MiniProgram._meta.db_table} WHERE app_id = %s AND sandbox = %s"


def is_sandbox(*, app_id: str) -> bool:
    """For payments: a sandbox app's pay orders must move test money only (docs/miniprograms.md).
    Read by hand (superapp/core/sql.py): every pay order asks."""
    return sql.fetch_one(_IS_SANDBOX, [app_id, True]) is not None


def webhook_owner(miniprogram: MiniProgram) -> str:
    """The owner string under which webhooks for this app are logged (superapp.webhooks)."""
    return f"app:{miniprogram.app_id}"


class InvalidClient(DomainError):
    status = 401
    code = INVALID_CLIENT
    default_detail = "Wrong app_id or app_secret."


_VERIFIED_SECRETS: set[tuple[str, str]] = set()
_VERIFIED_SECRETS_MAX = 4096


def _secret_matches(app_secret: str, stored_hash: str, *, address: str) -> bool:
    """DOT stores the secret with Django's password hasher (PBKDF2, ~1 s of CPU on a busy
    machine). A secret is 256 random bits, not a password, so a secret that matched is
    remembered in this process (keyed by the stored hash too, so a rotated secret is checked
    afresh). Any other secret is hashed only within ``MINIPROGRAM_SECRET_CHECKS_PER_MINUTE``
    per client address (429 ``rate_limited`` past it): wrong secrets cannot buy CPU, and one
    address guessing cannot lock an app out for the others."""
    if (app_secret, stored_hash) in _VERIFIED_SECRETS:
        return True
    ratelimit.hit(
        "mp-secret-checks",
        address,
        limit=settings.MINIPROGRAM_SECRET_CHECKS_PER_MINUTE,
        window_seconds=60,
    )
    if not check_password(app_secret, stored_hash):
        return False
    if len(_VERIFIED_SECRETS) >= _VERIFIED_SECRETS_MAX:
        _VERIFIED_SECRETS.clear()
    _VERIFIED_SECRETS.add((app_secret, stored_hash))
    return True


def miniprogram_for_credentials(*, app_id: str, app_secret: str, address: str) -> MiniProgram:
    """The app whose id and secret these are (HTTP Basic on code2session). The secret is
    checked against DOT's hash, so a rotated secret stops working at once."""
    miniprogram = (
        MiniProgram.objects.select_related("organisation", "oauth_application")
        .filter(app_id=app_id)
        .first()
    )
    if miniprogram is None or not _secret_matches(
        app_secret, miniprogram.oauth_application.client_secret, address=address
    ):
        raise InvalidClient()
    return miniprogram


def webhook_deliveries(*, miniprogram: MiniProgram):
    """The app's webhook delivery log (pay notifications and others), attempts included."""
    return deliveries_for_owner(webhook_owner(miniprogram))


def miniprogram_by_app_id(app_id: str) -> MiniProgram:
    miniprogram = MiniProgram.objects.filter(app_id=app_id).first()
    if miniprogram is None:
        raise NotFound("No such mini-program.", code=MINIPROGRAM_NOT_FOUND)
    return miniprogram


def _released(miniprograms: QuerySet[MiniProgram]) -> QuerySet[MiniProgram]:
    """Only apps with a released version, annotated with its ``released_description`` and
    ``released_version_at``: the apps every consumer may open."""
    released = MiniProgramVersion.objects.filter(miniprogram=OuterRef("pk"), status=Status.RELEASED)
    return miniprograms.filter(Exists(released)).annotate(
        released_description=Subquery(released.values("description")[:1]),
        released_version_at=Subquery(released.values("released_at")[:1]),
    )


def miniprograms_search(*, search: Search) -> QuerySet[MiniProgram]:
    """Released mini-programs whose name matches ``search``, best first."""
    return (
        _released(MiniProgram.objects.filter(search.condition(MINIPROGRAM_SEARCH)))
        .alias(rank=search.rank(MINIPROGRAM_SEARCH))
        .order_by("-rank", "name", "id")
    )


def miniprograms_featured(*, limit: int) -> list[MiniProgram]:
    """What Discover shows: the most recently released mini-programs."""
    return list(
        _released(MiniProgram.objects.all()).order_by("-released_version_at", "-id")[:limit]
    )


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def subscribe_message_text(*, miniprogram: MiniProgram, template: str, data: dict) -> dict:
    """The ``{title, body}`` a subscribe message shows: its template's texts from the released
    manifest with ``{field}`` replaced by ``data``; for a template the manifest does not
    declare, the app's name and the data as "field: value" lines."""
    manifest = (
        MiniProgramVersion.objects.filter(miniprogram=miniprogram, status=Status.RELEASED)
        .values_list("manifest", flat=True)
        .first()
    ) or {}
    texts = manifest.get("subscribe_templates", {}).get(template)
    if texts is None:
        lines = [f"{field}: {value}" for field, value in data.items()]
        return {"title": miniprogram.name, "body": "\n".join(lines) or template}

    def field(match: re.Match) -> str:
        return str(data[match.group(1)]) if match.group(1) in data else match.group(0)

    return {"title": texts["title"], "body": _PLACEHOLDER.sub(field, texts["body"])}
