"""The authentication backend of the cookie sign-in forms (/admin/login/, /brand-admin/login/):
Django's model backend behind the same lockout as the API login
(``services.credentials_check``)."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from superapp.accounts import services
from superapp.core.errors import RateLimited
from superapp.core.ratelimit import client_address


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        address = client_address(request) if request is not None else "unknown"
        try:
            user = services.credentials_check(username=username, password=password, address=address)
        except services.InvalidCredentials:
            return None
        except RateLimited as exc:  # stops Django trying any other backend
            raise PermissionDenied(str(exc)) from exc
        return user if self.user_can_authenticate(user) else None
