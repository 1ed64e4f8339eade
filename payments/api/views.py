import csv
import io
from datetime import date

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from miniprograms.selectors import miniprogram_for_member, miniprogram_for_token, user_for_openid
from payments import selectors, services
from payments.api import serializers as s
from payments.gateways import SIGNATURE_HEADER, StripeGateway, gateway
from payments.models import Posting
from superapp.accounts.selectors import user_by_username
from superapp.core.api import SelectorListView, validated
from superapp.core.errors import InvalidInput
from superapp.core.idempotency import IDEMPOTENCY_HEADER, run_idempotent
from superapp.core.permissions import IsAppServer, IsConsumerOrAppServer, is_consumer_request
from superapp.core.spreadsheets import csv_safe_row

SANDBOX_PARAMETER = OpenApiParameter(
    "sandbox",
    bool,
    OpenApiParameter.QUERY,
    description="true: the test money of sandbox mini-programs instead of real money.",
)


def _sandbox_requested(request) -> bool:
    """``?sandbox=1`` (or true): read the sandbox world instead of real money."""
    return validated(s.WorldQuery, request.query_params)["sandbox"]


# --- wallet -----------------------------------------------------------------------------------


class WalletView(APIView):
    @extend_schema(parameters=[SANDBOX_PARAMETER], responses=s.WalletOutput, tags=["wallet"])
    def get(self, request):
        data = {
            "balances": selectors.wallet_balances(
                user=request.user, sandbox=_sandbox_requested(request)
            ),
            "daily_outgoing_limit": settings.PAYMENTS_DAILY_OUTGOING_LIMIT,
        }
        return Response(s.WalletOutput(data).data)


class DevSandboxView(APIView):
    """A developer's view of their app's sandbox mode and the test money it moved."""

    @extend_schema(responses=s.SandboxOutput, tags=["miniprogram-developers"])
    def get(self, request, app_id: str):
        miniprogram = miniprogram_for_member(app_id=app_id, user=request.user)
        data = {
            "sandbox": miniprogram.sandbox,
            **selectors.sandbox_balances(miniprogram=miniprogram),
        }
        return Response(s.SandboxOutput(data).data)


class PinView(APIView):
    @extend_schema(request=s.PinInput, responses=s.PinOutput, tags=["wallet"])
    def post(self, request):
        services.pin_set(actor=request.user, **validated(s.PinInput, request.data))
        return Response({"pin_set": True})


class TopupCreateView(APIView):
    @extend_schema(
        request=s.TopupInput,
        responses={201: s.GatewayOrderOutput},
        parameters=[IDEMPOTENCY_HEADER],
        tags=["wallet"],
    )
    def post(self, request):
        data = validated(s.TopupInput, request.data)

        def create():
            order = services.topup_create(actor=request.user, **data)
            return Response(s.GatewayOrderOutput(order).data, status=status.HTTP_201_CREATED)

        return run_idempotent(request, create)


class WithdrawalCreateView(APIView):
    @extend_schema(
        request=s.WithdrawalInput,
        responses={201: s.GatewayOrderOutput},
        parameters=[IDEMPOTENCY_HEADER],
        tags=["wallet"],
    )
    def post(self, request):
        data = validated(s.WithdrawalInput, request.data)

        def create():
            order = services.withdrawal_create(actor=request.user, **data)
            return Response(s.GatewayOrderOutput(order).data, status=status.HTTP_201_CREATED)

        return run_idempotent(request, create)


class GatewayOrderDetailView(APIView):
    @extend_schema(responses=s.GatewayOrderOutput, tags=["wallet"])
    def get(self, request, reference: str):
        order = selectors.gateway_order_for_user(user=request.user, reference=reference)
        return Response(s.GatewayOrderOutput(order).data)


class TransferCreateView(APIView):
    @extend_schema(
        request=s.TransferInput,
        responses={201: s.TransferOutput},
        parameters=[IDEMPOTENCY_HEADER],
        tags=["wallet"],
    )
    def post(self, request):
        data = validated(s.TransferInput, request.data)
        recipient = user_by_username(data.pop("to"))

        def create():
            transfer = services.transfer_create(actor=request.user, recipient=recipient, **data)
            return Response(s.TransferOutput(transfer).data, status=status.HTTP_201_CREATED)

        return run_idempotent(request, create)


@extend_schema_view(get=extend_schema(parameters=[SANDBOX_PARAMETER], tags=["wallet"]))
class StatementView(SelectorListView):
    model = Posting
    serializer_class = s.StatementEntryOutput

    @staticmethod
    def selector(request):
        return selectors.wallet_statement(user=request.user, sandbox=_sandbox_requested(request))


