"""Reviews: verified buyers of delivered items only; brand replies once; staff moderate."""

import pytest

from miniprograms.shop import services
from miniprograms.shop.models import Review
from tests.factories import UserFactory
from tests.helpers import assert_refused, consumer_client
from tests.miniprograms.shop.factories import checkout, pay, world

pytestmark = pytest.mark.django_db


def delivered_line(w, buyer):
    order = checkout(buyer, w.sku)
    pay(order)
    services.order_ship(
        actor=w.owner, shop_id=w.shop.pk, order_id=order.pk, carrier="DHL", tracking_number="1"
    )
    services.order_deliver(actor=w.owner, shop_id=w.shop.pk, order_id=order.pk)
    return order.lines.get()


def review(client, line, rating=4, **extra):
    return client.post("/api/v1/shop/reviews", {"line_id": line.pk, "rating": rating, **extra})


def test_only_the_buyer_of_a_delivered_item_reviews_it_once(api):
    w = world()
    undelivered = checkout(api.user, w.sku)
    pay(undelivered)
    early = review(api, undelivered.lines.get())
    assert_refused(early, 422, "not_delivered")

    line = delivered_line(w, api.user)
    stranger = review(consumer_client(UserFactory()), line)
    assert_refused(stranger, 404, "order_line_not_found")
    assert review(api, line).status_code == 201
    twice = review(api, line)
    assert_refused(twice, 409, "already_reviewed")


@pytest.mark.parametrize(("rating", "photos"), [(0, []), (6, []), (5, ["not a url"])])
def test_bad_reviews_are_refused(api, rating, photos):
    w = world()
    response = review(api, delivered_line(w, api.user), rating=rating, photos=photos)
    assert response.json()["code"] == "validation_error"


def test_photo_limit_is_a_setting(api, settings):
    settings.SHOP_MAX_REVIEW_PHOTOS = 1
    w = world()
    photos = ["https://img.example/1.jpg", "https://img.example/2.jpg"]
    response = review(api, delivered_line(w, api.user), photos=photos)
    assert response.json()["code"] == "too_many_photos"


def test_average_counts_visible_reviews(api):
    w = world(stock=10)
    review(api, delivered_line(w, api.user), rating=5)
    other = consumer_client(UserFactory())
    review(other, delivered_line(w, other.user), rating=2)
    product = api.get(f"/api/v1/shops/{w.shop.pk}/products/{w.product.pk}").json()
    assert (product["rating_average"], product["rating_count"]) == (3.5, 2)


def test_brand_replies_once_and_cannot_edit_the_review(api):
    w = world()
    created = review(api, delivered_line(w, api.user), text="Lovely").json()
    staff = consumer_client(w.owner)
    url = f"/api/v1/shops/{w.shop.pk}/manage/reviews/{created['id']}/reply"
    replied = staff.post(url, {"text": "Thank you!"})
    assert replied.json()["brand_reply"] == "Thank you!"
    assert replied.json()["text"] == "Lovely"
    again = staff.post(url, {"text": "Edited"})
    assert_refused(again, 409, "already_replied")
    other_brand = consumer_client(world().owner)
    foreign = other_brand.post(url, {"text": "Hi"})
    assert foreign.status_code == 404


def test_reports_reach_platform_staff_who_hide_the_review(api):
    w = world()
    created = review(api, delivered_line(w, api.user), text="Spam spam").json()
    reporter = consumer_client(UserFactory())
    url = f"/api/v1/shop/reviews/{created['id']}/reports"
    assert reporter.post(url, {"reason": "spam"}).status_code == 201
    assert reporter.post(url, {"reason": "spam"}).json()["code"] == "already_reported"

    assert reporter.get("/api/v1/shop/moderation/reports").status_code == 403
    moderator = consumer_client(UserFactory(is_staff=True))
    reports = moderator.get("/api/v1/shop/moderation/reports").json()["results"]
    assert [r["review"]["id"] for r in reports] == [created["id"]]
    hidden = moderator.post(f"/api/v1/shop/moderation/reviews/{created['id']}", {"visible": False})
    assert hidden.status_code == 200

    listed = api.get(f"/api/v1/shops/{w.shop.pk}/products/{w.product.pk}/reviews")
    assert listed.json()["results"] == []
    assert moderator.get("/api/v1/shop/moderation/reports").json()["results"] == []
    product = api.get(f"/api/v1/shops/{w.shop.pk}/products/{w.product.pk}").json()
    assert product["rating_count"] == 0


def test_a_review_out_of_reach_is_review_not_found(api):
    w, other = world(), world()
    created = review(api, delivered_line(w, api.user), text="Lovely").json()
    their_staff = consumer_client(other.owner)
    reply = their_staff.post(
        f"/api/v1/shops/{other.shop.pk}/manage/reviews/{created['id']}/reply", {"text": "Hi"}
    )
    assert_refused(reply, 404, "review_not_found")
    moderator = consumer_client(UserFactory(is_staff=True))
    unknown = moderator.post("/api/v1/shop/moderation/reviews/999999", {"visible": False})
    assert_refused(unknown, 404, "review_not_found")
    moderator.post(f"/api/v1/shop/moderation/reviews/{created['id']}", {"visible": False})
    hidden = consumer_client(UserFactory()).post(
        f"/api/v1/shop/reviews/{created['id']}/reports", {"reason": "spam"}
    )
    assert_refused(hidden, 404, "review_not_found")
    assert Review.objects.get(pk=created["id"]).brand_reply == ""
