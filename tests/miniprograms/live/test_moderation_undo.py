"""Undoing moderation (the control room's "undo"): the room's staff list the mutes and bans,
lift them, and bring a removed comment back; nobody else may."""

import pytest
from django.utils import timezone

from miniprograms.live import services
from miniprograms.live.models import Comment, Restriction
from tests.factories import UserFactory
from tests.helpers import assert_queries_constant, assert_refused, consumer_client
from tests.miniprograms.live.factories import live_world

pytestmark = pytest.mark.django_db


def restrictions_path(world) -> str:
    return f"/api/v1/live/shows/{world.show.pk}/restrictions"


def test_staff_list_mutes_and_bans_latest_first_and_lift_them():
    world = live_world()
    troll, chatty = UserFactory(), UserFactory()
    moderator = consumer_client(world.moderator)
    for user, kind in ((chatty, "mute"), (troll, "ban")):
        body = {"username": user.username, "kind": kind}
        assert moderator.post(restrictions_path(world), body).status_code == 201

    listed = moderator.get(restrictions_path(world)).json()
    assert [(r["username"], r["kind"]) for r in listed] == [
        (troll.username, "ban"),
        (chatty.username, "mute"),
    ]

    lifted = moderator.delete(f"{restrictions_path(world)}/ban/{troll.username}")
    assert lifted.status_code == 204
    assert not Restriction.objects.filter(show=world.show, user=troll).exists()
    assert Restriction.objects.filter(show=world.show, user=chatty, kind="mute").exists()
    again = moderator.delete(f"{restrictions_path(world)}/ban/{troll.username}")
    assert again.status_code == 204


def test_only_room_staff_list_or_lift_restrictions_and_bad_input_writes_nothing():
    world = live_world()
    troll = UserFactory()
    services.restriction_add(
        actor=world.host, show_id=world.show.pk, username=troll.username, kind="mute"
    )
    stranger = consumer_client(UserFactory())
    assert_refused(stranger.get(restrictions_path(world)), 403, "not_room_staff")
    lift = f"{restrictions_path(world)}/mute/{troll.username}"
    assert_refused(stranger.delete(lift), 403, "not_room_staff")
    host = consumer_client(world.host)
    assert host.delete(f"{restrictions_path(world)}/shout/{troll.username}").status_code == 400
    assert host.delete(f"{restrictions_path(world)}/mute/nobody-here").status_code == 400
    assert_refused(
        host.delete("/api/v1/live/shows/999999/restrictions/mute/x"), 404, "show_not_found"
    )
    assert Restriction.objects.filter(show=world.show, user=troll, kind="mute").exists()


def test_listing_restrictions_does_not_grow_in_queries():
    world = live_world()
    host = consumer_client(world.host)

    def restrict(count: int) -> None:
        for _ in range(count):
            services.restriction_add(
                actor=world.host, show_id=world.show.pk, username=UserFactory().username, kind="ban"
            )

    assert_queries_constant(restrict, lambda: host.get(restrictions_path(world)))


def test_a_comment_author_is_muted_by_the_id_the_room_names_them_by():
    world = live_world()
    author = UserFactory()
    path = restrictions_path(world)
    host = consumer_client(world.host)
    muted = host.post(path, {"user_id": author.pk, "kind": "mute"})
    assert muted.status_code == 201
    assert muted.json()["username"] == author.username
    both = host.post(path, {"user_id": author.pk, "username": author.username, "kind": "ban"})
    assert_refused(both, 400, "validation_error")
    assert host.post(path, {"user_id": 999999, "kind": "ban"}).status_code == 400
    assert host.post(path, {"kind": "ban"}).status_code == 400
    kinds = Restriction.objects.filter(show=world.show, user=author).values_list("kind", flat=True)
    assert list(kinds) == ["mute"]


def test_a_removed_comment_comes_back_when_the_removal_is_undone():
    world = live_world()
    viewer = UserFactory(display_name="Vera")
    Comment.objects.create(
        show=world.show, public_id="beef01", user=viewer, text="Love it", created_at=timezone.now()
    )
    host = consumer_client(world.host)
    comment = f"/api/v1/live/shows/{world.show.pk}/comments/beef01"
    assert host.delete(comment).status_code == 204
    assert Comment.objects.get(public_id="beef01").removed_at is not None
    assert_refused(consumer_client(viewer).post(f"{comment}/restore"), 403, "not_room_staff")
    assert Comment.objects.get(public_id="beef01").removed_at is not None

    assert host.post(f"{comment}/restore").status_code == 204
    assert Comment.objects.get(public_id="beef01").removed_at is None
    assert host.get(f"/api/v1/live/shows/{world.show.pk}/stats").json()["removed_comments"] == 0
    assert services.selectors.comment_payload(show=world.show, comment_id="beef01") == {
        "id": "beef01",
        "user": {"id": viewer.pk, "name": "Vera"},
        "text": "Love it",
        "at": Comment.objects.get(public_id="beef01").created_at.isoformat(),
    }
