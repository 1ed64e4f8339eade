from django.apps import AppConfig


class RedPacketsConfig(AppConfig):
    """Red packets in chats: they use payments (the money) and messaging (the chat), and
    neither of those knows them (docs/architecture.md)."""

    name = "redpackets"
    label = "redpackets"
