"""The server-rendered sign-in page (``LOGIN_URL``) for Django's own views (``/o/authorize/``
lands in the app, which signs people in itself). A plain form, no scripts;
Django's ``LoginView`` authenticates through ``AUTHENTICATION_BACKENDS``, so it shares the API
login's lockout (superapp/accounts/backends.py)."""

from django.contrib.auth.views import LoginView
from django.urls import path

urlpatterns = [
    path(
        "login/",
        LoginView.as_view(template_name="accounts/sign_in.html", redirect_authenticated_user=True),
        name="sign-in",
    )
]
