from django.conf import settings
from django.db import models


class DeveloperOrganisation(models.Model):
    """Who publishes mini-programs. A user's ``unionid`` is shared by one organisation's apps."""

    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class OrganisationMember(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner"
        ADMIN = "admin"
        DEVELOPER = "developer"

    organisation = models.ForeignKey(
        DeveloperOrganisation, on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=16, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="org_member_unique")
        ]


class MiniProgram(models.Model):
    """A registered app. Its ``app_id``/``app_secret`` are the client id/secret of its own
    django-oauth-toolkit application (secret stored hashed by DOT), so the app's server uses
    the client-credentials grant at /o/token/ like any OAuth2 client."""

    app_id = models.CharField(max_length=32, unique=True)
    organisation = models.ForeignKey(
        DeveloperOrganisation, on_delete=models.PROTECT, related_name="miniprograms"
    )
    oauth_application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.PROTECT,
        related_name="miniprogram",
    )
    name = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.app_id})"


class AppIdentity(models.Model):
    """The ``openid``: what one app knows a user as. Random, so unlinkable across apps."""

    miniprogram = models.ForeignKey(MiniProgram, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    openid = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["miniprogram", "user"], name="app_identity_unique")
        ]


class UnionIdentity(models.Model):
    """The ``unionid``: the same user across the apps of one developer organisation."""

    organisation = models.ForeignKey(
        DeveloperOrganisation, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unionid = models.CharField(max_length=40, unique=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="union_identity_unique")
        ]
