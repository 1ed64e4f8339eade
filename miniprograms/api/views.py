import base64
import binascii

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from miniprograms import links, selectors, services
from miniprograms.api import serializers as s
from miniprograms.selectors import InvalidClient
from superapp.accounts.selectors import user_by_username
from superapp.core import ratelimit
from superapp.core.api import SelectorListView, WebhookDeliveryOutput, validated
from superapp.core.pagination import page_of, paginate, single_page
from superapp.core.permissions import IsAddressReader, IsAppServer, IsPlatformStaff

DEV = ["miniprogram-developers"]
REVIEW = ["miniprogram-review"]
CONSUMER = ["miniprograms"]
APP_SERVER = ["miniprogram-open-api"]


# --- Developer: organisations ------------------------------------------------------------------


class OrganisationsView(APIView):
    @extend_schema(responses=page_of(s.MpOrganisationOutput), tags=DEV)
    def get(self, request):
        return paginate(
            self,
            request,
            selectors.organisations_for_user(user=request.user),
            s.MpOrganisationOutput,
        )

    @extend_schema(request=s.MpOrganisationInput, responses={201: s.MpOrganisationOutput}, tags=DEV)
    def post(self, request):
        data = validated(s.MpOrganisationInput, request.data)
        organisation = services.organisation_create(actor=request.user, name=data["name"])
        return Response(s.MpOrganisationOutput(organisation).data, status=status.HTTP_201_CREATED)


class OrganisationMembersView(APIView):
    """Members are invited, never added: POST /api/v1/teams/organisation/{id}/invitations."""

    @extend_schema(responses=page_of(s.MpMemberOutput), tags=DEV)
    def get(self, request, organisation_id: int):
        organisation = selectors.organisation_for_member(
            organisation_id=organisation_id, user=request.user
        )
        members = selectors.organisation_members(organisation=organisation)
        return paginate(self, request, members, s.MpMemberOutput)


# --- Developer: apps ---------------------------------------------------------------------------


class DevMiniProgramsView(APIView):
    @extend_schema(
        operation_id="dev_miniprograms_list", responses=page_of(s.MiniProgramOutput), tags=DEV
    )
    def get(self, request):
        return paginate(
            self, request, selectors.miniprograms_for_member(user=request.user), s.MiniProgramOutput
        )

    @extend_schema(
        request=s.MiniProgramCreateInput, responses={201: s.MiniProgramCreatedOutput}, tags=DEV
    )
    def post(self, request):
        data = validated(s.MiniProgramCreateInput, request.data)
        miniprogram, secret = services.miniprogram_create(
            actor=request.user,
            name=data["name"],
            organisation_id=data.get("organisation"),
            scopes=data["scopes"],
        )
        miniprogram.app_secret = secret
        return Response(
            s.MiniProgramCreatedOutput(miniprogram).data, status=status.HTTP_201_CREATED
        )


class DevMiniProgramView(APIView):
    @extend_schema(responses=s.MiniProgramOutput, tags=DEV)
    def get(self, request, app_id: str):
        miniprogram = selectors.miniprogram_for_member(app_id=app_id, user=request.user)
        return Response(s.MiniProgramOutput(miniprogram).data)

    @extend_schema(request=s.MiniProgramUpdateInput, responses=s.MiniProgramOutput, tags=DEV)
    def patch(self, request, app_id: str):
        data = validated(s.MiniProgramUpdateInput, request.data)
        miniprogram = services.miniprogram_update(actor=request.user, app_id=app_id, **data)
        return Response(s.MiniProgramOutput(miniprogram).data)


class SecretRotateView(APIView):
    @extend_schema(request=None, responses=s.MpSecretOutput, tags=DEV)
    def post(self, request, app_id: str):
        secret = services.miniprogram_secret_rotate(actor=request.user, app_id=app_id)
        return Response({"app_id": app_id, "app_secret": secret})


