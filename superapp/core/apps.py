from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "superapp.core"
    label = "core"
