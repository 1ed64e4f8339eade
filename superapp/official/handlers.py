"""Listeners of other apps' domain events (registered in ``OfficialConfig.ready``)."""

from superapp.official import services


def on_campaign_sent(*, event_id: int, payload: dict) -> None:
    """loyalty.campaign_sent: deliver the campaign through the account to its listed followers."""
    services.campaign_deliver(
        campaign_id=payload["campaign_id"],
        brand_id=payload["brand_id"],
        account_id=payload["account_id"],
        user_ids=payload["user_ids"],
        title=payload["title"],
        body=payload["body"],
    )
