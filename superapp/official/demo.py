"""Demo data: the brand "Maison Lune" (owner alice, associate bob), verified, with a service
account, a menu, an article, a keyword auto-reply and carol as a follower. Safe to run twice."""

from django.db import transaction

from superapp.accounts.selectors import user_by_username
from superapp.official import selectors, services
from superapp.official.models import Brand, OfficialAccount

BRAND = "Maison Lune"

MENU = [
    {"name": "Shop", "type": "link", "url": "https://maison-lune.example/shop"},
    {
        "name": "Stores",
        "sub_items": [
            {"name": "Opening hours", "type": "keyword", "keyword": "hours"},
            {"name": "Paris", "type": "link", "url": "https://maison-lune.example/paris"},
        ],
    },
]

ARTICLE = {
    "title": "The autumn edit",
    "body": [
        {"type": "heading", "text": "Autumn at Maison Lune"},
        {"type": "paragraph", "text": "Wool, cashmere and moonlight: the new season is here."},
    ],
    "links": [{"type": "url", "title": "Lookbook", "url": "https://maison-lune.example/autumn"}],
}


def storefront_menu_set(owner, *, app_id: str) -> bool:
    """Point the demo account's "Shop" menu item at the brand's storefront mini-program (the
    shop's demo calls this once the shop exists); False when it already does."""
    brand = demo_brand(owner)
    account = OfficialAccount.objects.filter(brand=brand).order_by("pk").first()
    if account is None:
        return False
    item = {"name": "Shop", "type": "miniprogram", "app_id": app_id, "path": "/"}
    menu = [item if entry.get("name") == "Shop" else entry for entry in account.menu or MENU]
    if menu == account.menu:
        return False
    services.account_menu_set(actor=owner, account_id=account.pk, menu=menu)
    return True


def demo_brand(owner) -> Brand:
    """The demo brand ``owner`` (alice) owns, created bare if it is missing. Found by its owner
    and name, never "alice's first brand": she may have joined other brands meanwhile."""
    brand = selectors.brand_owned(user=owner, name=BRAND)
    return brand or services.brand_create(actor=owner, name=BRAND)


@transaction.atomic
def seed(stdout) -> None:
    alice, bob, carol = (user_by_username(name) for name in ("alice", "bob", "carol"))
    if selectors.brand_owned(user=alice, name=BRAND) is not None:
        stdout.write(f"brand {BRAND}: exists")
        return
    brand = services.brand_create(actor=alice, name=BRAND)
    services.brand_member_add(actor=alice, brand_id=brand.pk, user=bob, role="associate")
    brand.verified_at = brand.created_at  # demo data: verified as if by platform staff
    brand.save(update_fields=["verified_at"])
    account = services.account_create(
        actor=alice,
        brand_id=brand.pk,
        name=BRAND,
        kind=OfficialAccount.Kind.SERVICE,
        description="Parisian knitwear since 1987.",
    )
    services.account_menu_set(actor=alice, account_id=account.pk, menu=MENU)
    services.article_create(actor=alice, account_id=account.pk, **ARTICLE)
    services.keyword_reply_create(
        actor=alice,
        account_id=account.pk,
        keyword="hours",
        match="exact",
        reply="Open Monday to Saturday, 10:00-19:00.",
    )
    services.account_follow(user=carol, account_id=account.pk)
    stdout.write(f"brand {BRAND}: created (owner alice, associate bob, follower carol)")
