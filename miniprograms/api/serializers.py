from django.conf import settings
from rest_framework import serializers

from miniprograms.models import (
    APP_SCOPES,
    CONSENT_SCOPES,
    ConsentGrant,
    DeveloperOrganisation,
    EntryVisit,
    MiniProgram,
    MiniProgramTester,
    MiniProgramVersion,
    OrganisationMember,
    ShippingAddress,
    VersionAuditEntry,
)

# --- Developer side ----------------------------------------------------------------------------


class MpOrganisationInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)


class MpOrganisationOutput(serializers.ModelSerializer):
    class Meta:
        model = DeveloperOrganisation
        fields = ["id", "name", "created_at"]


class MpMemberOutput(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")

    class Meta:
        model = OrganisationMember
        fields = ["id", "username", "role"]


class MiniProgramCreateInput(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    organisation = serializers.IntegerField(required=False, help_text="Default: a new one.")
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=APP_SCOPES), required=False, default=list(APP_SCOPES)
    )


class MiniProgramUpdateInput(serializers.Serializer):
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=APP_SCOPES), required=False
    )
    sandbox = serializers.BooleanField(required=False)


class MiniProgramOutput(serializers.ModelSerializer):
    organisation = serializers.IntegerField(source="organisation_id")
    scopes = serializers.ListField(source="allowed_scopes", child=serializers.CharField())

    class Meta:
        model = MiniProgram
        fields = ["app_id", "name", "organisation", "scopes", "sandbox", "created_at"]


class MiniProgramCreatedOutput(MiniProgramOutput):
    app_secret = serializers.CharField(help_text="Shown once; store it now.")

    class Meta(MiniProgramOutput.Meta):
        fields = [*MiniProgramOutput.Meta.fields, "app_secret"]


class MpSecretOutput(serializers.Serializer):
    app_id = serializers.CharField()
    app_secret = serializers.CharField(help_text="Shown once; the old secret stops working.")


class MpTesterInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)


class MpTesterOutput(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")

    class Meta:
        model = MiniProgramTester
        fields = ["username", "created_at"]


class MpVersionUploadInput(serializers.Serializer):
    version = serializers.RegexField(r"^[0-9A-Za-z.\-]{1,32}$")
    description = serializers.CharField(max_length=500, required=False, default="")
    bundle = serializers.FileField(help_text="zip with app.json at its root")


class MpAuditEntryOutput(serializers.ModelSerializer):
    class Meta:
        model = VersionAuditEntry
        fields = ["action", "actor_id", "from_status", "to_status", "reason", "created_at"]


class MpVersionOutput(serializers.ModelSerializer):
    app_id = serializers.CharField(source="miniprogram.app_id")
    audit = MpAuditEntryOutput(source="audit_entries", many=True, read_only=True)

    class Meta:
        model = MiniProgramVersion
        fields = [
            "id",
            "app_id",
            "version",
            "description",
            "status",
            "manifest",
            "bundle_size",
            "review_reason",
            "released_at",
            "created_at",
            "audit",
        ]


class MpReviewInput(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, required=False, default="")


class MpRejectInput(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class MpEntryStatOutput(serializers.Serializer):
    day = serializers.DateField()
    source = serializers.ChoiceField(choices=EntryVisit.Source.choices)
    visits = serializers.IntegerField()
    users = serializers.IntegerField()


class MpQuotaOutput(serializers.Serializer):
    name = serializers.CharField()
    limit = serializers.IntegerField()
    used = serializers.IntegerField()
    window_seconds = serializers.IntegerField()


class MpLinkInput(serializers.Serializer):
    path = serializers.RegexField(r"^[A-Za-z0-9_\-/]{1,200}$")
    scene = serializers.CharField(
        max_length=settings.MINIPROGRAM_SCENE_MAX_LENGTH, required=False, allow_blank=True
    )
    query = serializers.CharField(max_length=1024, required=False, allow_blank=True)

    def validate(self, attrs):
        if attrs.get("scene") and attrs.get("query"):
            raise serializers.ValidationError("Give a scene (QR) or a query (long link), not both.")
        return attrs


class MpLinkOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["qr", "long"])
    url = serializers.CharField()
    qr_svg = serializers.CharField(help_text="An SVG data URI of the QR code.")


# --- Consumer side -----------------------------------------------------------------------------


class MpSubscribeTemplateOutput(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()


class MpLaunchOutput(serializers.Serializer):
    app_id = serializers.CharField()
    name = serializers.CharField()
    version = serializers.CharField()
    trial = serializers.BooleanField()
    entry_page = serializers.CharField()
    pages = serializers.ListField(child=serializers.CharField())
    routes = serializers.ListField(
        child=serializers.CharField(),
        help_text="Paths the entry page draws itself (a single-page app): opened with the path "
        "in the launch options.",
    )
    bundle_url = serializers.CharField(help_text="Base URL of the bundle's files.")
    developer = serializers.CharField(help_text="The developer organisation's name.")
    scopes = serializers.ListField(
        child=serializers.CharField(), help_text="The scopes the platform allows this app."
    )
    sandbox = serializers.BooleanField(help_text="Payments are in test money.")
    subscribe_templates = MpSubscribeTemplateOutput(many=True)


class MpOpenInput(serializers.Serializer):
    source = serializers.ChoiceField(choices=EntryVisit.Source.choices)
    scene = serializers.CharField(
        max_length=settings.MINIPROGRAM_SCENE_MAX_LENGTH, required=False, default=""
    )
    path = serializers.CharField(max_length=200, required=False, default="")


class MpLoginInput(serializers.Serializer):
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=CONSENT_SCOPES), required=False, default=list
    )
    code_challenge = serializers.RegexField(
        r"^[A-Za-z0-9\-._~]{43,128}$", required=False, default=""
    )
    code_challenge_method = serializers.ChoiceField(
        choices=["S256"], required=False, default="S256"
    )
    nonce = serializers.CharField(max_length=255, required=False, default="")


