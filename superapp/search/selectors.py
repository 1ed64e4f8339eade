"""One search over everything a person may find, and Discover.

Each kind of result is matched and filtered by the app that owns it (its ``*_search``
selector applies that app's visibility rules) and shaped here into one result form: ``kind``,
``id``, ``title`` and ``snippet`` (``{"text", "highlights": [[start, end], …]}``), an optional
``image_url``, and ``open``, the ids a client needs to open it. docs/search.md."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, QuerySet

from miniprograms import selectors as miniprogram_selectors
from miniprograms.live import selectors as live_selectors
from miniprograms.shop import selectors as shop_selectors
from superapp.core.fulltext import Search, ranked_page
from superapp.messaging import selectors as messaging_selectors
from superapp.official import selectors as official_selectors
from superapp.social import selectors as social_selectors

SNIPPET_WIDTH = 80


def _plain(text: str) -> dict:
    return {"text": text, "highlights": []}


def _snippet(search: Search, text: str) -> dict | None:
    """Up to ``SNIPPET_WIDTH`` characters of ``text`` around the first match, or None."""
    return search.highlight(text, width=SNIPPET_WIDTH) if text else None


def _result(kind, id, *, title: dict, snippet: dict | None, open: dict, image_url="") -> dict:
    return {
        "kind": kind,
        "id": id,
        "title": title,
        "snippet": snippet,
        "image_url": image_url or None,
        "open": open,
    }


def _person(kind: str):
    def present(user, search: Search) -> dict:
        return _result(
            kind,
            user.pk,
            title=search.highlight(user.display_name),
            snippet=search.highlight(user.username),
            image_url=user.avatar_url,
            open={"user_id": user.pk, "username": user.username},
        )

    return present


def _conversation(conversation, search: Search) -> dict:
    return _result(
        "conversations",
        conversation.pk,
        title=search.highlight(conversation.title),
        snippet=None,
        open={"conversation_id": conversation.pk},
    )


def _message(message, search: Search) -> dict:
    sender = message.sender
    return _result(
        "messages",
        message.pk,
        title=_plain(message.conversation.title or (sender.display_name if sender else "")),
        snippet=_snippet(search, message.text),
        open={
            "conversation_id": message.conversation_id,
            "seq": message.seq,
            "message_id": message.pk,
            "sender_username": sender.username if sender else None,
            "created_at": message.created_at.isoformat().replace("+00:00", "Z"),
        },
    )


def _account(account, search: Search) -> dict:
    return _result(
        "official_accounts",
        account.pk,
        title=search.highlight(account.name),
        snippet=_snippet(search, account.description),
        image_url=account.avatar_url,
        open={"account_id": account.pk, "brand_id": account.brand_id},
    )


def _article_text(article) -> str:
    return " ".join(block.get("text", "") for block in article.body if isinstance(block, dict))


def _article(article, search: Search) -> dict:
    return _result(
        "articles",
        article.pk,
        title=search.highlight(article.title),
        snippet=_snippet(search, _article_text(article)),
        image_url=article.cover_url,
        open={"account_id": article.account_id, "article_id": article.pk},
    )


def _miniprogram(miniprogram, search: Search) -> dict:
    return _result(
        "miniprograms",
        miniprogram.pk,
        title=search.highlight(miniprogram.name),
        snippet=_snippet(search, miniprogram.released_description or ""),
        open={"app_id": miniprogram.app_id},
    )


def _product(product, search: Search) -> dict:
    images = product.images if isinstance(product.images, list) else []
    return _result(
        "products",
        product.pk,
        title=search.highlight(product.title),
        snippet=_snippet(search, product.description),
        image_url=images[0] if images and isinstance(images[0], str) else "",
        open={
            "shop_id": product.shop_id,
            "product_id": product.pk,
            "handle": product.handle,
            "app_id": product.shop.miniprogram.app_id,
        },
    )


def _show(show, search: Search) -> dict:
    return _result(
        "live_shows",
        show.pk,
        title=search.highlight(show.title),
        snippet=_plain(f"{show.brand.name} · {show.status}"),
        image_url=show.cover_url,
        open={
            "show_id": show.pk,
            "brand_id": show.brand_id,
            "status": show.status,
            "starts_at": show.starts_at.isoformat().replace("+00:00", "Z"),
        },
    )


@dataclass(frozen=True)
class Kind:
    """A kind of result: the queryset of what ``viewer`` may find, and its presentation."""

    name: str
    find: Callable[..., QuerySet]
    present: Callable[..., dict]
    has_names: bool = True  # a second phase matches inside names (Search.inside_names)


def _public(selector):
    """The finder of a kind everyone may see alike (``selector(search=…)``)."""
    return lambda viewer, search: selector(search=search)


KINDS = [
    Kind(
        "contacts",
        lambda viewer, search: social_selectors.contacts_search(user=viewer, search=search),
        _person("contacts"),
    ),
    Kind(
        "people",
        lambda viewer, search: social_selectors.people_search(viewer=viewer, search=search),
        _person("people"),
    ),
    Kind(
        "conversations",
        lambda viewer, search: messaging_selectors.conversations_search(
            viewer=viewer, search=search
        ),
        _conversation,
    ),
    Kind(
        "messages",
        lambda viewer, search: messaging_selectors.messages_search(
            viewer=viewer, search=search
        ).exclude(social_selectors.blocked_either_way(viewer, OuterRef("sender_id"))),
        _message,
        has_names=False,
    ),
    Kind("official_accounts", _public(official_selectors.accounts_search), _account),
    Kind("articles", _public(official_selectors.articles_search), _article),
    Kind("miniprograms", _public(miniprogram_selectors.miniprograms_search), _miniprogram),
    Kind("products", _public(shop_selectors.published_products_search), _product),
    Kind("live_shows", _public(live_selectors.shows_search), _show),
]
KIND_NAMES = [kind.name for kind in KINDS]
_BY_NAME = {kind.name: kind for kind in KINDS}


def search_kind(*, viewer, search: Search, kind: str, offset: int, limit: int) -> tuple[list, bool]:
    """One page of ``kind`` results, best first, and whether more follow: the word matches,
    then the names containing the query (which rank after every word match). One query
    (``ranked_page``), plus the count of readable messages for ``messages``."""
    found = _BY_NAME[kind]
    rows, more = ranked_page(
        lambda matching: found.find(viewer, matching),
        search,
        offset=offset,
        limit=limit,
        names=found.has_names,
    )
    return [found.present(row, search) for row in rows], more


def search_grouped(*, viewer, search: Search) -> list[dict]:
    """The best ``SEARCH_RESULTS_PER_KIND`` results of every kind that has any, in the fixed
    kind order, each group saying whether more follow: one query per kind, plus the count of
    readable messages."""
    groups = []
    for kind in KINDS:
        results, more = search_kind(
            viewer=viewer,
            search=search,
            kind=kind.name,
            offset=0,
            limit=settings.SEARCH_RESULTS_PER_KIND,
        )
        if results:
            groups.append({"kind": kind.name, "results": results, "more": more})
    return groups


def discover(*, limit: int) -> dict:
    """Featured official accounts (most followed), mini-programs (latest released) and live
    shows (live now, then the next scheduled), in the result form of search."""
    nothing = Search("")
    return {
        "official_accounts": [
            _account(account, nothing)
            for account in official_selectors.accounts_featured(limit=limit)
        ],
        "miniprograms": [
            _miniprogram(app, nothing)
            for app in miniprogram_selectors.miniprograms_featured(limit=limit)
        ],
        "live_shows": [_show(show, nothing) for show in live_selectors.shows_featured(limit=limit)],
    }
