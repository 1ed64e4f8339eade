from django.apps import AppConfig


class OfficialConfig(AppConfig):
    name = "superapp.official"
    label = "official"

    def ready(self):
        from superapp.core.domain_events import subscribe
        from superapp.official.events import CampaignSent

        subscribe(CampaignSent, "superapp.official.handlers.on_campaign_sent")
