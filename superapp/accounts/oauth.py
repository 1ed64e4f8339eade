"""The django-oauth-toolkit validator every Plaza token check goes through."""

from oauth2_provider.oauth2_validators import OAuth2Validator

from superapp.accounts import selectors


class PlazaOAuth2Validator(OAuth2Validator):
    def _load_access_token(self, token):
        return selectors.access_token_by_value(token)
