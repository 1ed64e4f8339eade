from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from superapp.accounts.models import User
from superapp.accounts.selectors import user_by_username
from superapp.core.api import SelectorListView, validated
from superapp.core.pagination import CursorPage
from superapp.social import selectors, services
from superapp.social.api.serializers import (
    CommentInput,
    CommentOutput,
    ContactRequestInput,
    ContactRequestOutput,
    CreatedOutput,
    MomentInput,
    MomentOutput,
    PublicUserSerializer,
    QrOutput,
    UserLookupOutput,
    UserLookupQuery,
    UsernameInput,
    moments_media,
)
from superapp.social.models import ContactRequest, Moment


def _visible_user(viewer, username: str) -> User:
    return selectors.visible_user(viewer=viewer, user=user_by_username(username))


class ContactRequestsView(SelectorListView):
    """Pending requests sent to the caller (GET) and sending one (POST)."""

    model = ContactRequest
    serializer_class = ContactRequestOutput

    @staticmethod
    def selector(request):
        return selectors.incoming_requests(user=request.user)

    @extend_schema(
        request=ContactRequestInput, responses={201: ContactRequestOutput}, tags=["contacts"]
    )
    def post(self, request):
        data = validated(ContactRequestInput, request.data)
        contact_request = services.contact_request_send(
            actor=request.user,
            to=_visible_user(request.user, data["to"]),
            message=data["message"],
        )
        return Response(ContactRequestOutput(contact_request).data, status=status.HTTP_201_CREATED)


class ContactRequestAcceptView(APIView):
    @extend_schema(request=None, responses={200: ContactRequestOutput}, tags=["contacts"])
    def post(self, request, pk: int):
        accepted = services.contact_request_accept(actor=request.user, request_id=pk)
        return Response(ContactRequestOutput(accepted).data)


class ContactRequestDeclineView(APIView):
    @extend_schema(request=None, responses={200: ContactRequestOutput}, tags=["contacts"])
    def post(self, request, pk: int):
        declined = services.contact_request_decline(actor=request.user, request_id=pk)
        return Response(ContactRequestOutput(declined).data)


class ByUsernamePage(CursorPage):
    ordering = "username"


@extend_schema_view(get=extend_schema(tags=["contacts"]))
class ContactListView(SelectorListView):
    model = User
    serializer_class = PublicUserSerializer
    pagination_class = ByUsernamePage

    @staticmethod
    def selector(request):
        return selectors.contacts_of(user=request.user)


class ContactDetailView(APIView):
    @extend_schema(request=None, responses={204: None}, tags=["contacts"])
    def delete(self, request, username: str):
        services.contact_remove(actor=request.user, contact=user_by_username(username))
        return Response(status=status.HTTP_204_NO_CONTENT)


class BlocksView(APIView):
    @extend_schema(request=UsernameInput, responses={201: PublicUserSerializer}, tags=["contacts"])
    def post(self, request):
        data = validated(UsernameInput, request.data)
        blocked = user_by_username(data["username"])
        services.block_create(actor=request.user, user=blocked)
        return Response(PublicUserSerializer(blocked).data, status=status.HTTP_201_CREATED)


class BlockDetailView(APIView):
    @extend_schema(request=None, responses={204: None}, tags=["contacts"])
    def delete(self, request, username: str):
        services.block_delete(actor=request.user, user=user_by_username(username))
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserLookupView(APIView):
    """Find a user by username or by the token of their personal QR code."""

    @extend_schema(
        parameters=[
            OpenApiParameter("username", str, required=False),
            OpenApiParameter("qr", str, required=False, description="Token from a QR code."),
        ],
        responses={200: UserLookupOutput},
        tags=["contacts"],
    )
    def get(self, request):
        query = validated(UserLookupQuery, request.query_params)
        if "qr" in query:
            found = selectors.user_for_qr_token(viewer=request.user, token=query["qr"])
        else:
            found = selectors.user_findable_by_username(
                viewer=request.user, user=user_by_username(query["username"])
            )
        return Response(UserLookupOutput(found, context={"viewer": request.user}).data)


class MyQrView(APIView):
    @extend_schema(request=None, responses={200: QrOutput}, tags=["contacts"])
    def get(self, request):
        payload = selectors.qr_payload_for(user=request.user)
        return Response(
            {
                "token": payload.removeprefix(selectors.QR_URI_PREFIX),
                "payload": payload,
                "png_url": request.build_absolute_uri(reverse("my-qr-png")),
            }
        )


class MyQrPngView(APIView):
    @extend_schema(
        request=None, responses={(200, "image/png"): OpenApiTypes.BINARY}, tags=["contacts"]
    )
    def get(self, request):
        return HttpResponse(selectors.qr_png_for(user=request.user), content_type="image/png")


class MomentsView(APIView):
    @extend_schema(request=MomentInput, responses={201: CreatedOutput}, tags=["moments"])
    def post(self, request):
        data = validated(MomentInput, request.data)
        fields = data
        moment = services.moment_create(
            actor=request.user,
            text=fields["text"],
            images=fields["images"],
            product=fields["product"],
            visibility=fields["visibility"],
            audience=[user_by_username(name) for name in fields["audience"]],
        )
        return Response({"id": moment.pk}, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(tags=["moments"]))
class MomentFeedView(SelectorListView):
    """Moments of the caller and their contacts, newest first, cursor-paginated."""

    model = Moment
    serializer_class = MomentOutput

    def get_serializer(self, *args, **kwargs):
        if args:  # the page: its uploads are described in one query
            kwargs["context"] = {**self.get_serializer_context(), "media": moments_media(args[0])}
        return super().get_serializer(*args, **kwargs)

    @staticmethod
    def selector(request):
        return selectors.moments_feed(viewer=request.user)


class MomentDetailView(APIView):
    @extend_schema(request=None, responses={200: MomentOutput}, tags=["moments"])
    def get(self, request, pk: int):
        moment = selectors.moment_for_viewer(
            viewer=request.user, moment_id=pk, with_interactions=True
        )
        return Response(MomentOutput(moment).data)

    @extend_schema(request=None, responses={204: None}, tags=["moments"])
    def delete(self, request, pk: int):
        services.moment_delete(actor=request.user, moment_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MomentLikesView(APIView):
    @extend_schema(request=None, responses={201: None}, tags=["moments"])
    def post(self, request, pk: int):
        services.moment_like(actor=request.user, moment_id=pk)
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None}, tags=["moments"])
    def delete(self, request, pk: int):
        services.moment_unlike(actor=request.user, moment_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MomentCommentsView(APIView):
    @extend_schema(request=CommentInput, responses={201: CommentOutput}, tags=["moments"])
    def post(self, request, pk: int):
        data = validated(CommentInput, request.data)
        comment = services.moment_comment(actor=request.user, moment_id=pk, text=data["text"])
        return Response(CommentOutput(comment).data, status=status.HTTP_201_CREATED)