class GatewayCallbackView(APIView):
    """Where the payment gateway reports outcomes. Authenticated by its signature only."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses=s.CallbackAckOutput,
        parameters=[
            OpenApiParameter(header, str, OpenApiParameter.HEADER)
            for header in (SIGNATURE_HEADER, StripeGateway.signature_header)
        ],
        tags=["wallet"],
    )
    def post(self, request):
        callback = services.gateway_callback_receive(
            body=request.body, signature=request.headers.get(gateway().signature_header, "")
        )
        return Response({"received": True, "applied": callback is not None and callback.applied})


# --- pay orders -------------------------------------------------------------------------------


class PayOrderCreateView(APIView):
    permission_classes = [IsAppServer]
    required_scopes = ["pay"]

    @extend_schema(
        request=s.PayOrderCreateInput,
        responses={201: s.PayOrderCreatedOutput, 200: s.PayOrderCreatedOutput},
        tags=["pay"],
    )
    def post(self, request):
        data = validated(s.PayOrderCreateInput, request.data)
        miniprogram = miniprogram_for_token(request.auth)
        payer = user_for_openid(miniprogram=miniprogram, openid=data.pop("payer_openid"))
        order, created = services.payorder_create(miniprogram=miniprogram, payer=payer, **data)
        return Response(
            s.PayOrderCreatedOutput(order).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class PayOrderDetailView(APIView):
    permission_classes = [IsConsumerOrAppServer]
    required_scopes = ["pay"]

    @extend_schema(responses=s.PayOrderOutput, tags=["pay"])
    def get(self, request, prepay_id: str):
        if is_consumer_request(request):
            order = selectors.payorder_visible(prepay_id=prepay_id, payer=request.user)
        else:
            miniprogram = miniprogram_for_token(request.auth)
            order = selectors.payorder_visible(prepay_id=prepay_id, miniprogram=miniprogram)
        return Response(s.PayOrderOutput(order).data)


class PayOrderConfirmView(APIView):
    @extend_schema(
        request=s.ConfirmInput,
        responses=s.PayOrderOutput,
        parameters=[IDEMPOTENCY_HEADER],
        tags=["pay"],
    )
    def post(self, request, prepay_id: str):
        data = validated(s.ConfirmInput, request.data)

        def confirm():
            order = services.payorder_confirm(
                actor=request.user, prepay_id=prepay_id, pin=data["pin"]
            )
            return Response(s.PayOrderOutput(order).data)  # as paid: no need to read it back

        return run_idempotent(request, confirm)


class PayOrderCloseView(APIView):
    permission_classes = [IsAppServer]
    required_scopes = ["pay"]

    @extend_schema(request=None, responses=s.PayOrderOutput, tags=["pay"])
    def post(self, request, prepay_id: str):
        miniprogram = miniprogram_for_token(request.auth)
        services.payorder_close(miniprogram=miniprogram, prepay_id=prepay_id)
        order = selectors.payorder_visible(prepay_id=prepay_id, miniprogram=miniprogram)
        return Response(s.PayOrderOutput(order).data)


class RefundCreateView(APIView):
    permission_classes = [IsAppServer]
    required_scopes = ["pay"]

    @extend_schema(
        request=s.RefundInput, responses={201: s.RefundOutput, 200: s.RefundOutput}, tags=["pay"]
    )
    def post(self, request, prepay_id: str):
        data = validated(s.RefundInput, request.data)
        refund, created = services.refund_create(
            miniprogram=miniprogram_for_token(request.auth), prepay_id=prepay_id, **data
        )
        return Response(
            s.RefundOutput(refund).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class MerchantKeyView(APIView):
    permission_classes = [IsAppServer]
    required_scopes = ["pay"]

    @extend_schema(responses=s.MerchantKeyOutput, tags=["pay"])
    def get(self, request):
        miniprogram = miniprogram_for_token(request.auth)
        secret = services.merchant_key_get(organisation_id=miniprogram.organisation_id)
        return Response({"webhook_secret": secret})


def _report_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(fields={"date": ["Use YYYY-MM-DD."]}) from exc


def _settlement(request, day: str) -> dict:
    return selectors.settlement_report(
        organisation_id=miniprogram_for_token(request.auth).organisation_id,
        day=_report_day(day),
        sandbox=_sandbox_requested(request),
    )


class SettlementView(APIView):
    permission_classes = [IsAppServer]
    required_scopes = ["pay"]

    @extend_schema(parameters=[SANDBOX_PARAMETER], responses=s.SettlementOutput, tags=["pay"])
    def get(self, request, day: str):
        return Response(s.SettlementOutput(_settlement(request, day)).data)


class SettlementCsvView(APIView):
    permission_classes = [IsAppServer]
    required_scopes = ["pay"]

    @extend_schema(
        parameters=[SANDBOX_PARAMETER],
        responses={(200, "text/csv"): OpenApiTypes.STR},
        tags=["pay"],
    )
    def get(self, request, day: str):
        report = _settlement(request, day)
        output = io.StringIO()
        writer = csv.DictWriter(output, fieldnames=list(s.SettlementLineOutput().fields))
        writer.writeheader()
        writer.writerows(csv_safe_row(line) for line in report["lines"])
        response = HttpResponse(output.getvalue(), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="settlement-{report["date"]}.csv"'
        return response
