"""Moments: visibility, the feed, and likes/comments seen only from one's own contacts."""

import pytest
from rest_framework.test import APIClient

from superapp.realtime.models import UserEvent
from superapp.social import services
from superapp.social.models import Moment
from tests.factories import UserFactory
from tests.helpers import assert_queries_constant, assert_refused, consumer_client
from tests.superapp.social.factories import MomentFactory, befriend

pytestmark = pytest.mark.django_db


def feed_ids(client, **params):
    response = client.get("/api/v1/moments/feed", params)
    assert response.status_code == 200, response.content
    return [m["id"] for m in response.json()["results"]]


def post_moment(client, **body):
    response = client.post("/api/v1/moments", {"text": "Sunday market", **body})
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_feed_holds_own_and_contacts_posts_newest_first(api, other_user):
    befriend(api.user, other_user)
    stranger_post = MomentFactory().pk
    mine = post_moment(api)
    theirs = post_moment(consumer_client(other_user), images=["https://cdn.example/1.jpg"])
    assert feed_ids(api) == [theirs, mine]
    assert stranger_post not in feed_ids(api)


def test_feed_is_cursor_paginated(api):
    ids = [post_moment(api, text=f"post {i}") for i in range(5)]
    first = api.get("/api/v1/moments/feed", {"limit": 2}).json()
    assert [m["id"] for m in first["results"]] == ids[::-1][:2]
    second = api.get(first["next"]).json()
    assert [m["id"] for m in second["results"]] == ids[::-1][2:4]


def test_selected_and_private_moments_reach_only_their_audience(api):
    chosen, left_out = UserFactory(), UserFactory()
    befriend(api.user, chosen)
    befriend(api.user, left_out)
    selected = post_moment(api, visibility="selected", audience=[chosen.username])
    private = post_moment(api, visibility="private")
    assert feed_ids(consumer_client(chosen)) == [selected]
    assert feed_ids(consumer_client(left_out)) == []
    assert feed_ids(api) == [private, selected]
    hidden = consumer_client(left_out).get(f"/api/v1/moments/{selected}")
    assert_refused(hidden, 404, "moment_not_found")


def test_blocked_user_no_longer_sees_your_moments(api, other_user):
    befriend(api.user, other_user)
    moment = post_moment(api)
    assert feed_ids(consumer_client(other_user)) == [moment]
    api.post("/api/v1/contacts/blocks", {"username": other_user.username})
    assert feed_ids(consumer_client(other_user)) == []
    like = consumer_client(other_user).post(f"/api/v1/moments/{moment}/likes")
    assert like.status_code == 404


def test_viewers_see_likes_and_comments_only_from_their_own_contacts(api):
    """The WeChat rule: B and C are both A's contacts but not each other's."""
    b, c = UserFactory(), UserFactory()
    befriend(api.user, b)
    befriend(api.user, c)
    moment = post_moment(api)
    for friend in (b, c):
        client = consumer_client(friend)
        assert client.post(f"/api/v1/moments/{moment}/likes").status_code == 201
        comment = client.post(f"/api/v1/moments/{moment}/comments", {"text": f"hi {friend}"})
        assert comment.status_code == 201

    def seen_by(user):
        [item] = consumer_client(user).get("/api/v1/moments/feed").json()["results"]
        return (
            {like["user"]["username"] for like in item["likes"]},
            {comment["user"]["username"] for comment in item["comments"]},
        )

    assert seen_by(api.user) == ({b.username, c.username}, {b.username, c.username})
    assert seen_by(b) == ({b.username}, {b.username})
    befriend(b, c)
    assert seen_by(b) == ({b.username, c.username}, {b.username, c.username})


def test_author_learns_of_likes_and_comments(api, other_user):
    befriend(api.user, other_user)
    moment = post_moment(api)
    friend = consumer_client(other_user)
    friend.post(f"/api/v1/moments/{moment}/likes")
    friend.post(f"/api/v1/moments/{moment}/likes")  # liking twice is still one like
    friend.post(f"/api/v1/moments/{moment}/comments", {"text": "Lovely"})
    types = list(
        UserEvent.objects.filter(user=api.user).order_by("cursor").values_list("type", flat=True)
    )
    assert types == ["moment.liked", "moment.commented"]
    assert friend.delete(f"/api/v1/moments/{moment}/likes").status_code == 204
    assert api.get(f"/api/v1/moments/{moment}").json()["likes"] == []


def test_only_the_author_deletes_a_moment(api, other_user):
    befriend(api.user, other_user)
    moment = post_moment(api)
    assert consumer_client(other_user).delete(f"/api/v1/moments/{moment}").status_code == 404
    assert api.delete(f"/api/v1/moments/{moment}").status_code == 204
    assert not Moment.objects.filter(pk=moment).exists()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"text": ""}, "empty_moment"),
        ({"text": "x" * 2001}, "validation_error"),
        ({"images": ["https://cdn.example/i.jpg"] * 10}, "validation_error"),
        ({"images": ["not a url"]}, "validation_error"),
        ({"visibility": "everyone"}, "validation_error"),
        ({"text": "hi", "visibility": "selected"}, "audience_required"),
        ({"product": {"product_id": 1}}, "validation_error"),
    ],
)
def test_bad_moments_are_refused(api, body, code):
    response = api.post("/api/v1/moments", body)
    assert_refused(response, 400, code)
    assert not Moment.objects.exists()


@pytest.mark.parametrize(
    ("visibility", "code"),
    [("selected", "audience_not_contacts"), ("contacts", "audience_unexpected")],
)
def test_an_audience_must_be_contacts_of_a_selected_moment(api, other_user, visibility, code):
    body = {"text": "hi", "visibility": visibility, "audience": [other_user.username]}
    response = api.post("/api/v1/moments", body)
    assert_refused(response, 400, code)


def test_product_tag_is_kept(api):
    product = {"product_id": 7, "title": "Silk scarf", "price": {"amount": 4900, "currency": "EUR"}}
    moment = post_moment(api, product=product)
    assert api.get(f"/api/v1/moments/{moment}").json()["product"] == product


def test_feed_query_count_does_not_grow_with_posts_likes_or_comments(api):
    viewer = api.user

    def build(count):
        for _ in range(count):
            friend = UserFactory()
            befriend(viewer, friend)
            moment = services.moment_create(actor=friend, text="new", images=[])
            services.moment_like(actor=viewer, moment_id=moment.pk)
            services.moment_comment(actor=friend, moment_id=moment.pk, text="first")
            services.moment_comment(actor=viewer, moment_id=moment.pk, text="nice")

    assert_queries_constant(build, lambda: api.get("/api/v1/moments/feed"))


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/moments"),
        ("get", "/api/v1/moments/feed"),
        ("get", "/api/v1/moments/1"),
        ("delete", "/api/v1/moments/1"),
        ("post", "/api/v1/moments/1/likes"),
        ("delete", "/api/v1/moments/1/likes"),
        ("post", "/api/v1/moments/1/comments"),
    ],
)
def test_every_moments_endpoint_needs_a_consumer_token(method, path):
    assert getattr(APIClient(), method)(path).status_code == 401


def test_strangers_cannot_like_or_comment(api):
    moment = MomentFactory()
    like = api.post(f"/api/v1/moments/{moment.pk}/likes")
    comment = api.post(f"/api/v1/moments/{moment.pk}/comments", {"text": "hi"})
    assert like.status_code == comment.status_code == 404
