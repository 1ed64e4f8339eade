"""The browser app's refresh cookie (docs/web.md, "Tokens").

A request that sends ``X-Plaza-Client: web`` gets its refresh token in an HttpOnly, SameSite=Strict
cookie scoped to ``/api/v1/auth/`` instead of the JSON body (the field stays, empty), and may
refresh with that cookie and an empty body. The custom header is the CSRF guard: another site can
neither send it without a CORS preflight that Plaza refuses, nor read the answer. Native clients
send no header and keep the JSON contract of API.md.
"""

from django.conf import settings

WEB_CLIENT_HEADER = "X-Plaza-Client"
WEB_CLIENT_VALUE = "web"


def is_web_client(request) -> bool:
    return request.headers.get(WEB_CLIENT_HEADER) == WEB_CLIENT_VALUE


def cookie_refresh_token(request) -> str:
    """The refresh token of the cookie, only for a request that carries the web header."""
    if not is_web_client(request):
        return ""
    return request.COOKIES.get(settings.REFRESH_COOKIE_NAME, "")


def token_body_for(request, body: dict, response) -> dict:
    """Moves the refresh token of ``body`` into the cookie for the web app."""
    if not is_web_client(request):
        return body
    response.set_cookie(
        settings.REFRESH_COOKIE_NAME,
        body["refresh_token"],
        max_age=settings.OAUTH2_PROVIDER["REFRESH_TOKEN_EXPIRE_SECONDS"],
        path=settings.REFRESH_COOKIE_PATH,
        secure=request.is_secure() or settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
    return {**body, "refresh_token": ""}


def clear_refresh_cookie(response) -> None:
    response.delete_cookie(
        settings.REFRESH_COOKIE_NAME, path=settings.REFRESH_COOKIE_PATH, samesite="Strict"
    )
