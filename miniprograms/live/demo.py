"""Demo show for `make run`: alice's brand schedules a live show of its shop for tomorrow."""

from datetime import timedelta

from django.utils import timezone

from miniprograms.live import services
from miniprograms.live.models import Show
from miniprograms.shop import selectors as shop_selectors
from superapp.accounts.models import User
from superapp.official.demo import demo_brand


def seed(stdout) -> None:
    alice = User.objects.get(username="alice")
    brand = demo_brand(alice)
    if Show.objects.filter(brand=brand).exists():
        stdout.write("live show: exists")
        return
    shop = shop_selectors.shop_for_brand(brand_id=brand.pk)
    products = list(shop_selectors.products_search(shop=shop).values_list("pk", flat=True)[:3])
    show = services.show_create(
        actor=alice,
        brand_id=brand.pk,
        title=f"{brand.name} live: the autumn edit",
        stream_url="https://stream.example/demo/autumn.m3u8",
        starts_at=timezone.now() + timedelta(days=1),
        host=alice.username,
        product_ids=products,
    )
    stdout.write(f"live show {show.pk}: scheduled (room /ws/live/{show.pk}/)")
