from django.apps import AppConfig


class WebappConfig(AppConfig):
    name = "superapp.webapp"
    label = "webapp"
