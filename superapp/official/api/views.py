"""Thin HTTP layer of the official app: validate, call one service or selector, shape output."""

import base64
from datetime import datetime

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from superapp.accounts.selectors import user_by_username
from superapp.core.api import (
    SelectorListView,
    WebhookDeliveryOutput,
    validated,
)
from superapp.core.errors import InvalidInput
from superapp.core.idempotency import run_idempotent
from superapp.core.pagination import CursorPage, page_end
from superapp.core.permissions import IsPlatformStaff
from superapp.official import selectors, services
from superapp.official.api import serializers as s
from superapp.official.models import (
    Article,
    Brand,
    BrandAuditEntry,
    Broadcast,
    CannedReply,
    KeywordReply,
    OfficialAccount,
    ServiceConversation,
    ServiceMessage,
)
from superapp.official.selectors import MANAGERS, STAFF, brand_for_member

BRANDS, ACCOUNTS, SERVICE = ["brands"], ["official-accounts"], ["customer-service"]


class InboxPage(CursorPage):
    ordering = ("-last_message_at", "-id")


# --- Brands -----------------------------------------------------------------------------------


@extend_schema_view(get=extend_schema(tags=BRANDS, summary="Brands the caller is a member of"))
class BrandListCreateView(SelectorListView):
    model = Brand
    serializer_class = s.BrandOutput

    @staticmethod
    def selector(request):
        return selectors.brands_for_user(user=request.user).order_by("-id")

    @extend_schema(request=s.BrandCreateInput, responses={201: s.BrandOutput}, tags=BRANDS)
    def post(self, request):
        data = validated(s.BrandCreateInput, request.data)
        brand = services.brand_create(actor=request.user, **data)
        return Response(s.BrandOutput(brand).data, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(tags=BRANDS))
class BrandAuditLogView(SelectorListView):
    """Who changed what, when — visible to the brand's owner and admins."""

    model = BrandAuditEntry
    serializer_class = s.AuditEntryOutput

    @staticmethod
    def selector(request, brand_id):
        brand = brand_for_member(brand_id=brand_id, user=request.user, roles=MANAGERS)
        return selectors.brand_audit_log(brand=brand)


