"""The django-oauth-toolkit validator every Plaza token check goes through."""

from django.utils.crypto import salted_hmac
from oauth2_provider.oauth2_validators import OAuth2Validator

from superapp.accounts import selectors

# The resource-owner password grant is off for every client: passwords are typed only into
# Plaza's own sign-in doors, which share one lockout (services.credentials_check).
REFUSED_GRANT_TYPES = frozenset({"password"})


def pairwise_subject(*, client_id: str, user) -> str:
    """The user's OpenID subject as this client sees it: stable per (client, user), never the
    internal user id, and unlinkable between clients."""
    return salted_hmac("plaza.oidc.subject", f"{client_id}:{user.pk}").hexdigest()


class PlazaOAuth2Validator(OAuth2Validator):
    REFUSED_GRANT_TYPES = REFUSED_GRANT_TYPES

    def _load_access_token(self, token):
        return selectors.access_token_by_value(token)

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        if grant_type in REFUSED_GRANT_TYPES:
            return False
        return super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs)

    def get_claim_dict(self, request):
        return {"sub": pairwise_subject(client_id=request.client.client_id, user=request.user)}
