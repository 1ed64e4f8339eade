from django.db import models


class IdempotencyRecord(models.Model):
    """The first response to a POST sent with an ``Idempotency-Key``, replayed on retries.

    Written in the same transaction as the change it guards: a crash before commit leaves no
    record, so the retry runs again; after commit the retry gets the stored answer.
    """

    owner = models.CharField(max_length=100)
    key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_owner_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.owner}:{self.key}"


class DomainEvent(models.Model):
    """A fact one app announces to others (``shop.order_paid``, ``payments.payorder_paid``),
    written in the transaction of the change. The emitter never imports its listeners."""

    type = models.CharField(max_length=64)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)


class DomainEventDelivery(models.Model):
    """One listener's copy of an event. Marked handled in the same transaction as the
    listener's own writes, so each listener applies each event exactly once."""

    # indexed by domain_event_handler_unique (event first)
    event = models.ForeignKey(
        DomainEvent, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    handler = models.CharField(max_length=200)
    handled_at = models.DateTimeField(null=True, blank=True)
    # defaults in the database too: ``emit`` inserts a delivery with its handler alone
    attempts = models.PositiveIntegerField(default=0, db_default=0)
    last_error = models.CharField(max_length=500, blank=True, default="", db_default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "handler"], name="domain_event_handler_unique")
        ]
        indexes = [
            models.Index(
                fields=["id"],
                name="domain_event_pending_idx",
                condition=models.Q(handled_at__isnull=True),
            )
        ]
