"""Data rights for messaging: export what the user wrote and where; erase their words."""

from django.db import transaction

from superapp.messaging import services
from superapp.messaging.models import Conversation, Member, Message


def export(user) -> dict:
    memberships = Member.objects.filter(user=user).select_related("conversation").order_by("id")
    messages = Message.objects.filter(sender=user).order_by("id")
    return {
        "conversations": [
            {
                "id": m.conversation_id,
                "kind": m.conversation.kind,
                "title": m.conversation.title,
                "role": m.role,
                "joined_at": m.joined_at.isoformat(),
                "read_seq": m.read_seq,
            }
            for m in memberships
        ],
        "messages_sent": [
            {k: v for k, v in m.as_dict().items() if k != "sender"}
            for m in messages.select_related("sender")
        ],
    }


@transaction.atomic(savepoint=False)  # inside accounts' account_erase
def erase(user) -> None:
    """Blank the content of every message the user sent (the seq stays so nobody's history
    gets a gap) and the copies of it in everyone's event log, leave every conversation
    (groups through the normal leave, so an owner hands the group on), take the user's name
    out of every platform notice that named them; the service conversation goes entirely."""
    for conversation_id in Member.objects.filter(
        user=user, conversation__kind=Conversation.Kind.GROUP
    ).values_list("conversation_id", flat=True):
        services.group_leave_nested(actor=user, conversation_id=conversation_id)
    written = list(Message.objects.filter(sender=user).values_list("pk", flat=True))
    Message.objects.filter(pk__in=written).update(
        text="", payload={}, mentions=[], client_msg_id=None, sender=None
    )
    for message in Message.objects.filter(pk__in=written).iterator():
        services.message_copies_refresh(message)  # the copies in everyone's event log
    services.notices_unname(user=user, placeholder=user.ERASED_DISPLAY_NAME)
    Conversation.objects.filter(kind=Conversation.Kind.SERVICE, members__user=user).delete()
    Member.objects.filter(user=user).delete()
