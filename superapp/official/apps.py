from django.apps import AppConfig


class OfficialConfig(AppConfig):
    name = "superapp.official"
    label = "official"
