from django.conf import settings
from django.db import models
from django.db.models import Q

from superapp.core.fulltext import Document

USER = settings.AUTH_USER_MODEL


class Conversation(models.Model):
    """A chat. ``last_seq`` is the per-conversation message counter: a sender takes the next
    value while holding this row's lock, so seqs are 1..N with no gap and no duplicate."""

    class Kind(models.TextChoices):
        DIRECT = "direct"
        GROUP = "group"
        SERVICE = "service"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    # "direct:<low id>:<high id>" or "service:<user id>": unique, so each exists once even when
    # created by concurrent requests. Null for groups.
    unique_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    title = models.CharField(max_length=100, blank=True)
    announcement = models.TextField(blank=True)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_message = models.ForeignKey(
        "Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="group", unique_key__isnull=True)
                | (~Q(kind="group") & Q(unique_key__isnull=False)),
                name="conversation_unique_key_matches_kind",
            )
        ]


class Member(models.Model):
    """A current member. Removal deletes the row: a removed member sees nothing any more.
    ``joined_seq`` hides history from before joining; ``read_seq``/``delivered_seq`` are the
    member's positions (unread = conversation.last_seq - read_seq); the member has an unread
    @-mention while ``last_mention_seq > read_seq``."""

    class Role(models.TextChoices):
        OWNER = "owner"
        ADMIN = "admin"
        MEMBER = "member"

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="conversation_members")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    joined_seq = models.PositiveBigIntegerField(default=0)
    read_seq = models.PositiveBigIntegerField(default=0)
    delivered_seq = models.PositiveBigIntegerField(default=0)
    last_mention_seq = models.PositiveBigIntegerField(
        default=0, help_text="Seq of the last message that @-mentioned this member."
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="member_unique"),
            models.CheckConstraint(
                condition=Q(read_seq__gte=models.F("joined_seq")), name="member_read_after_join"
            ),
        ]
        indexes = [models.Index(fields=["user", "conversation"])]


class Message(models.Model):
    class Type(models.TextChoices):
        TEXT = "text"
        IMAGE = "image"
        VOICE = "voice"
        VIDEO = "video"
        FILE = "file"
        PRODUCT = "product"
        MINIPROGRAM = "miniprogram"
        OFFICIAL_ACCOUNT = "official_account"
        RED_PACKET = "red_packet"
        SYSTEM = "system"
        NOTIFICATION = "notification"

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    seq = models.PositiveBigIntegerField()
    sender = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    type = models.CharField(max_length=16, choices=Type.choices)
    text = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    client_msg_id = models.CharField(max_length=64, null=True, blank=True)
    mentions = models.JSONField(default=list, blank=True)
    mentions_all = models.BooleanField(default=False)
    recalled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="message_seq_unique"),
            models.UniqueConstraint(
                fields=["conversation", "sender", "client_msg_id"],
                condition=Q(client_msg_id__isnull=False),
                name="message_client_msg_id_unique",
            ),
            models.CheckConstraint(condition=Q(seq__gte=1), name="message_seq_gte_1"),
        ]

    def as_dict(self) -> dict:
        """The one representation of a message, in API answers and in events alike.
        A recalled message keeps its seq but becomes a system notice for everyone."""
        sender = self.sender
        content = {"type": self.type, "text": self.text, "payload": self.payload}
        if self.recalled_at is not None:
            who = sender.display_name if sender else "Someone"
            content = {
                "type": self.Type.SYSTEM,
                "text": f"{who} recalled a message",
                "payload": {"recalled_type": self.type},
            }
        return {
            "id": self.pk,
            "conversation_id": self.conversation_id,
            "seq": self.seq,
            **content,
            "sender": None
            if sender is None
            else {
                "id": sender.pk,
                "username": sender.username,
                "display_name": sender.display_name,
            },
            "client_msg_id": self.client_msg_id,
            "mentions": [] if self.recalled_at else self.mentions,
            "mentions_all": self.mentions_all and not self.recalled_at,
            "recalled": self.recalled_at is not None,
            "created_at": self.created_at.isoformat().replace("+00:00", "Z"),
        }


class NoticeName(models.Model):
    """A person a platform notice names ("{0} added {1}"): who, where in the notice's
    template (``payload["template"]``) and the name as it read then. Erasure finds the notices
    naming someone here and re-renders them without the name."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="names")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=150)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "position"], name="notice_name_position")
        ]
        indexes = [models.Index(fields=["user"], name="notice_name_user")]


# What search matches (superapp/core/fulltext.py; migration 0004 creates it).
MESSAGE_SEARCH = Document(table="messaging_message", fields=(("text", "A"),))
CONVERSATION_SEARCH = Document(
    table="messaging_conversation", fields=(("title", "A"),), names=("title",)
)
