from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "superapp.webhooks"
    label = "webhooks"
