from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "superapp.accounts"
    label = "accounts"

    def ready(self):
        from django.db.models.signals import post_delete
        from oauth2_provider.models import AccessToken

        from superapp.accounts.handlers import on_access_token_deleted

        # DOT revokes an access token by deleting it (logout, refresh, family revocation,
        # erasure, an app's tokens ended): every such way ends the sockets opened with it.
        post_delete.connect(on_access_token_deleted, sender=AccessToken)
