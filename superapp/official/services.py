"""Every write of the official app: brands, accounts, broadcasts, customer service, callbacks.

Each change a brand makes is recorded in its audit log (``_audit``) inside the same transaction.
"""

import random
import secrets
from datetime import UTC

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from miniprograms import services as miniprogram_services
from superapp.core import domain_events, ratelimit, sql
from superapp.core.errors import (
    ALREADY_CLAIMED,
    ALREADY_MEMBER,
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
)
from superapp.core.memberships import membership_set
from superapp.core.updates import model_update
from superapp.media import selectors as media_selectors
from superapp.official import events, locks, selectors
from superapp.official.errors import (
    ACCOUNT_LIMIT_REACHED,
    BRAND_ALREADY_VERIFIED,
    BRAND_NOT_VERIFIED,
    BROADCAST_QUOTA_EXCEEDED,
    CANNED_REPLY_LIMIT_REACHED,
    CANNED_REPLY_NOT_FOUND,
    CANNED_REPLY_TITLE_TAKEN,
    HANDOVER_TO_SELF,
    KEYWORD_REPLY_LIMIT_REACHED,
    KEYWORD_REPLY_NOT_FOUND,
    KEYWORD_TAKEN,
    NAME_TAKEN,
    NOT_BRAND_STAFF,
    NOT_CLAIMED_BY_YOU,
    NOT_FOLLOWING,
    PLATFORM_STAFF_ONLY,
    SERVICE_WINDOW_CLOSED,
    VERIFIED_SERVICE_ACCOUNT_REQUIRED,
)
from superapp.official.models import (
    Article,
    Brand,
    BrandAuditEntry,
    BrandCallback,
    BrandMember,
    Broadcast,
    CannedReply,
    Follow,
    FollowerCounterShard,
    FollowerDay,
    KeywordReply,
    OfficialAccount,
    ServiceConversation,
    ServiceMessage,
)
from superapp.official.selectors import MANAGERS, STAFF, brand_for_member
from superapp.official.tasks import push_broadcast
from superapp.realtime import services as realtime
from superapp.webhooks import services as webhooks

Role = BrandMember.Role
Kind = OfficialAccount.Kind
Direction = ServiceMessage.Direction


class ServiceWindowClosed(DomainError):
    code = SERVICE_WINDOW_CLOSED
    default_detail = "The customer-service window is closed: wait for the follower to write again."


class VerifiedServiceAccountRequired(DomainError):
    code = VERIFIED_SERVICE_ACCOUNT_REQUIRED
    default_detail = "Customer service needs a service account of a verified brand."


def _audit(*, brand: Brand, actor, action: str, target: str = "", **details) -> None:
    BrandAuditEntry.objects.create(
        brand=brand, actor=actor, action=action, target=target, details=details
    )


# --- Brands -----------------------------------------------------------------------------------


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


# --- Official accounts ------------------------------------------------------------------------


@transaction.atomic
def account_create(
    *, actor, brand_id: int, name: str, kind: str, description: str = "", avatar_url: str = ""
) -> OfficialAccount:
    brand = brand_for_member(brand_id=brand_id, user=actor, roles=MANAGERS)
    locks.brands().filter(pk=brand.pk).first()  # serialise the limit check
    if (
        OfficialAccount.objects.filter(brand=brand).count()
        >= settings.OFFICIAL_MAX_ACCOUNTS_PER_BRAND
    ):
        raise DomainError("This brand has its maximum of accounts.", code=ACCOUNT_LIMIT_REACHED)
    try:
        with transaction.atomic():
            account = OfficialAccount.objects.create(
                brand=brand, name=name, kind=kind, description=description, avatar_url=avatar_url
            )
    except IntegrityError as exc:
        raise Conflict("The brand already has an account by that name.", code=NAME_TAKEN) from exc
    FollowerCounterShard.objects.bulk_create(
        FollowerCounterShard(account=account, shard=shard)
        for shard in range(settings.OFFICIAL_FOLLOWER_COUNTER_SHARDS)
    )
    _audit(
        brand=brand,
        actor=actor,
        action="account.created",
        target=f"account:{account.pk}",
        name=name,
        kind=kind,
    )
    return account