class BrandCallbackView(APIView):
    @extend_schema(
        request=s.CallbackInput,
        responses={200: s.CallbackOutput},
        tags=BRANDS,
        summary="Register the brand's developer server (returns a new signing secret)",
    )
    def put(self, request, brand_id: int):
        data = validated(s.CallbackInput, request.data)
        callback = services.brand_callback_set(
            actor=request.user, brand_id=brand_id, url=data["url"]
        )
        return Response(s.CallbackOutput(callback).data)

    @extend_schema(responses={204: None}, tags=BRANDS)
    def delete(self, request, brand_id: int):
        services.brand_callback_remove(actor=request.user, brand_id=brand_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(get=extend_schema(tags=BRANDS))
class BrandDeliveriesView(SelectorListView):
    """The server-push delivery log: every event and each attempt to POST it."""

    model = "webhooks.WebhookDelivery"
    serializer_class = WebhookDeliveryOutput

    @staticmethod
    def selector(request, brand_id):
        brand = brand_for_member(brand_id=brand_id, user=request.user, roles=MANAGERS)
        return selectors.brand_deliveries(brand=brand)


class BrandDeliveryResendView(APIView):
    @extend_schema(request=None, responses={202: WebhookDeliveryOutput}, tags=BRANDS)
    def post(self, request, brand_id: int, delivery_id: int):
        delivery = services.brand_delivery_resend(
            actor=request.user, brand_id=brand_id, delivery_id=delivery_id
        )
        return Response(WebhookDeliveryOutput(delivery).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(get=extend_schema(parameters=[s.InboxQuery], tags=SERVICE))
class BrandInboxView(SelectorListView):
    """The shared customer-service inbox of all the brand's accounts, most recently active
    conversation first."""

    model = ServiceConversation
    serializer_class = s.ServiceConversationOutput
    pagination_class = InboxPage

    @staticmethod
    def selector(request, brand_id):
        query = validated(s.InboxQuery, request.query_params)
        brand = brand_for_member(brand_id=brand_id, user=request.user, roles=STAFF)
        return selectors.brand_inbox(
            brand=brand, user=request.user, status=query["status"], follower=query.get("follower")
        )


@extend_schema_view(get=extend_schema(tags=SERVICE, summary="The brand's canned replies"))
class BrandCannedRepliesView(SelectorListView):
    """Ready-made answers: every member of the brand reads them, managers write them."""

    model = CannedReply
    serializer_class = s.CannedReplyOutput

    @staticmethod
    def selector(request, brand_id):
        brand = brand_for_member(brand_id=brand_id, user=request.user, roles=STAFF)
        return selectors.canned_replies_for(brand=brand)

    @extend_schema(request=s.CannedReplyInput, responses={201: s.CannedReplyOutput}, tags=SERVICE)
    def post(self, request, brand_id: int):
        data = validated(s.CannedReplyInput, request.data)
        reply = services.canned_reply_create(actor=request.user, brand_id=brand_id, **data)
        return Response(s.CannedReplyOutput(reply).data, status=status.HTTP_201_CREATED)


class CannedReplyDetailView(APIView):
    @extend_schema(
        request=s.CannedReplyUpdateInput, responses={200: s.CannedReplyOutput}, tags=SERVICE
    )
    def patch(self, request, brand_id: int, canned_reply_id: int):
        data = validated(s.CannedReplyUpdateInput, request.data)
        reply = services.canned_reply_update(
            actor=request.user, brand_id=brand_id, reply_id=canned_reply_id, **data
        )
        return Response(s.CannedReplyOutput(reply).data)

    @extend_schema(responses={204: None}, tags=SERVICE)
    def delete(self, request, brand_id: int, canned_reply_id: int):
        services.canned_reply_delete(
            actor=request.user, brand_id=brand_id, reply_id=canned_reply_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class BrandVerificationRequestView(APIView):
    """The owner asks platform staff to verify the brand."""

    @extend_schema(
        request=None,
        responses={200: s.BrandOutput},
        tags=BRANDS,
        summary="Ask for verification (owner; 409 brand_already_verified)",
    )
    def post(self, request, brand_id: int):
        brand = services.brand_verification_request(actor=request.user, brand_id=brand_id)
        return Response(s.BrandOutput(brand).data)


@extend_schema_view(get=extend_schema(tags=BRANDS, summary="The brand's own official accounts"))
class BrandAccountsView(SelectorListView):
    """The brand's accounts with their follower counts: the workspace's starting point."""

    model = OfficialAccount
    serializer_class = s.AccountOutput

    @staticmethod
    def selector(request, brand_id):
        brand = brand_for_member(brand_id=brand_id, user=request.user, roles=STAFF)
        return selectors.accounts_of_brand(brand=brand)


@extend_schema_view(get=extend_schema(parameters=[s.StaffBrandsQuery], tags=["staff"]))
class StaffBrandsView(SelectorListView):
    """Platform staff: the brands awaiting verification (or, ``?verified=true``, the verified
    ones), newest first."""

    permission_classes = [IsPlatformStaff]
    model = Brand
    serializer_class = s.BrandOutput

    @staticmethod
    def selector(request):
        query = validated(s.StaffBrandsQuery, request.query_params)
        return selectors.brands_by_verification(verified=query["verified"])


class StaffBrandVerificationView(APIView):
    """Platform staff verify a brand (or revoke it)."""

    permission_classes = [IsPlatformStaff]

    @extend_schema(request=None, responses={200: s.BrandOutput}, tags=["staff"])
    def post(self, request, brand_id: int):
        brand = services.brand_verify(
            actor=request.user, brand=selectors.brand_get(brand_id=brand_id)
        )
        return Response(s.BrandOutput(brand).data)

    @extend_schema(responses={200: s.BrandOutput}, tags=["staff"])
    def delete(self, request, brand_id: int):
        brand = services.brand_verification_revoke(
            actor=request.user, brand=selectors.brand_get(brand_id=brand_id)
        )
        return Response(s.BrandOutput(brand).data)


# --- Official accounts ------------------------------------------------------------------------


def _profile(account_id: int, user):
    account = selectors.account_get(account_id=account_id)
    account.following = selectors.follow_of(account=account, user=user) is not None
    return account


@extend_schema_view(
    get=extend_schema(
        tags=ACCOUNTS,
        summary="Accounts the caller follows",
        operation_id="official_accounts_followed",
    )
)
class AccountListCreateView(SelectorListView):
    """The accounts the caller follows; with ``?discover=true`` those of verified brands."""

    model = OfficialAccount
    serializer_class = s.AccountOutput

    @staticmethod
    def selector(request):
        if request.query_params.get("discover") == "true":
            return selectors.accounts_of_verified_brands()
        return selectors.accounts_followed_by(user=request.user)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "discover",
                bool,
                description="true: the accounts of verified brands instead of followed ones.",
            )
        ],
        tags=ACCOUNTS,
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=s.AccountCreateInput, responses={201: s.AccountOutput}, tags=ACCOUNTS)
    def post(self, request):
        data = validated(s.AccountCreateInput, request.data)
        fields = dict(data)
        account = services.account_create(
            actor=request.user, brand_id=fields.pop("brand"), **fields
        )
        return Response(
            s.AccountOutput(selectors.account_get(account_id=account.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class AccountDetailView(APIView):
    @extend_schema(responses={200: s.ProfileOutput}, tags=ACCOUNTS, summary="Profile page")
    def get(self, request, account_id: int):
        return Response(s.ProfileOutput(_profile(account_id, request.user)).data)

    @extend_schema(
        request=s.AccountUpdateInput,
        responses={200: s.AccountOutput},
        tags=ACCOUNTS,
        summary="Edit the profile: name, description, avatar",
    )
    def patch(self, request, account_id: int):
        data = validated(s.AccountUpdateInput, request.data)
        services.account_update(actor=request.user, account_id=account_id, **data)
        return Response(s.AccountOutput(selectors.account_get(account_id=account_id)).data)

    @extend_schema(responses={204: None}, tags=ACCOUNTS)
    def delete(self, request, account_id: int):
        services.account_delete(actor=request.user, account_id=account_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AccountMenuView(APIView):
    @extend_schema(request=s.MenuInput, responses={200: s.AccountOutput}, tags=ACCOUNTS)
    def put(self, request, account_id: int):
        data = validated(s.MenuInput, request.data)
        services.account_menu_set(actor=request.user, account_id=account_id, menu=data["menu"])
        return Response(s.AccountOutput(selectors.account_get(account_id=account_id)).data)


class AccountFollowView(APIView):
    def _answer(self, account_id: int, user) -> Response:
        account = _profile(account_id, user)
        return Response(
            s.FollowOutput(
                {"following": account.following, "follower_count": account.follower_count}
            ).data
        )

    @extend_schema(request=None, responses={200: s.FollowOutput}, tags=ACCOUNTS)
    def post(self, request, account_id: int):
        services.account_follow(user=request.user, account_id=account_id)
        return self._answer(account_id, request.user)

    @extend_schema(responses={200: s.FollowOutput}, tags=ACCOUNTS)
    def delete(self, request, account_id: int):
        services.account_unfollow(user=request.user, account_id=account_id)
        return self._answer(account_id, request.user)


@extend_schema_view(
    get=extend_schema(tags=ACCOUNTS, summary="The profile page's articles (public)")
)
class AccountArticlesView(SelectorListView):
    model = Article
    serializer_class = s.ArticleOutput

    @staticmethod
    def selector(request, account_id):
        account = selectors.account_get(account_id=account_id)
        return selectors.articles_for_account(account=account)

    @extend_schema(request=s.ArticleInput, responses={201: s.ArticleOutput}, tags=ACCOUNTS)
    def post(self, request, account_id: int):
        data = validated(s.ArticleInput, request.data)
        article = services.article_create(actor=request.user, account_id=account_id, **data)
        return Response(s.ArticleOutput(article).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        tags=ACCOUNTS,
        summary="An account's broadcasts: all for brand staff, since the follow for followers",
    )
)
class AccountBroadcastsView(SelectorListView):
    model = Broadcast
    serializer_class = s.BroadcastOutput

    @staticmethod
    def selector(request, account_id):
        account = selectors.account_get(account_id=account_id)
        broadcasts = selectors.broadcasts_visible_to(account=account, user=request.user)
        return broadcasts.select_related("account")

    @extend_schema(
        request=s.BroadcastInput,
        responses={201: s.BroadcastOutput},
        tags=ACCOUNTS,
        summary="Publish to every follower (429 broadcast_quota_exceeded past the quota)",
        parameters=[
            OpenApiParameter(
                "Idempotency-Key", str, OpenApiParameter.HEADER, description="Retry safely."
            )
        ],
    )
    def post(self, request, account_id: int):
        data = validated(s.BroadcastInput, request.data)
        fields = dict(data)

        def publish() -> Response:
            broadcast = services.broadcast_publish(
                actor=request.user,
                account_id=account_id,
                title=fields["title"],
                body=fields["body"],
                links=fields["links"],
                article_id=fields.get("article"),
            )
            return Response(s.BroadcastOutput(broadcast).data, status=status.HTTP_201_CREATED)

        # A retried publish must not go out twice nor eat the quota twice.
        return run_idempotent(request, publish)


class AccountBroadcastQuotaView(APIView):
    @extend_schema(
        responses={200: s.BroadcastQuotaOutput},
        tags=ACCOUNTS,
        summary="Broadcasts left in the current day (subscription) or month (service)",
    )
    def get(self, request, account_id: int):
        account = selectors.account_for_member(
            account_id=account_id, user=request.user, roles=MANAGERS
        )
        return Response(s.BroadcastQuotaOutput(selectors.broadcast_quota(account=account)).data)


class AccountFollowerStatsView(APIView):
    @extend_schema(
        parameters=[s.FollowerStatsQuery],
        responses={200: s.FollowerStatsOutput},
        tags=ACCOUNTS,
        summary="The follower count at the end of each of the last `days` days (UTC)",
    )
    def get(self, request, account_id: int):
        query = validated(s.FollowerStatsQuery, request.query_params)
        account = selectors.account_for_member(
            account_id=account_id, user=request.user, roles=MANAGERS
        )
        series = selectors.follower_counts_per_day(account=account, days=query["days"])
        return Response(s.FollowerStatsOutput({"results": series}).data)


def _encode_feed_cursor(broadcast) -> str:
    raw = f"{broadcast.created_at.isoformat()}|{broadcast.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_feed_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        created_at, broadcast_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return datetime.fromisoformat(created_at), int(broadcast_id)
    except ValueError as exc:
        raise InvalidInput(fields={"cursor": ["Invalid cursor."]}) from exc


class FeedView(APIView):
    """The caller's official-accounts feed (fan-out on read), newest first."""

    @extend_schema(
        parameters=[
            OpenApiParameter("cursor", str, description="The `next` cursor of the last page."),
            OpenApiParameter("limit", int, description="Page size (1-100, default 20)."),
        ],
        responses={200: s.FeedOutput},
        tags=ACCOUNTS,
    )
    def get(self, request):
        query = validated(s.FeedQuery, request.query_params)
        cursor, limit = query.get("cursor"), query["limit"]
        broadcasts = selectors.feed_for_user(
            user=request.user,
            before=_decode_feed_cursor(cursor) if cursor else None,
            limit=limit,
        )
        return Response(
            {
                "results": s.BroadcastOutput(broadcasts, many=True).data,
                "next": page_end(broadcasts, size=limit, key=_encode_feed_cursor),
            }
        )


@extend_schema_view(get=extend_schema(tags=SERVICE))
class AccountKeywordRepliesView(SelectorListView):
    model = KeywordReply
    serializer_class = s.KeywordReplyOutput

    @staticmethod
    def selector(request, account_id):
        account = selectors.account_for_member(
            account_id=account_id, user=request.user, roles=STAFF
        )
        return selectors.keyword_replies_for(account=account)

    @extend_schema(request=s.KeywordReplyInput, responses={201: s.KeywordReplyOutput}, tags=SERVICE)
    def post(self, request, account_id: int):
        data = validated(s.KeywordReplyInput, request.data)
        rule = services.keyword_reply_create(actor=request.user, account_id=account_id, **data)
        return Response(s.KeywordReplyOutput(rule).data, status=status.HTTP_201_CREATED)


class KeywordReplyDetailView(APIView):
    @extend_schema(
        request=s.KeywordReplyUpdateInput, responses={200: s.KeywordReplyOutput}, tags=SERVICE
    )
    def patch(self, request, account_id: int, reply_id: int):
        data = validated(s.KeywordReplyUpdateInput, request.data)
        rule = services.keyword_reply_update(
            actor=request.user, account_id=account_id, reply_id=reply_id, **data
        )
        return Response(s.KeywordReplyOutput(rule).data)

    @extend_schema(responses={204: None}, tags=SERVICE)
    def delete(self, request, account_id: int, reply_id: int):
        services.keyword_reply_delete(actor=request.user, account_id=account_id, reply_id=reply_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Customer service -------------------------------------------------------------------------


@extend_schema_view(get=extend_schema(tags=SERVICE))
class AccountMessagesView(SelectorListView):
    """A follower's customer-service thread with the account."""

    model = ServiceMessage
    serializer_class = s.FollowerMessageOutput

    @staticmethod
    def selector(request, account_id):
        account = selectors.account_get(account_id=account_id)
        return selectors.follower_thread(account=account, user=request.user)

    @extend_schema(
        request=s.ServiceMessageInput, responses={201: s.FollowerMessageOutput}, tags=SERVICE
    )
    def post(self, request, account_id: int):
        data = validated(s.ServiceMessageInput, request.data)
        message = services.service_message_send(
            user=request.user, account_id=account_id, text=data["text"]
        )
        return Response(s.FollowerMessageOutput(message).data, status=status.HTTP_201_CREATED)


class ConversationDetailView(APIView):
    @extend_schema(
        responses={200: s.ServiceConversationOutput},
        tags=SERVICE,
        summary="One conversation of the brand's inbox (who holds it, its reply window)",
    )
    def get(self, request, conversation_id: int):
        conversation = selectors.conversation_for_inbox(
            conversation_id=conversation_id, user=request.user
        )
        return Response(s.ServiceConversationOutput(conversation).data)


class ConversationClaimView(APIView):
    @extend_schema(request=None, responses={200: s.ServiceConversationOutput}, tags=SERVICE)
    def post(self, request, conversation_id: int):
        conversation = services.conversation_claim(
            actor=request.user, conversation_id=conversation_id
        )
        return Response(s.ServiceConversationOutput(conversation).data)


class ConversationHandoverView(APIView):
    @extend_schema(
        request=s.HandoverInput,
        responses={200: s.ServiceConversationOutput},
        tags=SERVICE,
        summary="Hand the conversation to a colleague (audited)",
    )
    def post(self, request, conversation_id: int):
        data = validated(s.HandoverInput, request.data)
        conversation = services.conversation_handover(
            actor=request.user,
            conversation_id=conversation_id,
            to=user_by_username(data["username"]),
        )
        return Response(s.ServiceConversationOutput(conversation).data)


@extend_schema_view(get=extend_schema(tags=SERVICE))
class ConversationMessagesView(SelectorListView):
    model = ServiceMessage
    serializer_class = s.ServiceMessageOutput

    @staticmethod
    def selector(request, conversation_id):
        conversation = selectors.conversation_for_staff(
            conversation_id=conversation_id, user=request.user
        )
        messages = selectors.conversation_messages(conversation=conversation)
        return messages.select_related("sent_by")


class ConversationRepliesView(APIView):
    @extend_schema(
        request=s.ServiceMessageInput,
        responses={201: s.ServiceMessageOutput},
        tags=SERVICE,
        summary="Reply as the brand (422 service_window_closed outside the 48 h / 5 replies)",
    )
    def post(self, request, conversation_id: int):
        data = validated(s.ServiceMessageInput, request.data)
        message = services.service_reply_send(
            actor=request.user, conversation_id=conversation_id, text=data["text"]
        )
        return Response(s.ServiceMessageOutput(message).data, status=status.HTTP_201_CREATED)
