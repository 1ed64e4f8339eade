"""Demo shop for `make run`: alice's brand sells a few things, one of them by team purchase."""

from miniprograms.shop import services
from miniprograms.shop.models import Shop
from superapp.accounts.models import User
from superapp.official.demo import demo_brand

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
    if Shop.objects.filter(brand=brand).exists():
        stdout.write(f"shop of {brand.name}: exists")
        return
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
    services.coupon_create(actor=owner, shop_id=shop.pk, code="WELCOME10", kind="percent", value=10)
    stdout.write(f"shop of {brand.name}: created (coupon WELCOME10)")