@transaction.atomic
def account_update(
    *,
    actor,
    account_id: int,
    name: str | None = None,
    description: str | None = None,
    avatar_url: str | None = None,
    avatar_media: int | None = None,
) -> OfficialAccount:
    """Change the profile: name, description, avatar (a URL, or the actor's upload with
    purpose ``avatar`` as ``avatar_media``). Omitted fields stay as they are."""
    account = selectors.account_for_member(account_id=account_id, user=actor, roles=MANAGERS)
    if avatar_media:
        (avatar_url,) = media_selectors.public_image_urls(
            actor=actor, references=[avatar_media], purpose="avatar"
        )
    given = {"name": name, "description": description, "avatar_url": avatar_url}
    try:
        with transaction.atomic():
            changed = model_update(
                account,
                {field: value for field, value in given.items() if value is not None},
                fields=given,
            )
    except IntegrityError as exc:
        raise Conflict("The brand already has an account by that name.", code=NAME_TAKEN) from exc
    if not changed:
        return account
    _audit(
        brand=account.brand,
        actor=actor,
        action="account.updated",
        target=f"account:{account.pk}",
        fields=sorted(changed),
    )
    return account


@transaction.atomic
def account_delete(*, actor, account_id: int) -> None:
    account = selectors.account_for_member(account_id=account_id, user=actor, roles=MANAGERS)
    _audit(
        brand=account.brand,
        actor=actor,
        action="account.deleted",
        target=f"account:{account.pk}",
        name=account.name,
    )
    account.delete()


def _menu_problems(menu: list[dict]) -> list[str]:
    """Menu structure rules: at most N top-level items, each either an action or a sub-menu of
    1..M actions (an action is a link, a mini-program page or a keyword)."""
    problems = []
    if len(menu) > settings.OFFICIAL_MENU_MAX_ITEMS:
        problems.append(f"At most {settings.OFFICIAL_MENU_MAX_ITEMS} top-level items.")
    for position, item in enumerate(menu, start=1):
        sub_items = item.get("sub_items") or []
        if sub_items and item.get("type"):
            problems.append(f"Item {position}: either an action or sub-items, not both.")
        if not sub_items and not item.get("type"):
            problems.append(f"Item {position}: needs an action type or sub-items.")
        if len(sub_items) > settings.OFFICIAL_MENU_MAX_SUB_ITEMS:
            problems.append(
                f"Item {position}: at most {settings.OFFICIAL_MENU_MAX_SUB_ITEMS} sub-items."
            )
        if any(sub.get("sub_items") for sub in sub_items):
            problems.append(f"Item {position}: sub-items cannot nest.")
    return problems


def _menu_article_problems(account: OfficialAccount, menu: list[dict]) -> list[str]:
    """An ``article`` action must open one of this account's own articles."""
    actions = [sub for item in menu for sub in [item, *(item.get("sub_items") or [])]]
    wanted = {a["article_id"] for a in actions if a.get("type") == "article"}
    if not wanted:
        return []
    found = set(Article.objects.filter(account=account, pk__in=wanted).values_list("pk", flat=True))
    return [f"Article {pk} is not one of this account's articles." for pk in sorted(wanted - found)]


@transaction.atomic
def account_menu_set(*, actor, account_id: int, menu: list[dict]) -> OfficialAccount:
    """Replace the custom menu (already shape-checked by the API) after checking its rules."""
    account = selectors.account_for_member(account_id=account_id, user=actor, roles=MANAGERS)
    problems = _menu_problems(menu) + _menu_article_problems(account, menu)
    if problems:
        raise InvalidInput("The menu breaks its rules.", fields={"menu": problems})
    account.menu = menu
    account.save(update_fields=["menu"])
    _audit(brand=account.brand, actor=actor, action="menu.updated", target=f"account:{account.pk}")
    return account


