from superapp.accounts.services import CONSUMER_SCOPE
from superapp.realtime.services import socket_sessions_end


def on_access_token_deleted(sender, instance, **kwargs) -> None:
    """Only first-party (``consumer``) tokens open sockets: an app's tokens, revoked in bulk
    when its secret rotates, send nothing."""
    if instance.user_id is not None and CONSUMER_SCOPE in instance.scope.split():
        socket_sessions_end(user_id=instance.user_id, access_token_ids=[instance.pk])
