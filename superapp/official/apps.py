from django.apps import AppConfig


class OfficialConfig(AppConfig):
    name = "superapp.official"
    label = "official"

    def ready(self):
        from superapp.core.domain_events import subscribe

        subscribe("loyalty.campaign_sent", "superapp.official.handlers.on_campaign_sent")
