"""Demo chats: alice and bob talk directly; alice, bob and carol share a group."""

from superapp.accounts.models import User
from superapp.messaging import services
from superapp.messaging.models import Conversation


def seed(stdout) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=["alice", "bob", "carol"])}
    alice, bob, carol = users["alice"], users["bob"], users["carol"]
    direct, created = services.direct_conversation_open(actor=alice, other=bob)
    if created:
        for sender, text in ((alice, "Lunch tomorrow?"), (bob, "Sure, noon at the market")):
            services.message_send(actor=sender, conversation_id=direct.pk, type="text", text=text)
    if not Conversation.objects.filter(kind="group", title="Weekend hike").exists():
        group = services.group_create(actor=alice, members=[bob, carol], title="Weekend hike")
        services.message_send(
            actor=alice, conversation_id=group.pk, type="text", text="Bus at 8!", mentions=["all"]
        )
    stdout.write("messaging: alice ↔ bob direct chat, 'Weekend hike' group")
