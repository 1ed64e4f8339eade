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
