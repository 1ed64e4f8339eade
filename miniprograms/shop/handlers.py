"""Listeners for other apps' domain events (registered in ``apps.ShopConfig.ready``)."""

from miniprograms.shop import services


def on_reward_redeemed(*, event_id: int, payload: dict) -> None:
    """A loyalty reward becomes a personal coupon of the brand's shop."""
    services.coupon_issue_reward(
        redemption_id=payload["redemption_id"],
        brand_id=payload["brand_id"],
        user_id=payload["user_id"],
        coupon=payload["coupon"],
    )
