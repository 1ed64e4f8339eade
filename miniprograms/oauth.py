"""How /o/token/ treats mini-program applications (django-oauth-toolkit validator).

- A mini-program's client-credentials token may carry only the scopes the app is allowed
  (``MiniProgram.allowed_scopes``); asking for more is ``invalid_scope``.
- A mini-program may also redeem a consumer's login code with the standard authorization-code
  grant (+ PKCE); the answer then includes an OpenID Connect ID token whose ``sub`` is the user's
  openid for that app, never the Plaza user id, plus the ``unionid``.
- The same code can come from the browser flow: /o/authorize/ lands on the app's consent page,
  which decides through /api/v1/oauth/authorize (services/authorize.py, this validator):
  ``response_type=code`` only for a mini-program, the scope ``openid`` and the app's consent
  scopes (``CONSENT_SCOPES``).
"""

import base64
import hashlib
import hmac

from django.utils.crypto import salted_hmac
from oauth2_provider.models import Grant
from oauth2_provider.oauth2_validators import OAuth2Validator

from miniprograms import selectors, services
from miniprograms.models import CONSENT_SCOPES
from superapp.accounts.selectors import access_token_by_value

_MINIPROGRAM_GRANT_TYPES = {"client_credentials", "authorization_code", "refresh_token"}

# The resource-owner password grant is off for every client: passwords are typed only into
# Plaza's own sign-in doors, which share one lockout (accounts services.credentials_check).
REFUSED_GRANT_TYPES = frozenset({"password"})


def pairwise_subject(*, client_id: str, user) -> str:
    """The user's OpenID subject as a first-party client sees it: stable per (client, user),
    never the internal user id, and unlinkable between clients."""
    return salted_hmac("plaza.oidc.subject", f"{client_id}:{user.pk}").hexdigest()


def _pkce_verifies(verifier: str | None, challenge: str) -> bool:
    """S256, the only method Plaza issues codes for."""
    if not verifier:
        return False
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return hmac.compare_digest(expected, challenge)


def _miniprogram_of(client):
    return getattr(client, "miniprogram", None) if client is not None else None


class MiniProgramOAuth2Validator(OAuth2Validator):
    """The validator of every Plaza token check (``OAUTH2_VALIDATOR_CLASS``)."""

    REFUSED_GRANT_TYPES = REFUSED_GRANT_TYPES

    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "sub": "openid",
        "unionid": "openid",
        "name": "profile",
        "picture": "profile",
    }

    def get_discovery_claims(self, request):
        return ["sub", "unionid", "name", "picture"]

    def get_code_challenge(self, code, request):
        """The code's PKCE challenge. A verifier that does not match it burns the code: a
        failed attempt leaves nothing to try again with."""
        grant = Grant.objects.filter(code=code, application=request.client).first()
        if grant is None or not grant.code_challenge:
            return None
        request.plaza_code_challenge_method = grant.code_challenge_method
        if not _pkce_verifies(request.code_verifier, grant.code_challenge):
            grant.delete()
        return grant.code_challenge

    def get_code_challenge_method(self, code, request):
        """Read with the challenge (the grant may be burnt by now)."""
        return getattr(request, "plaza_code_challenge_method", None) or None

    def _load_access_token(self, token):
        return access_token_by_value(token)  # one statement (superapp/accounts/selectors.py)

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        if grant_type in self.REFUSED_GRANT_TYPES:
            return False
        if _miniprogram_of(request.client) is not None:
            return grant_type in _MINIPROGRAM_GRANT_TYPES
        return super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs)

    def validate_response_type(self, client_id, response_type, client, request, *args, **kwargs):
        if _miniprogram_of(client) is not None:
            return response_type == "code"
        return super().validate_response_type(
            client_id, response_type, client, request, *args, **kwargs
        )

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        miniprogram = _miniprogram_of(client)
        if miniprogram is None:
            return super().validate_scopes(client_id, scopes, client, request, *args, **kwargs)
        allowed = set(miniprogram.allowed_scopes)
        if getattr(request, "response_type", None) == "code":
            # A person authorises a user token: openid and the consent scopes, as at login.
            allowed = {"openid"} | (allowed & set(CONSENT_SCOPES))
        return {scope for scope in scopes if scope} <= allowed

    def save_authorization_code(self, client_id, code, request, *args, **kwargs):
        """The person approved the consent page: for a mini-program, record each consent scope
        as a ConsentGrant, exactly as the in-app login does (revocable in the app's settings)."""
        super().save_authorization_code(client_id, code, request, *args, **kwargs)
        miniprogram = _miniprogram_of(request.client)
        if miniprogram is None:
            return
        for scope in sorted(set(request.scopes or ()) & set(CONSENT_SCOPES)):
            services.consent_grant(user=request.user, miniprogram=miniprogram, scope=scope)

    def get_default_scopes(self, client_id, request, *args, **kwargs):
        miniprogram = _miniprogram_of(request.client)
        if miniprogram is None:
            return super().get_default_scopes(client_id, request, *args, **kwargs)
        return list(miniprogram.allowed_scopes)

    def get_claim_dict(self, request):
        """Claims about the user as this app may see them: openid, unionid, and the public
        profile while the user's ``profile`` grant is active (checked now, so /o/userinfo/
        stops showing it the moment the grant is revoked)."""
        miniprogram = _miniprogram_of(request.client)
        if miniprogram is None:
            return {"sub": pairwise_subject(client_id=request.client.client_id, user=request.user)}
        user = request.user
        claims = {
            "sub": services.identity_for(miniprogram=miniprogram, user=user).openid,
            "unionid": services.unionid_for(
                organisation=miniprogram.organisation, user=user
            ).unionid,
        }
        if "profile" in selectors.active_scopes(miniprogram=miniprogram, user=user):
            claims.update(name=user.display_name, picture=user.avatar_url)
        return claims