def _follow_event(event_class, account: OfficialAccount, user):
    return event_class(brand_id=account.brand_id, account_id=account.pk, user_id=user.pk)


def _count_follower(account: OfficialAccount, delta: int) -> None:
    shard = random.randrange(settings.OFFICIAL_FOLLOWER_COUNTER_SHARDS)
    FollowerCounterShard.objects.filter(account=account, shard=shard).update(
        count=F("count") + delta
    )


@transaction.atomic
def account_follow(*, user, account_id: int) -> Follow:
    """Follow (idempotent): from now on the user's feed shows the account's broadcasts."""
    account = selectors.account_get(account_id=account_id)
    existing = selectors.follow_of(account=account, user=user)
    if existing is not None:
        return existing
    lookup = {"account": account, "user": user}
    follow, created = sql.insert_or_get(Follow, lookup, followed_at=timezone.now())
    if not created:  # a concurrent request of the same user followed first (no savepoint)
        return follow
    _count_follower(account, +1)
    domain_events.emit(_follow_event(events.AccountFollowed, account, user))
    _push_to_brand_server(account=account, user=user, event_type="official.account_followed")
    realtime.socket_groups_update(user_id=user.pk, join=[selectors.account_group(account.pk)])
    return follow


def _account_unfollow(*, user, account_id: int) -> None:
    """Unfollow (idempotent): the account's broadcasts leave the user's feed."""
    account = selectors.account_get(account_id=account_id)
    if not Follow.objects.filter(account=account, user=user).delete()[0]:
        return
    _count_follower(account, -1)
    domain_events.emit(_follow_event(events.AccountUnfollowed, account, user))
    _push_to_brand_server(account=account, user=user, event_type="official.account_unfollowed")
    realtime.socket_groups_update(user_id=user.pk, leave=[selectors.account_group(account.pk)])


account_unfollow = transaction.atomic(_account_unfollow)  # the follower's API
# an erasure unfollows everything inside its one transaction (official/privacy.py)
account_unfollow_nested = transaction.atomic(savepoint=False)(_account_unfollow)


@transaction.atomic
def article_create(
    *,
    actor,
    account_id: int,
    title: str,
    body: list[dict],
    links: list[dict],
    cover_url: str = "",
    cover_media: int | None = None,
) -> Article:
    """``cover_media``: the author's upload (purpose ``article``) as the cover."""
    account = selectors.account_for_member(account_id=account_id, user=actor, roles=MANAGERS)
    if cover_media:
        (cover_url,) = media_selectors.public_image_urls(
            actor=actor, references=[cover_media], purpose="article"
        )
    article = Article.objects.create(
        account=account, title=title, body=body, links=links, cover_url=cover_url, author=actor
    )
    _audit(
        brand=account.brand,
        actor=actor,
        action="article.published",
        target=f"article:{article.pk}",
        title=title,
    )
    return article


@transaction.atomic
def broadcast_publish(
    *,
    actor,
    account_id: int,
    title: str,
    body: str,
    links: list[dict],
    article_id: int | None = None,
) -> Broadcast:
    """Publish to every follower by writing ONE row (fan-out on read, see
    docs/official-accounts.md); online followers get a socket hint after commit.

    The account row is locked while the quota is counted, so two concurrent publishes cannot
    both take the last slot."""
    account = selectors.account_for_member(account_id=account_id, user=actor, roles=MANAGERS)
    locks.official_accounts().filter(pk=account.pk).first()
    now = timezone.now()
    limit, start, end = selectors.broadcast_quota_window(account.kind, now)
    used = selectors.broadcasts_in_window(account=account, start=start)
    if used >= limit:
        raise RateLimited(
            f"This {account.kind} account may broadcast {limit} time(s) per period.",
            code=BROADCAST_QUOTA_EXCEEDED,
            limit=limit,
            retry_after=int((end - now).total_seconds()) + 1,
        )
    article = None
    if article_id is not None:
        article = Article.objects.filter(pk=article_id, account=account).first()
        if article is None:
            raise InvalidInput(fields={"article": ["No such article on this account."]})
    broadcast = Broadcast.objects.create(
        account=account,
        title=title,
        body=body,
        links=links,
        article=article,
        sent_by=actor,
        created_at=now,
    )
    _audit(
        brand=account.brand,
        actor=actor,
        action="broadcast.published",
        target=f"broadcast:{broadcast.pk}",
        title=title,
    )
    transaction.on_commit(lambda: push_broadcast.delay(broadcast.pk), robust=True)
    return broadcast


