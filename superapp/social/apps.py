from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "superapp.social"
    label = "social"
