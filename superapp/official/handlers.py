"""Listeners of other apps' domain events (registered in ``OfficialConfig.ready``)."""

from superapp.official import events, services


def on_campaign_sent(*, event_id: int, event: events.CampaignSent) -> None:
    """loyalty.campaign_sent: deliver the campaign through the account to its listed followers."""
    services.campaign_deliver(
        campaign_id=event.campaign_id,
        brand_id=event.brand_id,
        account_id=event.account_id,
        user_ids=list(event.user_ids),
        title=event.title,
        body=event.body,
    )