def _keyword_reply_write(*, actor, account: OfficialAccount, action: str, write) -> KeywordReply:
    """``write()`` (a create or an update of a rule) in a savepoint, a keyword the account
    already answers refused (409 ``keyword_taken``), then the brand's audit entry."""
    try:
        with transaction.atomic():
            rule = write()
    except IntegrityError as exc:
        raise Conflict("This keyword already has a reply.", code=KEYWORD_TAKEN) from exc
    _audit(
        brand=account.brand,
        actor=actor,
        action=action,
        target=f"keyword_reply:{rule.pk}",
        keyword=rule.keyword,
    )
    return rule


@transaction.atomic
def keyword_reply_create(
    *, actor, account_id: int, keyword: str, match: str, reply: str
) -> KeywordReply:
    account = selectors.account_for_member(account_id=account_id, user=actor, roles=MANAGERS)
    locks.official_accounts().filter(pk=account.pk).first()
    if (
        KeywordReply.objects.filter(account=account).count()
        >= settings.OFFICIAL_MAX_KEYWORD_REPLIES
    ):
        raise DomainError("Too many keyword replies.", code=KEYWORD_REPLY_LIMIT_REACHED)
    return _keyword_reply_write(
        actor=actor,
        account=account,
        action="keyword_reply.created",
        write=lambda: KeywordReply.objects.create(
            account=account, keyword=keyword.strip(), match=match, reply=reply
        ),
    )


@transaction.atomic
def keyword_reply_update(
    *,
    actor,
    account_id: int,
    reply_id: int,
    keyword: str | None = None,
    match: str | None = None,
    reply: str | None = None,
) -> KeywordReply:
    """Edit a rule; omitted fields stay as they are."""
    account = selectors.account_for_member(account_id=account_id, user=actor, roles=MANAGERS)
    rule = KeywordReply.objects.filter(pk=reply_id, account=account).first()
    if rule is None:
        raise NotFound("No such keyword reply.", code=KEYWORD_REPLY_NOT_FOUND)
    given = {"keyword": keyword and keyword.strip(), "match": match, "reply": reply}
    changes = {field: value for field, value in given.items() if value is not None}

    def update() -> KeywordReply:
        model_update(rule, changes, fields=given)
        return rule

    return _keyword_reply_write(
        actor=actor, account=account, action="keyword_reply.updated", write=update
    )


@transaction.atomic
def keyword_reply_delete(*, actor, account_id: int, reply_id: int) -> None:
    account = selectors.account_for_member(account_id=account_id, user=actor, roles=MANAGERS)
    deleted, _ = KeywordReply.objects.filter(pk=reply_id, account=account).delete()
    if not deleted:
        raise NotFound("No such keyword reply.", code=KEYWORD_REPLY_NOT_FOUND)
    _audit(
        brand=account.brand,
        actor=actor,
        action="keyword_reply.deleted",
        target=f"keyword_reply:{reply_id}",
    )


# --- Customer service -------------------------------------------------------------------------


def _canned_reply_save(reply: CannedReply) -> CannedReply:
    try:
        with transaction.atomic():
            reply.save()
    except IntegrityError as exc:
        raise Conflict(
            "A canned reply already has this title.", code=CANNED_REPLY_TITLE_TAKEN
        ) from exc
    return reply


