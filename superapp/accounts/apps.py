from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "superapp.accounts"
    label = "accounts"
