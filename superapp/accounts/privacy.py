"""Data rights, accounts' part: the profile and sign-in grants; erasure anonymises the account.

The collector (superapp/accounts/privacy_api.py) runs this module's ``erase`` last, after every
other app has removed its personal content, so ledgers keep pointing at this same (now
anonymous) user row."""

import secrets

from oauth2_provider.models import AccessToken, Grant, RefreshToken


def export(user) -> dict:
    tokens = AccessToken.objects.filter(user=user).select_related("application")
    return {
        "profile": {
            "id": user.pk,
            "username": user.username,
            "display_name": user.display_name,
            "email": user.email,
            "avatar_url": user.avatar_url,
            "bio": user.bio,
            "region": user.region,
            "findable_by_username": user.findable_by_username,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "grants": [
            {
                "application": token.application.name if token.application else None,
                "scope": token.scope,
                "created": token.created.isoformat(),
                "expires": token.expires.isoformat(),
            }
            for token in tokens.order_by("created")
        ],
    }


def erase(user) -> None:
    """Anonymise the account in place and end every session and grant."""
    RefreshToken.objects.filter(user=user).delete()
    AccessToken.objects.filter(user=user).delete()
    Grant.objects.filter(user=user).delete()
    user.username = f"erased-{user.pk}-{secrets.token_hex(4)}"
    user.display_name = user.ERASED_DISPLAY_NAME
    user.first_name = user.last_name = user.email = ""
    user.avatar_url = user.bio = user.region = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
