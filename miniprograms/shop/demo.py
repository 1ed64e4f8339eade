"""Demo shop for `make run`: alice's brand sells a few things, one of them by team purchase."""

from miniprograms.shop import services, storefront
from miniprograms.shop.models import Shop
from superapp.accounts.models import User
from superapp.core.errors import Conflict
from superapp.official.demo import demo_brand, storefront_menu_set

PRODUCTS = [
    ("silk-scarf", "Silk scarf", ["colour"], [("SCARF-IVORY", {"colour": "ivory"}, 8900, 20)], []),
    (
        "linen-shirt",
        "Linen shirt",
        ["size"],
        [("SHIRT-M", {"size": "M"}, 5900, 15), ("SHIRT-L", {"size": "L"}, 5900, 10)],
        [],
    ),
    (
        "ceramic-mug",
        "Ceramic mug",
        ["size"],
        [("MUG-STD", {"size": "standard"}, 1800, 100)],
        [{"size": 2, "discount_percent": 10}, {"size": 5, "discount_percent": 25}],
    ),
]


def seed(stdout) -> None:
    owner = User.objects.get(username="alice")
    brand = demo_brand(owner)
    shop = Shop.objects.filter(brand=brand).first()
    if shop is not None:
        stdout.write(f"shop of {brand.name}: exists")
    else:
        shop = _create(owner, brand)
        stdout.write(f"shop of {brand.name}: created (coupon WELCOME10)")
    try:
        release = storefront.storefront_release(shop=shop)
        what = "released" if release.released else "unchanged"
        stdout.write(f"storefront of {shop.name}: {what} {release.version}")
    except Conflict as exc:  # not built: `make run` builds it first
        stdout.write(f"storefront of {shop.name}: not released ({exc.detail})")
    if storefront_menu_set(owner, app_id=shop.miniprogram.app_id):
        stdout.write(f"menu of {brand.name}: Shop opens the storefront")


def _create(owner, brand) -> Shop:
    shop = services.shop_enable(actor=owner, brand_id=brand.pk)
    for handle, title, option_names, skus, tiers in PRODUCTS:
        product = services.product_create(
            actor=owner,
            shop_id=shop.pk,
            handle=handle,
            title=title,
            option_names=option_names,
            team_tiers=tiers,
        )
        for code, options, price, stock in skus:
            services.sku_create(
                actor=owner,
                shop_id=shop.pk,
                product_id=product.pk,
                code=code,
                options=options,
                stock=stock,
                prices=[{"currency": "EUR", "amount": price}],
            )
        services.product_publish(
            actor=owner, shop_id=shop.pk, product_id=product.pk, published=True
        )
    collection = services.collection_create(actor=owner, shop_id=shop.pk, title="Autumn edit")
    services.product_update(
        actor=owner, shop_id=shop.pk, product_id=product.pk, collection_ids=[collection.pk]
    )
    services.coupon_create(actor=owner, shop_id=shop.pk, code="WELCOME10", kind="percent", value=10)
    return shop
