from dataclasses import asdict

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from superapp.accounts import privacy_api, services
from superapp.accounts.api import browser
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
from superapp.core.api import validated
from superapp.core.ratelimit import client_address


def _token_body(pair: services.TokenPair) -> dict:
    return {**asdict(pair), "token_type": "Bearer"}


def _token_response(request, body: dict, status_code: int = status.HTTP_200_OK) -> Response:
    """The tokens as JSON; for the web app the refresh token goes in its cookie instead."""
    response = Response(status=status_code)
    response.data = browser.token_body_for(request, body, response)
    return response


_WEB_CLIENT = OpenApiParameter(
    browser.WEB_CLIENT_HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    enum=[browser.WEB_CLIENT_VALUE],
    description="The browser app: the refresh token travels in an HttpOnly cookie instead.",
)


class RegisterView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=RegisterInput,
        responses={201: RegisterOutput},
        parameters=[_WEB_CLIENT],
        tags=["accounts"],
    )
    def post(self, request):
        data = validated(RegisterInput, request.data)
        user, pair = services.user_register(**data)
        body = {"id": user.pk, "username": user.username, **_token_body(pair)}
        return _token_response(request, body, status.HTTP_201_CREATED)


class LoginView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=LoginInput,
        responses={200: TokenOutput},
        parameters=[_WEB_CLIENT],
        tags=["accounts"],
    )
    def post(self, request):
        data = validated(LoginInput, request.data)
        pair = services.user_login(**data, address=client_address(request))
        return _token_response(request, _token_body(pair))


class RefreshView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=RefreshInput,
        responses={200: TokenOutput},
        parameters=[_WEB_CLIENT],
        tags=["accounts"],
        description="Native clients send `refresh_token`; the web app sends an empty body, "
        "its refresh cookie and the `X-Plaza-Client: web` header.",
    )
    def post(self, request):
        data = validated(RefreshInput, request.data)
        token = data.get("refresh_token") or browser.cookie_refresh_token(request)
        if not token:
            raise services.InvalidRefreshToken()
        return _token_response(request, _token_body(services.token_refresh(refresh_token=token)))


class LogoutView(APIView):
    @extend_schema(request=None, responses={204: None}, tags=["accounts"])
    def post(self, request):
        services.token_revoke(access_token=request.auth)
        response = Response(status=status.HTTP_204_NO_CONTENT)
        browser.clear_refresh_cookie(response)
        return response


class MeView(APIView):
    @extend_schema(responses=MeSerializer, tags=["accounts"])
    def get(self, request):
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer, tags=["accounts"])
    def patch(self, request):
        data = validated(MeSerializer, request.data, instance=request.user, partial=True)
        user = services.profile_update(user=request.user, **data)
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
        data = validated(EraseInput, request.data)
        privacy_api.account_erase(actor=request.user, **data)
        response = Response(status=status.HTTP_204_NO_CONTENT)
        browser.clear_refresh_cookie(response)
        return response
