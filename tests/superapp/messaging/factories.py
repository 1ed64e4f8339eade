"""Factories for conversations, built through the real services (so members, seqs and
events are exactly what production makes)."""

from superapp.messaging import services
from tests.factories import UserFactory
from tests.superapp.social.factories import befriend


def direct_chat(a=None, b=None):
    """A direct conversation between two contacts; returns ``(conversation, a, b)``."""
    a, b = a or UserFactory(), b or UserFactory()
    befriend(a, b)
    conversation, _ = services.direct_conversation_open(actor=a, other=b)
    return conversation, a, b


def group_chat(owner=None, members=2, title="Team"):
    """A group owned by ``owner`` with ``members`` other members (all the owner's contacts);
    returns ``(conversation, owner, [members])``."""
    owner = owner or UserFactory()
    others = UserFactory.create_batch(members)
    for other in others:
        befriend(owner, other)
    conversation = services.group_create(actor=owner, members=others, title=title)
    return conversation, owner, others


def send_text(conversation, sender, text="hello", **extra):
    message, _ = services.message_send(
        actor=sender, conversation_id=conversation.pk, type="text", text=text, **extra
    )
    return message
