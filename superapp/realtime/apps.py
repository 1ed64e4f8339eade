from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "superapp.realtime"
    label = "realtime"
