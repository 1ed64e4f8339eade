"""A realistic world for the authorization matrix: everything belongs to one consumer (alice)
and her brand, organisation and mini-program, so every path parameter names a real object
and the other roles are strangers to it."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from loyalty import selectors as loyalty_selectors
from loyalty import services as loyalty_services
from miniprograms import services as mp_services
from miniprograms.live import services as live_services
from miniprograms.live.models import Comment
from miniprograms.models import ShareLink
from miniprograms.shop import services as shop_services
from payments import services as pay_services
from payments.models import GatewayOrder
from superapp.media import services as media_services
from superapp.official import services as official_services
from superapp.social import services as social_services
from superapp.teams import services as teams_services
from superapp.webhooks.models import WebhookDelivery
from superapp.webhooks.services import webhook_enqueue
from tests.factories import UserFactory
from tests.helpers import app_server_token, consumer_client
from tests.loyalty.factories import PROGRAM_DEFAULTS, TIERS
from tests.miniprograms.factories import bundle_bytes, developer_app, manifest, release
from tests.miniprograms.shop.factories import ADDRESS, after_commit, checkout, pay, product_factory
from tests.payments.factories import PIN, fund, pay_order
from tests.redpackets.factories import red_packet
from tests.superapp.media.samples import image_bytes
from tests.superapp.messaging.factories import direct_chat, group_chat, send_text
from tests.superapp.official.factories import StaffUserFactory
from tests.superapp.social.factories import befriend

ROLES = (
    "anonymous",
    "consumer",
    "other_consumer",
    "brand_associate",
    "other_brand_admin",
    "other_app",
    "staff",
)
DOWN_URL = "http://127.0.0.1:9/hook"  # nothing listens: deliveries are logged as failed


@dataclass
class World:
    clients: dict
    params: dict
    alice: object


def build_world() -> World:
    alice, bob, mallory, dave = UserFactory.create_batch(4)
    pay_services.pin_set(actor=alice, pin=PIN)
    fund(alice, 50_000)
    befriend(alice, bob)
    conversation, _, _ = direct_chat(alice, bob)
    message = send_text(conversation, alice, client_msg_id="m-1")
    moment = social_services.moment_create(actor=alice, text="Hello")
    avatar = media_services.media_upload(actor=alice, purpose="avatar", data=image_bytes())
    upload_session = media_services.media_upload_start(actor=alice, purpose="chat", size=3)
    request = social_services.contact_request_send(actor=dave, to=alice)
    address = mp_services.address_add(
        user=alice,
        recipient="Alice",
        phone="+33100000000",
        line1="1 rue",
        city="Paris",
        postal_code="75001",
        country="FR",
    )

    staff = StaffUserFactory()
    brand = official_services.brand_create(actor=alice, name="Maison Alice")
    brand = official_services.brand_verify(actor=staff, brand=brand)
    official_services.brand_callback_set(actor=alice, brand_id=brand.pk, url=DOWN_URL)
    account = official_services.account_create(
        actor=alice, brand_id=brand.pk, name="Alice News", kind="service"
    )
    official_services.account_follow(user=bob, account_id=account.pk)
    with after_commit():  # handled now, before the brand has an associate: bob stays unassigned
        official_services.service_message_send(user=bob, account_id=account.pk, text="Hi")
    associate = UserFactory()
    official_services.brand_member_add(
        actor=alice, brand_id=brand.pk, user=associate, role="associate"
    )
    reply = official_services.keyword_reply_create(
        actor=alice, account_id=account.pk, keyword="hours", match="exact", reply="9-5"
    )
    canned = official_services.canned_reply_create(
        actor=alice, brand_id=brand.pk, title="Hours", text="We open at 9."
    )
    other_admin = UserFactory()
    other_brand = official_services.brand_create(actor=UserFactory(), name="Other brand")
    official_services.brand_member_add(
        actor=other_brand.members.get().user,
        brand_id=other_brand.pk,
        user=other_admin,
        role="admin",
    )

    miniprogram, _, _ = developer_app(owner=alice, name="Alice Coffee")
    organisation = miniprogram.organisation
    release(miniprogram, alice, version="1.0.0")
    pending = mp_services.version_upload(
        actor=alice,
        app_id=miniprogram.app_id,
        version="1.1.0",
        bundle=bundle_bytes(manifest(scopes=[])),
    )
    mp_services.organisation_membership_set(
        organisation_id=organisation.pk, user_id=bob.pk, role="developer"
    )
    member = organisation.members.get(user=bob)
    # A pending invitation of alice's brand (revoked as the matrix goes), and one to alice.
    invited = teams_services.invitation_create(
        actor=alice, kind="brand", team_id=brand.pk, username=dave.username, role="associate"
    )
    to_alice = teams_services.invitation_create(
        actor=other_brand.members.get(role="owner").user,
        kind="brand",
        team_id=other_brand.pk,
        username=alice.username,
        role="admin",
    )
    mp_services.tester_add(actor=alice, app_id=miniprogram.app_id, user=bob)
    mp_services.consent_grant(user=alice, miniprogram=miniprogram, scope="profile")
    mp_services.subscription_accept(
        user=alice, app_id=miniprogram.app_id, templates=[], always=["order_ready"]
    )
    link = mp_services.share_link_create(
        base_url="http://testserver",
        actor=alice,
        app_id=miniprogram.app_id,
        path="pages/index",
        query="a=1",
    )
    openid = mp_services.identity_for(miniprogram=miniprogram, user=alice).openid
    order = pay_order(miniprogram, alice, 1500, notify_url=DOWN_URL)

    other_app, other_secret, _ = developer_app(name="Stranger app")
    webhook_enqueue(
        owner=f"app:{miniprogram.app_id}", url=DOWN_URL, secret="s", event_type="t", data={}
    )

    shop = shop_world(alice, brand)
    live = live_world(alice, brand, shop)
    loyalty = loyalty_world(alice, brand, bob)
    group, _, _ = group_chat(owner=alice, members=2)
    packet = red_packet(alice, group)

    def consumer(user):
        return consumer_client(user)

    app_client = APIClient()
    app_client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {app_server_token(other_app, other_secret, 'pay')}"
    )
    clients = {
        "anonymous": APIClient(),
        "consumer": consumer(alice),
        "other_consumer": consumer(mallory),
        "brand_associate": consumer(associate),
        "other_brand_admin": consumer(other_admin),
        "other_app": app_client,
        "staff": consumer(staff),
    }
    delivery_brand = WebhookDelivery.objects.filter(owner=f"brand:{brand.pk}").first()
    delivery_app = WebhookDelivery.objects.filter(owner=f"app:{miniprogram.app_id}").first()
    params = {
        "brand_id": brand.pk,
        "brand_delivery_id": delivery_brand.pk if delivery_brand else 0,
        "app_delivery_id": delivery_app.pk if delivery_app else 0,
        "username": bob.username,
        "contact_request_id": request.pk,
        "conversation_id": conversation.pk,
        "message_id": message.pk,
        "moment_id": moment.pk,
        "media_id": avatar.pk,
        "upload_id": upload_session.pk,
        "app_id": miniprogram.app_id,
        "version_id": pending.pk,
        "organisation_id": organisation.pk,
        "member_id": member.pk,
        "kind": "brand",  # /teams/{kind}/{team_id}/…: alice's brand
        "user_id": associate.pk,
        "invitation_id": invited.pk,
        "my_invitation_id": to_alice.pk,
        "address_id": address.pk,
        "scope": "profile",
        "template": "order_ready",
        "code": ShareLink.objects.get(miniprogram=miniprogram).code if link else "",
        "openid": openid,
        "account_id": account.pk,
        "reply_id": reply.pk,
        "canned_reply_id": canned.pk,
        "prepay_id": order.prepay_id,
        "day": date.today().isoformat(),
        "service_conversation_id": account.service_conversations.get().pk,
        "reference": GatewayOrder.objects.filter(user=alice).first().reference,
        "red_packet_id": packet.pk,
        "group_id": group.pk,
        "associate": associate.username,
        **shop,
        **loyalty,
        **live,
    }
    return World(clients=clients, params=params, alice=alice)


def shop_world(alice, brand) -> dict:
    """Alice's brand sells (a published product with a team-buy tier, a collection, a coupon,
    a share link); alice buys from it: a cart line, a created order, a paid one, a delivered one
    she reviewed and asks a refund for, and a team she opened."""
    shop = shop_services.shop_enable(actor=alice, brand_id=brand.pk)
    collection = shop_services.collection_create(actor=alice, shop_id=shop.pk, title="Scarves")
    product, sku = product_factory(
        shop, price=2500, stock=50, team_tiers=[{"size": 2, "discount_percent": 10}]
    )
    coupon = shop_services.coupon_create(
        actor=alice, shop_id=shop.pk, code="WELCOME", kind="percent", value=10
    )
    catalogue_import = shop_services.catalogue_import_start(actor=alice, shop_id=shop.pk, rows=[])
    link = shop_services.share_link_create(actor=alice, shop_id=shop.pk, product_id=product.pk)
    shop_services.cart_item_set(actor=alice, shop_id=shop.pk, sku_id=sku.pk, quantity=1)
    created = checkout(alice, sku)
    paid = checkout(alice, sku)
    pay(paid)
    delivered = checkout(alice, sku)
    pay(delivered)
    shop_services.order_ship(
        actor=alice, shop_id=shop.pk, order_id=delivered.pk, carrier="DHL", tracking_number="1"
    )
    shop_services.order_deliver(actor=alice, shop_id=shop.pk, order_id=delivered.pk)
    review = shop_services.review_create(
        actor=alice, line_id=delivered.lines.get().pk, rating=5, text="Lovely"
    )
    refund = shop_services.refund_request_create(
        actor=alice, order_id=delivered.pk, amount=None, note="changed my mind"
    )
    team_order = shop_services.team_open(
        actor=alice,
        shop_id=shop.pk,
        product_id=product.pk,
        sku_id=sku.pk,
        quantity=1,
        shipping_address=ADDRESS,
    )
    return {
        "shop_id": shop.pk,
        "collection_id": collection.pk,
        "product_id": product.pk,
        "sku_id": sku.pk,
        "order_id": created.pk,
        "paid_order_id": paid.pk,
        "request_id": refund.pk,
        "review_id": review.pk,
        "team_id": team_order.team_id,
        "share_code": link.code,
        "line_id": delivered.lines.get().pk,
        "coupon_id": coupon.pk,
        "import_id": catalogue_import.pk,
    }


def live_world(alice, brand, shop: dict) -> dict:
    """Alice hosts a live show of her brand: live, her product pinned, a flash deal counting
    down (nobody can buy yet), and a viewer's comment."""
    show = live_services.show_create(
        actor=alice,
        brand_id=brand.pk,
        title="Autumn live",
        stream_url="https://stream.example/live.m3u8",
        starts_at=timezone.now() + timedelta(hours=1),
        host=alice.username,
        product_ids=[shop["product_id"]],
    )
    live_services.show_start(actor=alice, show_id=show.pk)
    live_services.pin_set(actor=alice, show_id=show.pk, product_id=shop["product_id"])
    deal = live_services.deal_start(
        actor=alice,
        show_id=show.pk,
        sku_id=shop["sku_id"],
        price=1900,
        quantity=10,
        per_buyer_limit=2,
        countdown_seconds=300,
        window_minutes=5,
    )
    comment = Comment.objects.create(
        show=show, public_id="c0ffee", user=alice, text="Hello", created_at=timezone.now()
    )
    return {
        "show_id": show.pk,
        "deal_id": deal.pk,
        "comment_id": comment.public_id,
        "restriction_kind": "mute",
    }