@transaction.atomic
def canned_reply_create(*, actor, brand_id: int, title: str, text: str) -> CannedReply:
    """Managers write the brand's canned replies; every associate may pick them."""
    brand = brand_for_member(brand_id=brand_id, user=actor, roles=MANAGERS)
    locks.brands().filter(pk=brand.pk).first()
    if CannedReply.objects.filter(brand=brand).count() >= settings.OFFICIAL_MAX_CANNED_REPLIES:
        raise DomainError("Too many canned replies.", code=CANNED_REPLY_LIMIT_REACHED)
    reply = _canned_reply_save(
        CannedReply(brand=brand, title=title.strip(), text=text, created_by=actor)
    )
    _audit(
        brand=brand,
        actor=actor,
        action="canned_reply.created",
        target=f"canned_reply:{reply.pk}",
        title=reply.title,
    )
    return reply


def _canned_reply_of(*, brand: Brand, reply_id: int) -> CannedReply:
    reply = CannedReply.objects.filter(pk=reply_id, brand=brand).first()
    if reply is None:
        raise NotFound("No such canned reply.", code=CANNED_REPLY_NOT_FOUND)
    return reply


@transaction.atomic
def canned_reply_update(
    *, actor, brand_id: int, reply_id: int, title: str | None = None, text: str | None = None
) -> CannedReply:
    brand = brand_for_member(brand_id=brand_id, user=actor, roles=MANAGERS)
    reply = _canned_reply_of(brand=brand, reply_id=reply_id)
    if title is not None:
        reply.title = title.strip()
    if text is not None:
        reply.text = text
    _canned_reply_save(reply)
    _audit(
        brand=brand,
        actor=actor,
        action="canned_reply.updated",
        target=f"canned_reply:{reply.pk}",
        title=reply.title,
    )
    return reply


@transaction.atomic
def canned_reply_delete(*, actor, brand_id: int, reply_id: int) -> None:
    brand = brand_for_member(brand_id=brand_id, user=actor, roles=MANAGERS)
    _canned_reply_of(brand=brand, reply_id=reply_id).delete()
    _audit(
        brand=brand, actor=actor, action="canned_reply.deleted", target=f"canned_reply:{reply_id}"
    )


def _message_payload(message: ServiceMessage, account: OfficialAccount) -> dict:
    return {
        "id": message.pk,
        "account_id": account.pk,
        "account_name": account.name,
        "direction": message.direction,
        "kind": message.kind,
        "title": message.title,
        "text": message.text,
        "created_at": message.created_at.isoformat(),
    }


def _notify_follower(message: ServiceMessage, account: OfficialAccount, user_ids) -> None:
    realtime.event_publish(
        user_ids=user_ids,
        type="official.service_message",
        payload={"message": _message_payload(message, account)},
    )


@transaction.atomic
def service_message_send(*, user, account_id: int, text: str) -> ServiceMessage:
    """A follower writes to the account: the message lands in the brand's shared inbox, opens
    a fresh 48-hour reply window, may trigger a keyword auto-reply, and is pushed to the
    brand's developer server."""
    account = selectors.account_get(account_id=account_id)
    if selectors.follow_of(account=account, user=user) is None:
        raise Forbidden("Follow this account to message it.", code=NOT_FOLLOWING)
    ratelimit.hit(
        "official.message",
        f"{user.pk}",
        limit=settings.OFFICIAL_FOLLOWER_MESSAGES_PER_MINUTE,
        window_seconds=60,
    )
    now = timezone.now()
    conversation, _ = locks.service_conversations().get_or_create(
        account=account, user=user, defaults={"last_message_at": now}
    )
    conversation.window_opened_at = conversation.last_message_at = now
    conversation.replies_in_window = 0
    conversation.save(update_fields=["window_opened_at", "last_message_at", "replies_in_window"])
    message = ServiceMessage.objects.create(
        conversation=conversation, direction=Direction.FROM_FOLLOWER, text=text
    )
    domain_events.emit(
        events.ServiceMessageReceived(
            brand_id=account.brand_id, account_id=account.pk, user_id=user.pk, message_id=message.pk
        )
    )
    staff = [conversation.claimed_by_id] if conversation.claimed_by_id else None
    realtime.event_publish(
        user_ids=staff or selectors.brand_staff_ids(brand=account.brand),
        type="official.inbox_message",
        payload={"conversation_id": conversation.pk, "message": _message_payload(message, account)},
    )
    _push_to_brand_server(
        account=account,
        user=user,
        event_type="official.follower_message",
        message_id=message.pk,
        text=text,
    )
    _auto_reply(conversation=conversation, account=account, text=text)
    return message


