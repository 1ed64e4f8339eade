"""The OAuth authorization endpoint, answered in the app: ``/o/authorize/`` hands the request
to the app's ``/authorize`` page, which shows it (``authorization_request_check``) and sends the
signed-in person's decision (``authorization_decide``). Both run the request through
django-oauth-toolkit's OAuthLibCore and our validator (``miniprograms.oauth``): client,
redirect_uri, response type, scopes and PKCE are checked exactly as at /o/authorize/, and an
approval saves the code there (recording each consent scope as a ConsentGrant)."""

from urllib.parse import urlencode

from django.db import transaction
from oauth2_provider.oauth2_backends import get_oauthlib_core
from oauthlib import oauth2

from miniprograms import selectors
from miniprograms.errors import AUTHORIZATION_REQUEST_INVALID, SANDBOX_RESTRICTED
from superapp.core.errors import Forbidden, InvalidInput

# The parameters of an authorization request that are passed on to oauthlib.
AUTHORIZATION_PARAMETERS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "nonce",
)


def _uri(params: dict) -> str:
    query = {k: params[k] for k in AUTHORIZATION_PARAMETERS if params.get(k)}
    return "/o/authorize/?" + urlencode(query)


def _validated(*, user, params: dict):
    """(scopes, credentials, miniprogram or None); a refused request is a 400 whose ``code`` is
    stable and whose ``error`` is the OAuth error name."""
    server = get_oauthlib_core().server
    try:
        scopes, credentials = server.validate_authorization_request(_uri(params), "GET")
    except oauth2.OAuth2Error as error:
        raise InvalidInput(
            error.description or error.error,
            code=AUTHORIZATION_REQUEST_INVALID,
            error=error.error,
        ) from error
    request = credentials.pop("request")
    miniprogram = getattr(request.client, "miniprogram", None)
    if miniprogram is not None:
        # Released (or a trial for testers) only; sandboxed apps for their testers only.
        selectors.miniprogram_for_consumer(app_id=miniprogram.app_id, user=user)
        if miniprogram.sandbox and not selectors.is_tester(miniprogram=miniprogram, user=user):
            raise Forbidden("This app is in sandbox mode.", code=SANDBOX_RESTRICTED)
    return scopes, credentials, request.client, miniprogram


def authorization_request_check(*, user, params: dict) -> dict:
    """What the consent page shows: the client and the scopes it asks for."""
    scopes, credentials, client, miniprogram = _validated(user=user, params=params)
    return {
        "client_id": client.client_id,
        "name": miniprogram.name if miniprogram is not None else client.name,
        "scopes": sorted(scopes),
        "redirect_uri": credentials["redirect_uri"],
    }


@transaction.atomic
def authorization_decide(*, user, params: dict, allow: bool) -> str:
    """The person approved or denied: the URL to send the browser to (the client's
    redirect_uri with ``code`` and ``state``, or ``error=access_denied``)."""
    scopes, credentials, _client, _miniprogram = _validated(user=user, params=params)
    if not allow:
        denied = oauth2.AccessDeniedError(state=credentials.get("state"))
        return denied.in_uri(credentials["redirect_uri"])
    credentials["user"] = user
    headers, _body, _status = get_oauthlib_core().server.create_authorization_response(
        _uri(params), "GET", scopes=scopes, credentials=credentials
    )
    return headers["Location"]
