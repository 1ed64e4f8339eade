"""Product and review photos, article and live covers take uploads: the field keeps the
upload's lasting public address (and still takes a URL from elsewhere)."""

import pytest

from tests.factories import UserFactory
from tests.helpers import consumer_client
from tests.miniprograms.live.factories import live_world
from tests.miniprograms.live.test_shows import show_body
from tests.miniprograms.shop.factories import shop_factory, world
from tests.miniprograms.shop.test_reviews import delivered_line, review
from tests.superapp.media import samples
from tests.superapp.media.helpers import upload
from tests.superapp.official.factories import official_account
from tests.superapp.official.test_accounts_api import ARTICLE

pytestmark = pytest.mark.django_db


def test_product_images_take_uploads_and_urls():
    shop = shop_factory()
    staff = consumer_client(shop.brand.members.get().user)
    photo = upload(staff, samples.image_bytes(), purpose="product").json()
    product = staff.post(
        f"/api/v1/shops/{shop.pk}/products",
        {"handle": "mug", "title": "Mug", "images": [photo["id"], "https://img.example/m.jpg"]},
    )
    assert product.status_code == 201, product.json()
    assert product.json()["images"] == [photo["url"], "https://img.example/m.jpg"]
    chat_photo = upload(staff, samples.image_bytes()).json()
    refused = staff.post(
        f"/api/v1/shops/{shop.pk}/products",
        {"handle": "cup", "title": "Cup", "images": [chat_photo["id"]]},
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "media_wrong_purpose")
    second = upload(staff, samples.image_bytes(color=(0, 90, 0)), purpose="product").json()
    changed = staff.patch(
        f"/api/v1/shops/{shop.pk}/products/{product.json()['id']}", {"images": [second["id"]]}
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["images"] == [second["url"]]


def test_an_article_cover_from_an_upload():
    account = official_account()
    admin = consumer_client(account.brand.admin)
    cover = upload(admin, samples.image_bytes(), purpose="article").json()
    created = admin.post(
        f"/api/v1/official-accounts/{account.pk}/articles",
        {**ARTICLE, "cover_media": cover["id"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["cover_url"] == cover["url"]


def test_a_live_cover_from_an_upload():
    world = live_world(live=False)
    admin = consumer_client(world.brand.admin)
    cover = upload(admin, samples.image_bytes(), purpose="live").json()
    created = admin.post("/api/v1/live/shows", show_body(world, cover_media=cover["id"]))
    assert created.status_code == 201, created.json()
    assert created.json()["cover_url"] == cover["url"]


def test_review_photos_take_uploads(api):
    line = delivered_line(world(), api.user)
    photo = upload(api, samples.jpeg_with_gps(), purpose="review").json()
    created = review(api, line, photos=[photo["id"]])
    assert created.status_code == 201, created.json()
    assert created.json()["photos"] == [photo["url"]]


def test_review_photos_must_be_the_buyers_own_review_uploads(api):
    """Someone else's upload is not found; a chat upload is the wrong purpose."""
    line = delivered_line(world(), api.user)
    stranger = consumer_client(UserFactory())
    theirs = upload(stranger, samples.image_bytes(), purpose="review").json()
    refused = review(api, line, photos=[theirs["id"]])
    assert (refused.status_code, refused.json()["code"]) == (404, "media_not_found")
    chat_photo = upload(api, samples.image_bytes()).json()
    refused = review(api, line, photos=[chat_photo["id"]])
    assert (refused.status_code, refused.json()["code"]) == (422, "media_wrong_purpose")
