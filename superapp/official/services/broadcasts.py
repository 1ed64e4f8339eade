"""What an account publishes: articles, broadcasts (fan-out on read) and keyword replies."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from superapp.core.errors import Conflict, DomainError, InvalidInput, NotFound, RateLimited
from superapp.core.updates import model_update
from superapp.media import selectors as media_selectors
from superapp.official import locks, selectors
from superapp.official.errors import (
    BROADCAST_QUOTA_EXCEEDED,
    KEYWORD_REPLY_LIMIT_REACHED,
    KEYWORD_REPLY_NOT_FOUND,
    KEYWORD_TAKEN,
)
from superapp.official.models import Article, Broadcast, KeywordReply, OfficialAccount
from superapp.official.selectors import MANAGERS
from superapp.official.services.brands import _audit
from superapp.official.tasks import push_broadcast


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