class TestersView(APIView):
    @extend_schema(responses=page_of(s.MpTesterOutput), tags=DEV)
    def get(self, request, app_id: str):
        miniprogram = selectors.miniprogram_for_member(app_id=app_id, user=request.user)
        testers = miniprogram.testers.select_related("user")
        return paginate(self, request, testers, s.MpTesterOutput)

    @extend_schema(request=s.MpTesterInput, responses={201: s.MpTesterOutput}, tags=DEV)
    def post(self, request, app_id: str):
        data = validated(s.MpTesterInput, request.data)
        tester = services.tester_add(
            actor=request.user, app_id=app_id, user=user_by_username(data["username"])
        )
        return Response(s.MpTesterOutput(tester).data, status=status.HTTP_201_CREATED)


class TesterView(APIView):
    @extend_schema(responses={204: None}, tags=DEV)
    def delete(self, request, app_id: str, username: str):
        services.tester_remove(actor=request.user, app_id=app_id, user=user_by_username(username))
        return Response(status=status.HTTP_204_NO_CONTENT)


class VersionsView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="dev_miniprograms_versions_list",
        responses=page_of(s.MpVersionOutput),
        tags=DEV,
    )
    def get(self, request, app_id: str):
        miniprogram = selectors.miniprogram_for_member(app_id=app_id, user=request.user)
        versions = selectors.versions_for_app(miniprogram=miniprogram).select_related("miniprogram")
        return paginate(self, request, versions, s.MpVersionOutput)

    @extend_schema(request=s.MpVersionUploadInput, responses={201: s.MpVersionOutput}, tags=DEV)
    def post(self, request, app_id: str):
        data = validated(s.MpVersionUploadInput, request.data)
        # never read more than one byte past the limit: enough for bundle_check to refuse it
        bundle = data["bundle"].read(settings.MINIPROGRAM_PACKAGE_MAX_BYTES + 1)
        version = services.version_upload(
            actor=request.user,
            app_id=app_id,
            version=data["version"],
            description=data["description"],
            bundle=bundle,
        )
        return Response(s.MpVersionOutput(version).data, status=status.HTTP_201_CREATED)


