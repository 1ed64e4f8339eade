from django.conf import settings
from django.db import models

from superapp.core.fulltext import Document


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


#: Scopes a mini-program may be allowed, and so request on its tokens.
APP_SCOPES = ("profile", "phone", "address", "pay", "subscribe_message", "loyalty", "shop")
#: Scopes that are a user's consent to share personal data with an app (``shop``: shop as the
#: user through the Storefront API, docs/shop.md).
CONSENT_SCOPES = ("profile", "phone", "address", "loyalty", "shop")


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
    allowed_scopes = models.JSONField(default=list, help_text="Subset of APP_SCOPES.")
    sandbox = models.BooleanField(
        default=False, help_text="Only organisation members and testers can log in."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.app_id})"


class MiniProgramTester(models.Model):
    """A user who may open the app's trial version (and log in while it is in sandbox mode)."""

    miniprogram = models.ForeignKey(MiniProgram, on_delete=models.CASCADE, related_name="testers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["miniprogram", "user"], name="mp_tester_unique")
        ]


class MiniProgramVersion(models.Model):
    """One uploaded bundle and where it is in review. The zip is kept as uploaded (validated)
    and files are served straight out of it."""

    class Status(models.TextChoices):
        DRAFT = "draft"
        TRIAL = "trial"
        SUBMITTED = "submitted"
        APPROVED = "approved"
        REJECTED = "rejected"
        RELEASED = "released"
        SUPERSEDED = "superseded"
        ROLLED_BACK = "rolled_back"

    miniprogram = models.ForeignKey(MiniProgram, on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(max_length=32)
    description = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    manifest = models.JSONField()
    bundle = models.BinaryField()
    bundle_size = models.PositiveIntegerField(help_text="Uncompressed bytes of all files.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_reason = models.CharField(max_length=1000, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["miniprogram", "version"], name="mp_version_unique"),
            models.UniqueConstraint(
                fields=["miniprogram"],
                condition=models.Q(status="released"),
                name="mp_one_released_version",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(review_reason=""),
                name="mp_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.miniprogram_id}@{self.version} ({self.status})"


class VersionAuditEntry(models.Model):
    """Every lifecycle step of a version: who, when, from which status to which, and why."""

    version = models.ForeignKey(
        MiniProgramVersion, on_delete=models.CASCADE, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=16)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    reason = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class AppIdentity(models.Model):
    """The ``openid``: what one app knows a user as. Random, so unlinkable across apps."""

    miniprogram = models.ForeignKey(MiniProgram, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    openid = models.CharField(max_length=40, unique=True)
    session_key_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the last session key code2session gave."
    )
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


class ConsentGrant(models.Model):
    """A user's grant of one scope to one app. Revoking stamps ``revoked_at`` (the history
    stays); the API checks for an active grant on every read, so revocation is immediate."""

    miniprogram = models.ForeignKey(MiniProgram, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=32)
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["miniprogram", "user", "scope"],
                condition=models.Q(revoked_at__isnull=True),
                name="consent_one_active_grant",
            )
        ]
        indexes = [models.Index(fields=["user", "miniprogram"], name="consent_user_app_idx")]


class SubscribeAcceptance(models.Model):
    """The user said yes to messages of ``template`` from this app: ``once`` allows exactly one
    send (``used_at`` stamps it), ``always`` is a standing acceptance that allows every send
    until the user turns it off (``revoked_at``)."""

    class Mode(models.TextChoices):
        ONCE = "once"
        ALWAYS = "always"

    miniprogram = models.ForeignKey(MiniProgram, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    template = models.CharField(max_length=64)
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.ONCE)
    accepted_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["miniprogram", "user", "template"],
                condition=models.Q(mode="always", revoked_at__isnull=True),
                name="subscribe_one_standing",
            ),
            models.CheckConstraint(
                condition=models.Q(mode="once") | models.Q(used_at__isnull=True),
                name="subscribe_standing_never_used_up",
            ),
        ]
        indexes = [
            models.Index(
                fields=["miniprogram", "user", "template"],
                condition=models.Q(used_at__isnull=True),
                name="subscribe_unused_idx",
            ),
            models.Index(
                fields=["user", "miniprogram"],
                condition=models.Q(mode="always", revoked_at__isnull=True),
                name="subscribe_standing_user_idx",
            ),
        ]


class SubscribeMessage(models.Model):
    """A message sent on one acceptance. ``once`` copies the acceptance's mode so that "one
    once-acceptance, one message" stays a database fact (the conditional unique constraint);
    a standing acceptance carries any number of messages."""

    acceptance = models.ForeignKey(
        SubscribeAcceptance, on_delete=models.CASCADE, related_name="messages"
    )
    once = models.BooleanField(default=True)
    miniprogram = models.ForeignKey(MiniProgram, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    template = models.CharField(max_length=64)
    data = models.JSONField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["acceptance"],
                condition=models.Q(once=True),
                name="subscribe_message_once",
            )
        ]


class EntryVisit(models.Model):
    """One opening of an app, for the developer's entry analytics."""

    class Source(models.TextChoices):
        CHAT_CARD = "chat_card"
        QR = "qr"
        OFFICIAL_ACCOUNT_MENU = "official_account_menu"
        SEARCH = "search"
        LINK = "link"
        RECENT = "recent"

    miniprogram = models.ForeignKey(MiniProgram, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=32, choices=Source.choices)
    scene = models.CharField(max_length=32, blank=True)
    path = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["miniprogram", "created_at"], name="entry_app_time_idx"),
            # "Recently used" in the app: a person's latest openings.
            models.Index(fields=["user", "-created_at"], name="entry_user_time_idx"),
        ]


class ShareLink(models.Model):
    """The long-link variant of a deep link: a short code standing for a page and a query of
    any length (the QR ``scene`` carries at most 32 characters)."""

    code = models.CharField(max_length=24, unique=True)
    miniprogram = models.ForeignKey(MiniProgram, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=200)
    query = models.CharField(max_length=1024, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class ConsumerContact(models.Model):
    """A consumer's phone number, shared with an app only under the ``phone`` grant."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mp_contact"
    )
    phone = models.CharField(max_length=20)
    updated_at = models.DateTimeField(auto_now=True)


class ShippingAddress(models.Model):
    """A consumer's address book, shared with an app only under the ``address`` grant
    (``SHARED_FIELDS``: what the app sees and what the consumer's API answers besides ``id``)."""

    SHARED_FIELDS = (
        "recipient",
        "phone",
        "line1",
        "line2",
        "city",
        "postal_code",
        "country",
        "is_default",
    )

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mp_addresses"
    )
    recipient = models.CharField(max_length=64)
    phone = models.CharField(max_length=20)
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_default=True),
                name="address_one_default_per_user",
            )
        ]


# What search matches (superapp/core/fulltext.py; migration 0004 creates it).
MINIPROGRAM_SEARCH = Document(
    table="miniprograms_miniprogram", fields=(("name", "A"),), names=("name",)
)
