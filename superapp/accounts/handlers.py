from superapp.realtime.services import socket_sessions_end


def on_access_token_deleted(sender, instance, **kwargs) -> None:
    if instance.user_id is not None:
        socket_sessions_end(user_id=instance.user_id, access_token_ids=[instance.pk])
