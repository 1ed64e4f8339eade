"""Bearer-token authentication for the API: django-oauth-toolkit's, with its usual answer
checked directly.

DOT's ``OAuth2Authentication`` builds an oauthlib server and request for every call and walks
the token through them: measured as a fifth of the server's CPU for a small authenticated
request. Here a well-formed ``Authorization: Bearer`` header is looked up in one statement
(``selectors.access_token_by_value``, the same lookup DOT's validator makes) and accepted when
DOT would accept it: not expired, no resource restriction, an application that is usable.
Anything else (no header, an unknown or expired token, a resource-restricted one) goes the full
DOT way, which also produces the ``WWW-Authenticate`` error details.
"""

from drf_spectacular.contrib.django_oauth_toolkit import DjangoOAuthToolkitScheme
from oauth2_provider.contrib.rest_framework import OAuth2Authentication


class BearerTokenAuthentication(OAuth2Authentication):
    def authenticate(self, request):
        # imported here: DRF imports this class while its settings load, before our apps'
        from superapp.accounts import selectors

        scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() == "bearer" and token:
            access = selectors.access_token_by_value(token.strip())
            if (
                access is not None
                and access.is_valid([])
                and not access.resource
                and (access.application is None or access.application.is_usable(request))
            ):
                return access.user, access
        return super().authenticate(request)


class BearerTokenScheme(DjangoOAuthToolkitScheme):
    """Describe it in the OpenAPI schema exactly as DOT's (drf-spectacular matches classes,
    not subclasses)."""

    target_class = "superapp.accounts.authentication.BearerTokenAuthentication"
