"""Domain events the mini-program platform emits (superapp/core/domain_events.py)."""

from dataclasses import dataclass
from typing import Any

from superapp.core.domain_events import Event


@dataclass(frozen=True, kw_only=True)
class SubscribeMessageSent(Event):
    """A mini-program sent a user a subscribe message they had accepted."""

    name = "miniprograms.subscribe_message_sent"
    user_id: int
    app_id: str
    app_name: str
    template: str
    data: dict[str, Any]
    message_id: int
    title: str  # the template's texts rendered with ``data`` (selectors.subscribe_message_text)
    body: str
