from dataclasses import asdict

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from superapp.accounts import privacy_api, services
from superapp.accounts.api.serializers import (
    EraseInput,
    ExportOutput,
    LoginInput,
    MeSerializer,
    RefreshInput,
    RegisterInput,
    RegisterOutput,
    TokenOutput,
)
from superapp.core.ratelimit import client_address


def _token_body(pair: services.TokenPair) -> dict:
    return {**asdict(pair), "token_type": "Bearer"}


class RegisterView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=RegisterInput, responses={201: RegisterOutput}, tags=["accounts"])
    def post(self, request):
        data = RegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        user, pair = services.user_register(**data.validated_data)
        body = {"id": user.pk, "username": user.username, **_token_body(pair)}
        return Response(body, status=status.HTTP_201_CREATED)


class LoginView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=LoginInput, responses={200: TokenOutput}, tags=["accounts"])
    def post(self, request):
        data = LoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        pair = services.user_login(**data.validated_data, address=client_address(request))
        return Response(_token_body(pair))


class RefreshView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=RefreshInput, responses={200: TokenOutput}, tags=["accounts"])
    def post(self, request):
        data = RefreshInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(_token_body(services.token_refresh(**data.validated_data)))


class LogoutView(APIView):
    @extend_schema(request=None, responses={204: None}, tags=["accounts"])
    def post(self, request):
        services.token_revoke(access_token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(responses=MeSerializer, tags=["accounts"])
    def get(self, request):
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer, tags=["accounts"])
    def patch(self, request):
        data = MeSerializer(request.user, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = services.profile_update(user=request.user, **data.validated_data)
        return Response(MeSerializer(user).data)


class MeExportView(APIView):
    """Everything Plaza holds about the caller, across every app, as one JSON archive."""

    @extend_schema(responses=ExportOutput, tags=["accounts"])
    def get(self, request):
        return Response(privacy_api.data_export(user=request.user))


class MeEraseView(APIView):
    """Erase the caller's personal data everywhere and anonymise the account (password
    confirmation required). Ledgers stay balanced, pointing at the anonymised account."""

    @extend_schema(request=EraseInput, responses={204: None}, tags=["accounts"])
    def post(self, request):
        data = EraseInput(data=request.data)
        data.is_valid(raise_exception=True)
        privacy_api.account_erase(actor=request.user, **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)
