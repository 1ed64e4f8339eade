"""A world to search, built through the real services (shared by the PostgreSQL tests and the
embedded-default SQLite run in tests/system/test_search_embedded.py)."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from miniprograms.live import services as live_services
from miniprograms.shop import services as shop_services
from superapp.accounts import privacy_api
from superapp.accounts import services as account_services
from superapp.messaging import services as messaging_services
from superapp.official import services as official_services
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.miniprograms.factories import developer_app, released_app
from tests.miniprograms.shop.factories import product_factory, shop_factory
from tests.superapp.messaging.factories import direct_chat, group_chat, send_text
from tests.superapp.social.factories import befriend, block


@dataclass
class World:
    me: object
    friend: object
    shop: object
    objects: dict


def build() -> World:
    """``me`` with a friend, a group, a stranger's chat, people, a shop, apps, an account."""
    me = UserFactory(username="anna", display_name="Anna Berg")
    friend = UserFactory(username="annabelle", display_name="Annabelle Roux")
    chat, _, _ = direct_chat(me, friend)
    group, _, _ = group_chat(owner=me, title="Chocolate club")
    found = send_text(chat, friend, "Meet me at the chocolaterie on Friday")
    cjk = send_text(chat, me, "我爱北京天安门")
    recalled = send_text(chat, me, "chocolate secret recalled")
    messaging_services.message_recall(actor=me, message_id=recalled.pk)
    stranger_chat, stranger, _ = direct_chat()
    send_text(stranger_chat, stranger, "chocolate among strangers")

    hidden = UserFactory(username="annette", display_name="Annette Hidden")
    account_services.profile_update(user=hidden, findable_by_username=False)
    erased = UserFactory(username="annika", display_name="Annika Gone")
    befriend(me, erased)
    erased_chat, _ = messaging_services.direct_conversation_open(actor=me, other=erased)
    send_text(erased_chat, erased, "chocolate from someone erased")
    privacy_api.account_erase(actor=erased, password=DEFAULT_PASSWORD)
    blocked = UserFactory(username="annalise", display_name="Annalise Blocked")
    befriend(me, blocked)
    blocked_chat, _ = messaging_services.direct_conversation_open(actor=me, other=blocked)
    send_text(blocked_chat, blocked, "chocolate from a blocked person")
    block(me, blocked)

    shop = shop_factory(name="Maison Chocolat")
    scarf, _ = product_factory(shop, title="Scarf", handle="scarf")
    silk, _ = product_factory(shop, title="Silk scarf", handle="silk-scarf")
    tower, _ = product_factory(shop, title="東京タワー 置物", handle="tower")
    owner = shop.brand.members.get(role="owner").user
    draft = shop_services.product_create(
        actor=owner, shop_id=shop.pk, handle="draft", title="Draft scarf", option_names=[]
    )
    released, _, _ = released_app(name="Chocolate Map")
    unreleased, _, _ = developer_app(name="Chocolate Lab")
    account = official_services.account_create(
        actor=owner, brand_id=shop.brand_id, name="Chocolat Journal", kind="subscription"
    )
    article = official_services.article_create(
        actor=owner,
        account_id=account.pk,
        title="Winter drinks",
        body=[{"type": "paragraph", "text": "A hot chocolate with cardamom."}],
        links=[],
    )
    show = live_services.show_create(
        actor=owner,
        brand_id=shop.brand_id,
        title="Chocolate tasting live",
        stream_url="https://stream.example/choc.m3u8",
        starts_at=timezone.now() + timedelta(hours=1),
        host=owner.username,
        product_ids=[scarf.pk],
    )
    return World(
        me=me,
        friend=friend,
        shop=shop,
        objects={
            "chat": chat,
            "group": group,
            "found": found,
            "cjk": cjk,
            "recalled": recalled,
            "stranger": stranger,
            "hidden": hidden,
            "erased": erased,
            "blocked": blocked,
            "scarf": scarf,
            "silk": silk,
            "tower": tower,
            "draft": draft,
            "released": released,
            "unreleased": unreleased,
            "account": account,
            "article": article,
            "show": show,
        },
    )
