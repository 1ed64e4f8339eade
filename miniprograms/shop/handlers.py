"""Listeners for other apps' domain events (registered in ``apps.ShopConfig.ready``)."""

from miniprograms.shop import events, services


def on_reward_redeemed(*, event_id: int, event: events.RewardRedeemed) -> None:
    """A loyalty reward becomes a personal coupon of the brand's shop."""
    services.coupon_issue_reward(
        redemption_id=event.redemption_id,
        brand_id=event.brand_id,
        user_id=event.user_id,
        coupon=event.coupon,
    )
