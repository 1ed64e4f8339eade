"""Domain events the official app emits (superapp/core/domain_events.py)."""

from dataclasses import dataclass

from superapp.core.domain_events import Event


@dataclass(frozen=True, kw_only=True)
class AccountFollowed(Event):
    name = "official.account_followed"
    brand_id: int
    account_id: int
    user_id: int


@dataclass(frozen=True, kw_only=True)
class AccountUnfollowed(Event):
    name = "official.account_unfollowed"
    brand_id: int
    account_id: int
    user_id: int


@dataclass(frozen=True, kw_only=True)
class ServiceMessageReceived(Event):
    """A follower wrote to a brand's customer service."""

    name = "official.service_message_received"
    brand_id: int
    account_id: int
    user_id: int
    message_id: int


@dataclass(frozen=True, kw_only=True)
class CampaignSent(Event):
    """A brand's loyalty campaign for the listed consenting followers of one of its accounts,
    which official delivers. Emitted by loyalty, declared here: loyalty depends on official,
    never the reverse (docs/architecture.md, "Domain events between apps")."""

    name = "loyalty.campaign_sent"
    campaign_id: int
    brand_id: int
    account_id: int
    user_ids: tuple[int, ...]
    title: str
    body: str
