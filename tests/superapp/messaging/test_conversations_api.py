"""Conversations: direct chats once per pair, groups with owner/admins, membership rules."""

import pytest
from rest_framework.test import APIClient

from superapp.messaging import selectors
from superapp.messaging.models import Conversation, Member
from superapp.realtime.models import UserEvent
from tests.factories import UserFactory
from tests.helpers import assert_queries_constant, assert_refused, consumer_client
from tests.superapp.messaging.factories import direct_chat, group_chat, send_text
from tests.superapp.social.factories import befriend, block

pytestmark = pytest.mark.django_db


def create(client, kind, *users, **extra):
    return client.post(
        "/api/v1/conversations", {"kind": kind, "members": [u.username for u in users], **extra}
    )


def test_a_direct_chat_is_created_once_per_pair(api, other_user):
    befriend(api.user, other_user)
    first = create(api, "direct", other_user)
    assert first.status_code == 201
    body = first.json()
    assert body["kind"] == "direct"
    assert {m["user"]["username"] for m in body["members"]} == {
        api.user.username,
        other_user.username,
    }
    again = create(consumer_client(other_user), "direct", api.user)
    assert (again.status_code, again.json()["id"]) == (200, body["id"])
    assert Conversation.objects.count() == 1


@pytest.mark.parametrize(
    ("setup", "status", "code"),
    [
        ("strangers", 403, "not_a_contact"),
        ("they_blocked_me", 403, "blocked"),
        ("self", 400, "cannot_chat_with_self"),
    ],
)
def test_direct_chats_need_an_unblocked_contact(api, other_user, setup, status, code):
    target = api.user if setup == "self" else other_user
    if setup == "they_blocked_me":
        block(other_user, api.user)
    response = create(api, "direct", target)
    assert_refused(response, status, code)


def test_a_direct_chat_has_exactly_one_other_member(api, other_user):
    response = create(api, "direct", other_user, UserFactory())
    assert_refused(response, 400, "validation_error")


def test_group_creator_owns_a_group_of_their_contacts(api):
    friends = UserFactory.create_batch(2)
    for friend in friends:
        befriend(api.user, friend)
    response = create(api, "group", *friends, title="Hiking")
    assert response.status_code == 201
    body = response.json()
    roles = {m["user"]["username"]: m["role"] for m in body["members"]}
    assert roles == {api.user.username: "owner", **{f.username: "member" for f in friends}}
    assert (body["title"], body["member_count"], body["last_seq"]) == ("Hiking", 3, 1)
    assert body["last_message"]["type"] == "system"
    for friend in friends:
        assert UserEvent.objects.filter(user=friend, type="conversation.created").exists()


def test_groups_only_take_contacts(api, other_user):
    response = create(api, "group", other_user)
    assert_refused(response, 403, "not_a_contact")
    assert response.json()["usernames"] == [other_user.username]
    assert not Conversation.objects.exists()


def test_group_size_is_limited(api, settings):
    settings.GROUP_MAX_MEMBERS = 3
    friends = UserFactory.create_batch(3)
    for friend in friends:
        befriend(api.user, friend)
    too_many = create(api, "group", *friends)
    assert_refused(too_many, 422, "group_full")
    group_id = create(api, "group", *friends[:2]).json()["id"]
    adding = api.post(
        f"/api/v1/conversations/{group_id}/members", {"usernames": [friends[2].username]}
    )
    assert_refused(adding, 422, "group_full")


def test_admins_add_members_who_see_only_what_follows(api):
    group, owner, (member,) = group_chat(owner=api.user, members=1)
    send_text(group, owner, "before you came")
    newcomer = UserFactory()
    befriend(owner, newcomer)
    added = api.post(
        f"/api/v1/conversations/{group.pk}/members", {"usernames": [newcomer.username]}
    )
    assert added.status_code == 201
    send_text(group, owner, "welcome")
    seen = consumer_client(newcomer).get(f"/api/v1/conversations/{group.pk}/messages").json()
    assert [m["text"] for m in seen["results"]] == [
        f"{owner.display_name} added {newcomer.display_name}",
        "welcome",
    ]
    by_member = consumer_client(member).post(
        f"/api/v1/conversations/{group.pk}/members", {"usernames": [UserFactory().username]}
    )
    assert_refused(by_member, 403, "not_a_group_admin")