def loyalty_world(alice, brand, bob) -> dict:
    """Alice's brand runs a program with a reward; alice holds its member card; bob (who
    follows the brand) is a client with a tag, a note and a follow-up task; a segment."""
    program_rules = {**PROGRAM_DEFAULTS, "tiers": TIERS}
    loyalty_services.program_create(actor=alice, brand_id=brand.pk, **program_rules)
    reward = loyalty_services.reward_create(
        actor=alice,
        brand_id=brand.pk,
        name="5 off",
        points_cost=100,
        coupon_kind="fixed",
        coupon_value=500,
    )
    member = loyalty_services.membership_join(actor=alice, brand_id=brand.pk)
    client = loyalty_services.client_follow(brand_id=brand.pk, user_id=bob.pk)
    tag = loyalty_services.client_tag_add(
        actor=alice, brand_id=brand.pk, client_id=client.pk, name="VIP", personal=False
    )
    loyalty_services.client_note_add(
        actor=alice, brand_id=brand.pk, client_id=client.pk, body="Likes silk"
    )
    task = loyalty_services.follow_up_create(
        actor=alice,
        brand_id=brand.pk,
        client_id=client.pk,
        title="Call back",
        due_at=timezone.now() + timedelta(days=1),
    )
    segment = loyalty_services.segment_create(
        actor=alice, brand_id=brand.pk, name="VIPs", filters={"tags": [tag.pk]}
    )
    return {
        "reward_id": reward.pk,
        "client_id": client.pk,
        "tag_id": tag.pk,
        "task_id": task.pk,
        "segment_id": segment.pk,
        "card": loyalty_selectors.card_payload(member),
    }
