from django.conf import settings
from django.db import models


class Brand(models.Model):
    """A brand organisation. Its developer organisation owns the brand's mini-programs (its
    shop included) and is the merchant that its pay orders credit."""

    name = models.CharField(max_length=100)
    verified_at = models.DateTimeField(null=True, blank=True)
    developer_organisation = models.OneToOneField(
        "miniprograms.DeveloperOrganisation", on_delete=models.PROTECT, related_name="brand"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class BrandMember(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner"
        ADMIN = "admin"
        ASSOCIATE = "associate"

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="brand_memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brand", "user"], name="brand_member_unique"),
            models.UniqueConstraint(
                fields=["brand"], condition=models.Q(role="owner"), name="brand_single_owner"
            ),
        ]