def test_owner_appoints_admins_who_manage_members_but_not_admins(api):
    group, _owner, (admin, member, other_admin) = group_chat(owner=api.user, members=3)
    for appointee in (admin, other_admin):
        response = api.patch(
            f"/api/v1/conversations/{group.pk}/members/{appointee.username}", {"role": "admin"}
        )
        assert response.json()["role"] == "admin"
    as_admin = consumer_client(admin)
    refused = as_admin.delete(f"/api/v1/conversations/{group.pk}/members/{other_admin.username}")
    assert_refused(refused, 403, "not_group_owner")
    promote = as_admin.patch(
        f"/api/v1/conversations/{group.pk}/members/{member.username}", {"role": "admin"}
    )
    assert_refused(promote, 403, "not_group_owner")
    assert (
        as_admin.delete(f"/api/v1/conversations/{group.pk}/members/{member.username}").status_code
        == 204
    )
    assert not selectors.is_member(conversation_id=group.pk, user=member)


def test_a_removed_member_sees_nothing_new(api):
    group, owner, (kept, removed) = group_chat(owner=api.user, members=2)
    api.delete(f"/api/v1/conversations/{group.pk}/members/{removed.username}")
    cursor_after_removal = UserEvent.objects.filter(user=removed).order_by("cursor").last()
    assert cursor_after_removal.type == "conversation.removed"
    send_text(group, owner, "secret plans")
    assert not UserEvent.objects.filter(
        user=removed, cursor__gt=cursor_after_removal.cursor
    ).exists()
    client = consumer_client(removed)
    for response in (
        client.get(f"/api/v1/conversations/{group.pk}"),
        client.get(f"/api/v1/conversations/{group.pk}/messages"),
        client.post(f"/api/v1/conversations/{group.pk}/messages", {"type": "text", "text": "hi"}),
    ):
        assert_refused(response, 404, "conversation_not_found")
    assert client.get("/api/v1/conversations").json()["results"] == []
    assert selectors.conversation_member_ids(group.pk) == sorted([owner.pk, kept.pk])


def test_an_owner_who_leaves_hands_the_group_to_an_admin(api):
    group, _owner, (member, admin) = group_chat(owner=api.user, members=2)
    api.patch(f"/api/v1/conversations/{group.pk}/members/{admin.username}", {"role": "admin"})
    assert api.post(f"/api/v1/conversations/{group.pk}/leave").status_code == 204
    assert Member.objects.get(conversation=group, user=admin).role == "owner"
    assert Member.objects.get(conversation=group, user=member).role == "member"
    assert api.get(f"/api/v1/conversations/{group.pk}").status_code == 404


def test_direct_chats_cannot_be_left_or_managed(api):
    chat, _me, _peer = direct_chat(a=api.user)
    assert api.post(f"/api/v1/conversations/{chat.pk}/leave").json()["code"] == "not_a_group"
    renamed = api.patch(f"/api/v1/conversations/{chat.pk}", {"title": "us"})
    assert renamed.json()["code"] == "not_a_group"


def test_admins_set_title_and_announcement(api):
    group, _owner, (member,) = group_chat(owner=api.user, members=1)
    response = api.patch(
        f"/api/v1/conversations/{group.pk}", {"title": "Trip", "announcement": "Bus at 8"}
    )
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["announcement"]) == ("Trip", "Bus at 8")
    announcement = response.json()["last_message"]
    assert (announcement["text"], announcement["mentions_all"]) == ("Bus at 8", True)
    listed = consumer_client(member).get("/api/v1/conversations").json()["results"][0]
    assert listed["mentioned"] is True
    by_member = consumer_client(member).patch(f"/api/v1/conversations/{group.pk}", {"title": "x"})
    assert by_member.status_code == 403


