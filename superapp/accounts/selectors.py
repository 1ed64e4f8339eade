from django.conf import settings
from django.db.models.functions import Lower
from oauth2_provider.models import get_application_model

from superapp.accounts.models import User
from superapp.core.errors import NotFound


def first_party_application():
    """The OAuth2 application that the Plaza consumer app's tokens belong to (created once)."""
    application_model = get_application_model()
    application, _ = application_model.objects.get_or_create(
        client_id=settings.FIRST_PARTY_CLIENT_ID,
        defaults={
            "name": "Plaza app",
            "client_type": application_model.CLIENT_PUBLIC,
            "authorization_grant_type": application_model.GRANT_PASSWORD,
            "skip_authorization": True,
        },
    )
    return application


def user_by_username(username: str) -> User:
    """An active user by username, case-insensitively; 404 ``user_not_found`` otherwise."""
    user = (
        User.objects.annotate(username_lower=Lower("username"))
        .filter(username_lower=username.lower(), is_active=True)
        .first()
    )
    if user is None:
        raise NotFound("No such user.", code="user_not_found")
    return user
