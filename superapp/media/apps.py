from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "superapp.media"
    label = "media"