class MpLoginOutput(serializers.Serializer):
    code = serializers.CharField()
    expires_in = serializers.IntegerField()


class MpSubscriptionInput(serializers.Serializer):
    templates = serializers.ListField(
        child=serializers.CharField(max_length=64),
        max_length=3,
        required=False,
        default=list,
        help_text="Templates accepted once: each allows exactly one message.",
    )
    always = serializers.ListField(
        child=serializers.CharField(max_length=64),
        max_length=3,
        required=False,
        default=list,
        help_text="Templates accepted always: every message until the person turns it off.",
    )

    def validate(self, attrs):
        if not attrs["templates"] and not attrs["always"]:
            raise serializers.ValidationError("Accept at least one template.")
        return attrs


class MpSubscriptionOutput(serializers.Serializer):
    accepted = serializers.ListField(
        child=serializers.CharField(), help_text="Every template accepted (once or always)."
    )
    always = serializers.ListField(
        child=serializers.CharField(), help_text="The templates accepted always."
    )


class MpStandingSubscriptionsQuery(serializers.Serializer):
    app_id = serializers.CharField(max_length=40, required=False, default="")


class MpStandingSubscriptionOutput(serializers.Serializer):
    app_id = serializers.CharField()
    app_name = serializers.CharField()
    template = serializers.CharField()
    title = serializers.CharField()
    accepted_at = serializers.DateTimeField()


class MpCardInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    page_path = serializers.CharField(max_length=500)
    image_url = serializers.CharField(max_length=1000)


class MpCardOutput(serializers.Serializer):
    app_id = serializers.CharField()
    title = serializers.CharField()
    page_path = serializers.CharField()
    image_url = serializers.CharField()


class MpRecentOutput(serializers.Serializer):
    app_id = serializers.CharField()
    name = serializers.CharField()
    last_opened_at = serializers.DateTimeField()


class MpShareLinkOutput(serializers.Serializer):
    app_id = serializers.CharField(source="miniprogram.app_id")
    path = serializers.CharField()
    query = serializers.CharField()


class MpGrantOutput(serializers.ModelSerializer):
    app_id = serializers.CharField(source="miniprogram.app_id")
    app_name = serializers.CharField(source="miniprogram.name")

    class Meta:
        model = ConsentGrant
        fields = ["app_id", "app_name", "scope", "granted_at"]


class MpContactInput(serializers.Serializer):
    phone = serializers.RegexField(r"^\+[1-9][0-9]{6,14}$", help_text="E.164, e.g. +4915112345678")


class MpContactOutput(serializers.Serializer):
    phone = serializers.CharField(allow_null=True)


class MpAddressSerializer(serializers.ModelSerializer):
    country = serializers.RegexField(r"^[A-Z]{2}$")
    phone = serializers.RegexField(r"^\+[1-9][0-9]{6,14}$")

    class Meta:
        model = ShippingAddress
        fields = ["id", *ShippingAddress.SHARED_FIELDS]
        read_only_fields = ["id"]


# --- App server side ---------------------------------------------------------------------------


class MpCode2SessionInput(serializers.Serializer):
    code = serializers.CharField(max_length=255)


class MpCode2SessionOutput(serializers.Serializer):
    openid = serializers.CharField()
    unionid = serializers.CharField()
    session_key = serializers.CharField()


class MpAppUserOutput(serializers.Serializer):
    openid = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    display_name = serializers.CharField(required=False)
    avatar_url = serializers.CharField(required=False)
    phone = serializers.CharField(required=False, allow_null=True)
    addresses = MpAddressSerializer(many=True, required=False)


class MpSubscribeMessageInput(serializers.Serializer):
    openid = serializers.CharField(max_length=40)
    template = serializers.CharField(max_length=64)
    data = serializers.DictField(child=serializers.CharField(max_length=200))

    def validate_data(self, value):
        if len(value) > 20:
            raise serializers.ValidationError("At most 20 fields.")
        return value


class MpSubscribeMessageOutput(serializers.Serializer):
    id = serializers.IntegerField()
    template = serializers.CharField()
    sent_at = serializers.DateTimeField()


class OAuthAuthorizeQuery(serializers.Serializer):
    """An authorization request's parameters, as the client put them on /o/authorize/."""

    client_id = serializers.CharField(max_length=100)
    redirect_uri = serializers.CharField(max_length=2000, required=False, default="")
    response_type = serializers.CharField(max_length=40)
    scope = serializers.CharField(max_length=500, required=False, default="")
    state = serializers.CharField(max_length=500, required=False, default="")
    code_challenge = serializers.CharField(max_length=128, required=False, default="")
    code_challenge_method = serializers.CharField(max_length=10, required=False, default="")
    nonce = serializers.CharField(max_length=255, required=False, default="")


class OAuthAuthorizeInput(OAuthAuthorizeQuery):
    allow = serializers.BooleanField()


class OAuthAuthorizeRequestOutput(serializers.Serializer):
    client_id = serializers.CharField()
    name = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    redirect_uri = serializers.CharField()


class OAuthAuthorizeOutput(serializers.Serializer):
    redirect_to = serializers.CharField()