def _auto_reply(*, conversation: ServiceConversation, account: OfficialAccount, text: str) -> None:
    """Answer a keyword at once. Automatic answers do not use up the brand's replies."""
    rule = selectors.keyword_reply_matching(account=account, text=text)
    if rule is None:
        return
    reply = ServiceMessage.objects.create(
        conversation=conversation,
        direction=Direction.FROM_BRAND,
        kind=ServiceMessage.Kind.AUTO_REPLY,
        text=rule.reply,
    )
    _notify_follower(reply, account, [conversation.user_id])


def _require_customer_service(account: OfficialAccount) -> None:
    if account.kind != Kind.SERVICE or not account.brand.is_verified:
        raise VerifiedServiceAccountRequired()


def _announce_claim(conversation: ServiceConversation, account: OfficialAccount) -> None:
    """Tell every member of the brand who now holds the conversation, so each inbox shows it."""
    realtime.event_publish(
        user_ids=selectors.brand_staff_ids(brand=account.brand),
        type="official.inbox_claimed",
        payload={
            "conversation_id": conversation.pk,
            "claimed_by": conversation.claimed_by.username if conversation.claimed_by else None,
        },
    )


@transaction.atomic
def conversation_claim(*, actor, conversation_id: int) -> ServiceConversation:
    """An associate takes a conversation from the shared inbox; first come, first served."""
    conversation = selectors.conversation_for_staff(conversation_id=conversation_id, user=actor)
    _require_customer_service(conversation.account)
    claimed = ServiceConversation.objects.filter(
        pk=conversation.pk, claimed_by__isnull=True
    ).update(claimed_by=actor, claimed_at=timezone.now())
    conversation.refresh_from_db()
    if not claimed and conversation.claimed_by_id != actor.pk:
        raise Conflict("Another associate has claimed this conversation.", code=ALREADY_CLAIMED)
    if claimed:
        _announce_claim(conversation, conversation.account)
    return conversation


@transaction.atomic
def conversation_handover(*, actor, conversation_id: int, to) -> ServiceConversation:
    """The associate holding a conversation (or a manager) passes it to a colleague of the
    brand, who may answer at once; the hand-over is in the brand's audit log."""
    account = selectors.conversation_for_staff(conversation_id=conversation_id, user=actor).account
    _require_customer_service(account)
    conversation = locks.service_conversations().get(pk=conversation_id)
    role = selectors.brand_role(brand=account.brand, user=actor)
    if conversation.claimed_by_id != actor.pk and role not in MANAGERS:
        raise Conflict("Claim the conversation before handing it over.", code=NOT_CLAIMED_BY_YOU)
    if to.pk not in selectors.brand_user_ids(brand_id=account.brand_id, roles=STAFF):
        raise InvalidInput(
            "Hand the conversation to a member of the brand.",
            fields={"username": ["Not a member of this brand."]},
            code=NOT_BRAND_STAFF,
        )
    if to.pk == conversation.claimed_by_id:
        raise Conflict("They already hold this conversation.", code=HANDOVER_TO_SELF)
    previous = conversation.claimed_by
    conversation.claimed_by, conversation.claimed_at = to, timezone.now()
    conversation.save(update_fields=["claimed_by", "claimed_at"])
    _audit(
        brand=account.brand,
        actor=actor,
        action="service_conversation.handed_over",
        target=f"service_conversation:{conversation.pk}",
        from_user=previous.username if previous else None,
        to_user=to.username,
    )
    _announce_claim(conversation, account)
    return selectors.conversation_for_staff(conversation_id=conversation.pk, user=actor)