class VersionView(APIView):
    @extend_schema(responses=s.MpVersionOutput, tags=DEV)
    def get(self, request, app_id: str, version_id: int):
        version = selectors.version_for_member(
            app_id=app_id, version_id=version_id, user=request.user
        )
        return Response(s.MpVersionOutput(version).data)

    @extend_schema(responses={204: None}, tags=DEV)
    def delete(self, request, app_id: str, version_id: int):
        services.version_delete(actor=request.user, app_id=app_id, version_id=version_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class VersionActionView(APIView):
    """POST .../versions/{id}/trial | submit | release."""

    actions = {
        "trial": services.version_trial,
        "submit": services.version_submit,
        "release": services.version_release,
    }
    action = ""

    @extend_schema(request=None, responses=s.MpVersionOutput, tags=DEV)
    def post(self, request, app_id: str, version_id: int):
        version = self.actions[self.action](
            actor=request.user, app_id=app_id, version_id=version_id
        )
        return Response(s.MpVersionOutput(version).data)


class RollbackView(APIView):
    @extend_schema(request=None, responses=s.MpVersionOutput, tags=DEV)
    def post(self, request, app_id: str):
        version = services.miniprogram_rollback(actor=request.user, app_id=app_id)
        return Response(s.MpVersionOutput(version).data)


class EntryStatsView(APIView):
    @extend_schema(responses=page_of(s.MpEntryStatOutput), tags=DEV)
    def get(self, request, app_id: str):
        miniprogram = selectors.miniprogram_for_member(app_id=app_id, user=request.user)
        stats = selectors.entry_stats(miniprogram=miniprogram)
        return single_page(stats, s.MpEntryStatOutput)


class QuotasView(APIView):
    @extend_schema(responses=page_of(s.MpQuotaOutput), tags=DEV)
    def get(self, request, app_id: str):
        miniprogram = selectors.miniprogram_for_member(app_id=app_id, user=request.user)
        quotas = selectors.quota_usage(miniprogram=miniprogram)
        return single_page(quotas, s.MpQuotaOutput)


@extend_schema_view(get=extend_schema(tags=DEV))
class WebhookDeliveriesView(SelectorListView):
    """The notify-URL delivery log: every event and each attempt to POST it."""

    model = "webhooks.WebhookDelivery"
    serializer_class = WebhookDeliveryOutput

    @staticmethod
    def selector(request, app_id):
        miniprogram = selectors.miniprogram_for_member(app_id=app_id, user=request.user)
        return selectors.webhook_deliveries(miniprogram=miniprogram)


class WebhookReplayView(APIView):
    @extend_schema(request=None, responses={202: WebhookDeliveryOutput}, tags=DEV)
    def post(self, request, app_id: str, delivery_id: int):
        delivery = services.webhook_replay(
            actor=request.user, app_id=app_id, delivery_id=delivery_id
        )
        return Response(WebhookDeliveryOutput(delivery).data, status=status.HTTP_202_ACCEPTED)


class LinksView(APIView):
    @extend_schema(request=s.MpLinkInput, responses={201: s.MpLinkOutput}, tags=DEV)
    def post(self, request, app_id: str):
        data = validated(s.MpLinkInput, request.data)
        link = services.share_link_create(
            actor=request.user, app_id=app_id, base_url=links.public_base_url(request), **data
        )
        return Response(link, status=status.HTTP_201_CREATED)


# --- Platform review ---------------------------------------------------------------------------


class ReviewQueueView(APIView):
    permission_classes = [IsPlatformStaff]

    @extend_schema(responses=page_of(s.MpVersionOutput), tags=REVIEW)
    def get(self, request):
        return paginate(self, request, selectors.review_queue(), s.MpVersionOutput, ordering="id")


class ReviewApproveView(APIView):
    permission_classes = [IsPlatformStaff]

    @extend_schema(request=s.MpReviewInput, responses=s.MpVersionOutput, tags=REVIEW)
    def post(self, request, version_id: int):
        data = validated(s.MpReviewInput, request.data)
        version = services.version_approve(
            reviewer=request.user, version_id=version_id, reason=data["reason"]
        )
        return Response(s.MpVersionOutput(version).data)


class ReviewRejectView(APIView):
    permission_classes = [IsPlatformStaff]

    @extend_schema(request=s.MpRejectInput, responses=s.MpVersionOutput, tags=REVIEW)
    def post(self, request, version_id: int):
        data = validated(s.MpRejectInput, request.data)
        version = services.version_reject(
            reviewer=request.user, version_id=version_id, reason=data["reason"]
        )
        return Response(s.MpVersionOutput(version).data)


# --- Consumer ----------------------------------------------------------------------------------


def _launch(request, miniprogram, version) -> dict:
    trial = version.status == version.Status.TRIAL
    return {
        "app_id": miniprogram.app_id,
        "name": version.manifest["name"],
        "version": version.version,
        "trial": trial,
        "entry_page": version.manifest["entry_page"],
        "pages": version.manifest["pages"],
        "routes": version.manifest.get("routes", []),
        "bundle_url": links.bundle_url(request=request, miniprogram=miniprogram, version=version),
        "developer": miniprogram.organisation.name,
        "scopes": sorted(miniprogram.allowed_scopes),
        "sandbox": miniprogram.sandbox,
        "subscribe_templates": [
            {"id": template, "title": spec["title"]}
            for template, spec in sorted(version.manifest.get("subscribe_templates", {}).items())
        ],
    }


class LaunchView(APIView):
    @extend_schema(responses=s.MpLaunchOutput, tags=CONSUMER)
    def get(self, request, app_id: str):
        miniprogram, version = selectors.miniprogram_for_consumer(app_id=app_id, user=request.user)
        return Response(_launch(request, miniprogram, version))


class OpenView(APIView):
    @extend_schema(request=s.MpOpenInput, responses=s.MpLaunchOutput, tags=CONSUMER)
    def post(self, request, app_id: str):
        data = validated(s.MpOpenInput, request.data)
        miniprogram, version = services.entry_record(user=request.user, app_id=app_id, **data)
        return Response(_launch(request, miniprogram, version))


class LoginView(APIView):
    @extend_schema(request=s.MpLoginInput, responses=s.MpLoginOutput, tags=CONSUMER)
    def post(self, request, app_id: str):
        data = validated(s.MpLoginInput, request.data)
        code = services.login_code_issue(actor=request.user, app_id=app_id, **data)
        return Response({"code": code, "expires_in": settings.MINIPROGRAM_LOGIN_CODE_SECONDS})


class OAuthAuthorizeView(APIView):
    """The app's consent page for /o/authorize/ (docs/miniprograms.md): read the request, then
    approve or deny it."""

    @extend_schema(
        parameters=[s.OAuthAuthorizeQuery],
        responses=s.OAuthAuthorizeRequestOutput,
        tags=CONSUMER,
    )
    def get(self, request):
        params = validated(s.OAuthAuthorizeQuery, request.query_params)
        return Response(services.authorization_request_check(user=request.user, params=params))

    @extend_schema(request=s.OAuthAuthorizeInput, responses=s.OAuthAuthorizeOutput, tags=CONSUMER)
    def post(self, request):
        data = validated(s.OAuthAuthorizeInput, request.data)
        allow = data.pop("allow")
        redirect_to = services.authorization_decide(user=request.user, params=data, allow=allow)
        return Response({"redirect_to": redirect_to})


class SubscriptionsView(APIView):
    @extend_schema(
        request=s.MpSubscriptionInput, responses={201: s.MpSubscriptionOutput}, tags=CONSUMER
    )
    def post(self, request, app_id: str):
        data = validated(s.MpSubscriptionInput, request.data)
        accepted = services.subscription_accept(
            user=request.user, app_id=app_id, templates=data["templates"], always=data["always"]
        )
        return Response(
            {
                "accepted": [a.template for a in accepted],
                "always": [a.template for a in accepted if a.mode == "always"],
            },
            status=status.HTTP_201_CREATED,
        )


class CardView(APIView):
    @extend_schema(request=s.MpCardInput, responses=s.MpCardOutput, tags=CONSUMER)
    def post(self, request, app_id: str):
        data = validated(s.MpCardInput, request.data)
        return Response(services.card_payload_validate(app_id=app_id, **data))


class ShareLinkResolveView(APIView):
    @extend_schema(responses=s.MpShareLinkOutput, tags=CONSUMER)
    def get(self, request, code: str):
        return Response(s.MpShareLinkOutput(selectors.share_link_resolve(code=code)).data)


class RecentlyUsedView(APIView):
    """The mini-programs this person opened lately (the app's "recently used" list)."""

    @extend_schema(responses=s.MpRecentOutput(many=True), tags=CONSUMER)
    def get(self, request):
        rows = selectors.recently_used(user=request.user)
        return Response(s.MpRecentOutput(rows, many=True).data)


class GrantsView(APIView):
    @extend_schema(responses=page_of(s.MpGrantOutput), tags=CONSUMER)
    def get(self, request):
        return paginate(
            self, request, selectors.grants_for_user(user=request.user), s.MpGrantOutput
        )


class AppGrantsRevokeView(APIView):
    """Revoke every scope granted to one app."""

    @extend_schema(responses={204: None}, tags=CONSUMER, operation_id="me_miniprogram_app_revoke")
    def delete(self, request, app_id: str):
        services.consent_revoke(user=request.user, app_id=app_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GrantRevokeView(APIView):
    @extend_schema(responses={204: None}, tags=CONSUMER, operation_id="me_miniprogram_scope_revoke")
    def delete(self, request, app_id: str, scope: str):
        services.consent_revoke(user=request.user, app_id=app_id, scope=scope)
        return Response(status=status.HTTP_204_NO_CONTENT)


class StandingSubscriptionsView(APIView):
    """The person's "always" subscribe-message acceptances, of every app or of one
    (``?app_id=``)."""

    @extend_schema(
        parameters=[s.MpStandingSubscriptionsQuery],
        responses=s.MpStandingSubscriptionOutput(many=True),
        tags=CONSUMER,
    )
    def get(self, request):
        query = validated(s.MpStandingSubscriptionsQuery, request.query_params)
        rows = selectors.standing_subscriptions_for_user(
            user=request.user, app_id=query["app_id"] or None
        )
        return Response(s.MpStandingSubscriptionOutput(rows, many=True).data)


class StandingSubscriptionView(APIView):
    """Turn one "always" subscription off."""

    @extend_schema(responses={204: None}, tags=CONSUMER)
    def delete(self, request, app_id: str, template: str):
        services.subscription_turn_off(user=request.user, app_id=app_id, template=template)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ContactView(APIView):
    @extend_schema(responses=s.MpContactOutput, tags=CONSUMER)
    def get(self, request):
        contact = selectors.contact_for_user(user=request.user)
        return Response({"phone": contact.phone if contact else None})

    @extend_schema(request=s.MpContactInput, responses=s.MpContactOutput, tags=CONSUMER)
    def put(self, request):
        data = validated(s.MpContactInput, request.data)
        contact = services.contact_set(user=request.user, phone=data["phone"])
        return Response({"phone": contact.phone})


class AddressesView(APIView):
    permission_classes = [IsAddressReader]  # a storefront with ``address`` reads it too

    @extend_schema(responses=page_of(s.MpAddressSerializer), tags=CONSUMER)
    def get(self, request):
        addresses = selectors.addresses_for_user(user=request.user)
        return single_page(addresses, s.MpAddressSerializer)

    @extend_schema(
        request=s.MpAddressSerializer, responses={201: s.MpAddressSerializer}, tags=CONSUMER
    )
    def post(self, request):
        data = validated(s.MpAddressSerializer, request.data)
        address = services.address_add(user=request.user, **data)
        return Response(s.MpAddressSerializer(address).data, status=status.HTTP_201_CREATED)


class AddressView(APIView):
    @extend_schema(responses={204: None}, tags=CONSUMER)
    def delete(self, request, address_id: int):
        services.address_delete(user=request.user, address_id=address_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- App server (open API) ---------------------------------------------------------------------


def _basic_credentials(request) -> tuple[str, str]:
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    try:
        app_id, sep, secret = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        sep = ""
    if scheme.lower() != "basic" or not sep:
        raise InvalidClient("Use HTTP Basic with app_id:app_secret.")
    return app_id, secret


class Code2SessionView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=s.MpCode2SessionInput,
        responses={200: s.MpCode2SessionOutput, 401: OpenApiResponse(description="invalid_client")},
        tags=APP_SERVER,
        auth=[{"basic": []}],
    )
    def post(self, request):
        app_id, secret = _basic_credentials(request)
        miniprogram = selectors.miniprogram_for_credentials(
            app_id=app_id, app_secret=secret, address=ratelimit.client_address(request)
        )
        data = validated(s.MpCode2SessionInput, request.data)
        return Response(services.code2session(miniprogram=miniprogram, code=data["code"]))


class AppServerView(APIView):
    permission_classes = [IsAppServer]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.miniprogram = selectors.miniprogram_for_token(request.auth)
        ratelimit.hit(
            "mp-user_api",
            self.miniprogram.app_id,
            limit=settings.MINIPROGRAM_USER_API_PER_MINUTE,
            window_seconds=60,
        )


class AppUserView(AppServerView):
    @extend_schema(responses=s.MpAppUserOutput, tags=APP_SERVER)
    def get(self, request, openid: str):
        return Response(selectors.user_profile_for_app(miniprogram=self.miniprogram, openid=openid))


class SubscribeMessagesView(AppServerView):
    required_scopes = ["subscribe_message"]

    @extend_schema(
        request=s.MpSubscribeMessageInput,
        responses={201: s.MpSubscribeMessageOutput},
        tags=APP_SERVER,
    )
    def post(self, request):
        data = validated(s.MpSubscribeMessageInput, request.data)
        message = services.subscribe_message_send(miniprogram=self.miniprogram, **data)
        return Response(s.MpSubscribeMessageOutput(message).data, status=status.HTTP_201_CREATED)
