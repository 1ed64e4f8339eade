from django.conf import settings
from django.db import models
from django.db.models import F, Q

USER = settings.AUTH_USER_MODEL


class ContactRequest(models.Model):
    """A friend request. At most one pending request per (sender, recipient)."""

    class Status(models.TextChoices):
        PENDING = "pending"
        ACCEPTED = "accepted"
        DECLINED = "declined"

    from_user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    to_user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    message = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_user", "to_user"],
                condition=Q(status="pending"),
                name="contact_request_one_pending_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(from_user=F("to_user")), name="contact_request_not_to_self"
            ),
        ]
        indexes = [models.Index(fields=["to_user", "status", "-id"])]


class Contact(models.Model):
    """One direction of a friendship; accepting a request writes both directions, so "my
    contacts" is a single indexed lookup on ``owner``."""

    owner = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="contact_entries")
    contact = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "contact"], name="contact_unique_pair"),
            models.CheckConstraint(condition=~Q(owner=F("contact")), name="contact_not_self"),
        ]


class Block(models.Model):
    blocker = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    blocked = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_unique_pair"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="block_not_self"),
        ]


class Moment(models.Model):
    class Visibility(models.TextChoices):
        CONTACTS = "contacts"
        SELECTED = "selected"
        PRIVATE = "private"

    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="moments")
    text = models.TextField(blank=True)
    images = models.JSONField(default=list, blank=True)
    product = models.JSONField(null=True, blank=True)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.CONTACTS
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["author", "-id"])]


class MomentAudience(models.Model):
    """Who may see a ``selected`` Moment."""

    moment = models.ForeignKey(Moment, on_delete=models.CASCADE, related_name="audience")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["moment", "user"], name="moment_audience_unique")
        ]


class MomentLike(models.Model):
    moment = models.ForeignKey(Moment, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["moment", "user"], name="moment_like_once")]


class MomentComment(models.Model):
    moment = models.ForeignKey(Moment, on_delete=models.CASCADE, related_name="comments")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["moment", "id"])]