@transaction.atomic
def service_reply_send(*, actor, conversation_id: int, text: str) -> ServiceMessage:
    """The claiming associate answers as the brand, within the follower's window (the WeChat
    48-hour rule: at most 5 replies within 48 h of the follower's last message)."""
    account = selectors.conversation_for_staff(conversation_id=conversation_id, user=actor).account
    _require_customer_service(account)
    conversation = locks.service_conversations().get(pk=conversation_id)
    if conversation.claimed_by_id != actor.pk:
        raise Conflict("Claim the conversation before replying.", code=NOT_CLAIMED_BY_YOU)
    if not selectors.service_window_is_open(conversation):
        raise ServiceWindowClosed()
    now = timezone.now()
    message = ServiceMessage.objects.create(
        conversation=conversation, direction=Direction.FROM_BRAND, text=text, sent_by=actor
    )
    conversation.replies_in_window = F("replies_in_window") + 1
    conversation.last_message_at = now
    conversation.save(update_fields=["replies_in_window", "last_message_at"])
    _notify_follower(message, account, [conversation.user_id])
    return message


@transaction.atomic(savepoint=False)
def campaign_deliver(
    *, campaign_id: int, brand_id: int, account_id: int, user_ids: list[int], title: str, body: str
) -> int:
    """Deliver a loyalty campaign as a service message from the brand to those listed users
    who follow the account (nobody else is messaged). Returns how many received it."""
    account = (
        OfficialAccount.objects.select_related("brand")
        .filter(pk=account_id, brand_id=brand_id)
        .first()
    )
    if account is None:
        return 0
    followers = list(
        Follow.objects.filter(account=account, user_id__in=user_ids).values_list(
            "user_id", flat=True
        )
    )
    if not followers:
        return 0
    now = timezone.now()
    ServiceConversation.objects.bulk_create(
        [
            ServiceConversation(account=account, user_id=uid, last_message_at=now)
            for uid in followers
        ],
        ignore_conflicts=True,
    )
    conversations = ServiceConversation.objects.filter(account=account, user_id__in=followers)
    ServiceMessage.objects.bulk_create(
        [
            ServiceMessage(
                conversation=conversation,
                direction=Direction.FROM_BRAND,
                kind=ServiceMessage.Kind.CAMPAIGN,
                title=title,
                text=body,
                campaign_id=campaign_id,
            )
            for conversation in conversations
        ],
        ignore_conflicts=True,
    )
    conversations.update(last_message_at=now)
    realtime.event_publish(
        user_ids=followers,
        type="official.service_message",
        payload={
            "message": {
                "account_id": account.pk,
                "account_name": account.name,
                "direction": Direction.FROM_BRAND,
                "kind": ServiceMessage.Kind.CAMPAIGN,
                "title": title,
                "text": body,
                "campaign_id": campaign_id,
            }
        },
    )
    return len(followers)


@transaction.atomic(savepoint=False)  # inside the account's erasure
def service_conversations_erase(*, user) -> None:
    """Data erasure: the user's threads with brands go; their words as brand staff stay,
    unattributed."""
    ServiceConversation.objects.filter(user=user).delete()
    ServiceMessage.objects.filter(sent_by=user).update(sent_by=None)
    ServiceConversation.objects.filter(claimed_by=user).update(claimed_by=None, claimed_at=None)


def follower_days_snapshot(*, now=None, batch: int = 1000) -> int:
    """Write today's (UTC) follower count of every account into ``FollowerDay``, replacing the
    earlier snapshot of the day; returns the number of accounts. A batch per statement."""
    day = (now or timezone.now()).astimezone(UTC).date()
    written, after_id = 0, None
    while True:
        page = selectors.follower_counts_of_accounts(after_id=after_id, limit=batch)
        FollowerDay.objects.bulk_create(
            [
                FollowerDay(account_id=row["pk"], day=day, followers=row["follower_count"])
                for row in page.rows
            ],
            update_conflicts=True,
            unique_fields=["account", "day"],
            update_fields=["followers"],
        )
        written += len(page.rows)
        if page.next is None:
            return written
        after_id = page.next
