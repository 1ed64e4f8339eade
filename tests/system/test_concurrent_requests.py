"""Light concurrent load through the whole request stack, on the routes that answered 500 on the
embedded default (SQLite: "database is locked"). Marked ``embedded``: `make test` runs these on
PostgreSQL with the suite and again on a SQLite file (docs/testing.md). Each request runs in its
own thread with its own connection; a barrier releases them together (run_together)."""

from collections import Counter

import pytest
from oauth2_provider.models import RefreshToken

from loyalty.models import Segment
from miniprograms.models import ShippingAddress
from payments import selectors as payment_selectors
from payments.models import GatewayOrder
from superapp.messaging.models import Message
from superapp.social import services as social_services
from superapp.social.models import MomentComment, MomentLike
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.helpers import consumer_client, run_together
from tests.miniprograms.shop.factories import BOOK_ADDRESS, world
from tests.payments.factories import PIN
from tests.redpackets.factories import red_packet_group
from tests.superapp.messaging.factories import group_chat
from tests.superapp.social.factories import befriend

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.embedded]


def statuses(responses: list) -> Counter:
    return Counter(getattr(r, "status_code", repr(r)) for r in responses)


def post(client, path: str, body: dict | None = None):
    return lambda: client.post(path, body or {}, format="json")


def test_sixteen_members_sending_to_one_group_at_once_all_get_their_seq():
    group, owner, members = group_chat(members=15)
    clients = [consumer_client(user) for user in (owner, *members)]

    responses = run_together(
        [
            post(c, f"/api/v1/conversations/{group.pk}/messages", {"type": "text", "text": "hi"})
            for c in clients
        ]
    )

    assert statuses(responses) == {201: 16}
    seqs = sorted(Message.objects.filter(conversation=group).values_list("seq", flat=True))
    assert seqs == list(range(1, 18))  # the "created the group" notice is seq 1


def test_three_members_claiming_one_lucky_packet_at_once_share_it_exactly():
    group, owner, members = red_packet_group(members=3)
    packet = consumer_client(owner).post(
        "/api/v1/red-packets",
        {"conversation": group.pk, "mode": "lucky", "total": 300, "count": 3, "currency": "EUR"}
        | {"pin": PIN},
        format="json",
    )
    assert packet.status_code == 201, packet.content
    claim = f"/api/v1/red-packets/{packet.json()['id']}/claim"

    responses = run_together([post(consumer_client(m), claim) for m in members])

    assert statuses(responses) == {200: 3}
    assert sum(r.json()["amount"] for r in responses) == 300
    assert payment_selectors.ledger_report().ok


def test_concurrent_sandbox_top_ups_are_all_credited():
    users = UserFactory.create_batch(4)
    clients = [consumer_client(user) for user in users]

    responses = run_together(
        [post(c, "/api/v1/wallet/topups", {"amount": 1000, "currency": "EUR"}) for c in clients]
    )

    assert statuses(responses) == {201: 4}
    assert set(GatewayOrder.objects.values_list("status", flat=True)) == {"succeeded"}
    for user in users:
        assert payment_selectors.wallet_balances(user=user)[0]["available"] == 1000


def test_token_refreshes_and_address_book_changes_at_once():
    users = UserFactory.create_batch(4)
    pairs = [consumer_client(user) for user in users]
    refresh_tokens = [
        consumer_client(user).post(
            "/api/v1/auth/login", {"username": user.username, "password": DEFAULT_PASSWORD}
        )
        for user in users
    ]
    assert {r.status_code for r in refresh_tokens} == {200}, refresh_tokens[0].content
    anonymous = consumer_client(users[0])
    anonymous.credentials()

    responses = run_together(
        [
            post(anonymous, "/api/v1/auth/refresh", {"refresh_token": r.json()["refresh_token"]})
            for r in refresh_tokens
        ]
        + [post(client, "/api/v1/me/addresses", BOOK_ADDRESS) for client in pairs for _ in range(2)]
    )

    assert statuses(responses) == {200: 4, 201: 8}, [getattr(r, "content", r) for r in responses]
    for user in users:  # the first address a person adds is their default, exactly once
        assert ShippingAddress.objects.filter(user=user, is_default=True).count() == 1


def test_two_tabs_refreshing_one_session_at_once_both_stay_signed_in():
    """Both tabs' reloads send the same cookie; the second refresh finds the token just
    rotated by the first and is answered as a lost answer, not a theft."""
    user = UserFactory()
    login = consumer_client(user).post(
        "/api/v1/auth/login", {"username": user.username, "password": DEFAULT_PASSWORD}
    )
    anonymous = consumer_client(user)
    anonymous.credentials()
    same_token = {"refresh_token": login.json()["refresh_token"]}

    responses = run_together([post(anonymous, "/api/v1/auth/refresh", same_token)] * 2)

    assert statuses(responses) == {200: 2}, [getattr(r, "content", r) for r in responses]
    family = RefreshToken.objects.get(token=same_token["refresh_token"]).token_family
    assert RefreshToken.objects.filter(token_family=family, revoked__isnull=True).count() == 1


def test_likes_and_comments_on_one_moment_at_once():
    author, *friends = UserFactory.create_batch(7)
    befriend(author, *friends)
    moment = social_services.moment_create(actor=author, text="Sunset", visibility="contacts")
    clients = [consumer_client(friend) for friend in friends]

    responses = run_together(
        [post(c, f"/api/v1/moments/{moment.pk}/likes") for c in clients]
        + [post(c, f"/api/v1/moments/{moment.pk}/comments", {"text": "Lovely"}) for c in clients]
    )

    assert statuses(responses) == {201: 12}
    assert MomentLike.objects.filter(moment=moment).count() == 6
    assert MomentComment.objects.filter(moment=moment).count() == 6


def test_a_brand_edits_its_catalogue_and_segments_while_buyers_browse():
    shop = world()
    owner = consumer_client(shop.owner)
    brand_id = shop.shop.brand_id
    product_path = f"/api/v1/shops/{shop.shop.pk}/products/{shop.product.pk}"
    segments_path = f"/api/v1/loyalty/brands/{brand_id}/segments"
    buyers = [consumer_client(user) for user in UserFactory.create_batch(3)]

    responses = run_together(
        [
            lambda n=n: owner.patch(product_path, {"title": f"Silk scarf {n}"}, format="json")
            for n in range(3)
        ]
        + [
            post(owner, segments_path, {"name": f"Big spenders {n}", "filters": {"min_spend": n}})
            for n in range(3)
        ]
        + [lambda: owner.get(segments_path) for _ in range(2)]
        + [lambda b=b: b.get(f"/api/v1/shops/{shop.shop.pk}/products") for b in buyers]
    )

    assert statuses(responses) == {200: 8, 201: 3}, [getattr(r, "content", r) for r in responses]
    assert Segment.objects.filter(brand_id=brand_id).count() == 3