def test_conversation_list_shows_unread_counts_and_last_message(api):
    chat, me, peer = direct_chat(a=api.user)
    group, owner, _ = group_chat(members=1)
    Member.objects.create(conversation=group, user=me)
    send_text(chat, peer, "one")
    send_text(chat, peer, "two")
    send_text(group, owner, "group news")
    listed = api.get("/api/v1/conversations").json()["results"]
    assert [c["id"] for c in listed] == [group.pk, chat.pk]
    direct = listed[1]
    assert (direct["unread_count"], direct["last_message"]["text"]) == (2, "two")
    assert direct["peer"]["username"] == peer.username
    assert listed[0]["peer"] is None


def test_conversation_list_pages_by_last_activity(api):
    chats = [direct_chat(a=api.user)[0] for _ in range(3)]
    send_text(chats[0], api.user, "bump")
    first = api.get("/api/v1/conversations", {"limit": 2}).json()
    second = api.get(first["next"]).json()
    ids = [c["id"] for c in first["results"] + second["results"]]
    assert ids == [chats[0].pk, chats[2].pk, chats[1].pk]
    assert second["next"] is None


def test_conversation_list_query_count_does_not_grow(api):
    me = api.user

    def build(count):
        for _ in range(count):
            chat, _, peer = direct_chat(a=me)
            send_text(chat, peer, "hi", mentions=[me.username])
            group, owner, _ = group_chat(members=2)
            Member.objects.create(conversation=group, user=me)
            send_text(group, owner, "hello group")

    assert_queries_constant(build, lambda: api.get("/api/v1/conversations"))


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/conversations/{id}", None),
        ("patch", "/api/v1/conversations/{id}", {"title": "x"}),
        ("post", "/api/v1/conversations/{id}/members", {"usernames": ["{member}"]}),
        ("patch", "/api/v1/conversations/{id}/members/{member}", {"role": "admin"}),
        ("delete", "/api/v1/conversations/{id}/members/{member}", None),
        ("post", "/api/v1/conversations/{id}/leave", None),
        ("get", "/api/v1/conversations/{id}/messages", None),
        ("post", "/api/v1/conversations/{id}/messages", {"type": "text", "text": "hi"}),
        ("post", "/api/v1/conversations/{id}/read", {"seq": 1}),
        ("post", "/api/v1/conversations/{id}/delivered", {"seq": 1}),
        ("post", "/api/v1/messages/{message}/recall", None),
    ],
)
def test_non_members_get_404_from_every_conversation_endpoint(method, path, body):
    group, owner, (member,) = group_chat(members=1)
    message = send_text(group, owner)
    outsider = UserFactory()
    befriend(outsider, member)
    url = path.format(id=group.pk, member=member.username, message=message.pk)
    if body and "usernames" in body:
        body = {"usernames": [member.username]}
    response = getattr(consumer_client(outsider), method)(url, body)
    assert response.status_code == 404, response.content
    assert response.json()["code"] in {"conversation_not_found", "message_not_found"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/conversations"),
        ("post", "/api/v1/conversations"),
        ("get", "/api/v1/conversations/1"),
        ("patch", "/api/v1/conversations/1"),
        ("post", "/api/v1/conversations/1/members"),
        ("patch", "/api/v1/conversations/1/members/x"),
        ("delete", "/api/v1/conversations/1/members/x"),
        ("post", "/api/v1/conversations/1/leave"),
        ("get", "/api/v1/conversations/1/messages"),
        ("post", "/api/v1/conversations/1/messages"),
        ("post", "/api/v1/conversations/1/read"),
        ("post", "/api/v1/conversations/1/delivered"),
        ("post", "/api/v1/messages/1/recall"),
    ],
)
def test_every_messaging_endpoint_needs_a_consumer_token(method, path):
    assert getattr(APIClient(), method)(path).status_code == 401
