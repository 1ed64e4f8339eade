from django.core.validators import RegexValidator
from rest_framework import serializers

from loyalty import selectors
from loyalty.models import (
    AssociateHandover,
    BonusCampaign,
    Campaign,
    Client,
    ClientNote,
    Commission,
    Consent,
    FollowUpTask,
    Member,
    PointEntry,
    Program,
    Purchase,
    Redemption,
    Reward,
    Segment,
    Tag,
    Tier,
)

currency_field = serializers.CharField(
    min_length=3, max_length=3, validators=[RegexValidator(r"^[A-Z]{3}$", "ISO-4217 code.")]
)


class PublicUserOutput(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()


# --- Programs ---------------------------------------------------------------------------------


class TierSerializer(serializers.ModelSerializer):
    multiplier_percent = serializers.IntegerField(min_value=100, max_value=1000, default=100)

    class Meta:
        model = Tier
        fields = ["name", "min_spend", "multiplier_percent"]
        validators: list = []


class ProgramCreateInput(serializers.Serializer):
    brand_id = serializers.IntegerField()
    name = serializers.CharField(max_length=100)
    points_name = serializers.CharField(max_length=32, default="points")
    currency = currency_field
    points_per_unit = serializers.IntegerField(min_value=1, max_value=10000)
    unit_minor = serializers.IntegerField(min_value=1, max_value=10000, default=100)
    expiry_months = serializers.IntegerField(min_value=1, max_value=120, default=12)
    signup_points = serializers.IntegerField(min_value=0, max_value=10**6, default=0)
    referrer_points = serializers.IntegerField(min_value=0, max_value=10**6, default=0)
    referred_points = serializers.IntegerField(min_value=0, max_value=10**6, default=0)
    redeem_points_per_unit = serializers.IntegerField(min_value=1, max_value=10**6)
    checkout_max_amount = serializers.IntegerField(min_value=1, max_value=10**12)
    checkout_max_percent = serializers.IntegerField(min_value=1, max_value=100, default=50)
    coupon_valid_days = serializers.IntegerField(min_value=1, max_value=365, default=30)
    commission_bps = serializers.IntegerField(min_value=0, max_value=10000, default=0)
    tiers = TierSerializer(many=True, required=False, max_length=10)


class ProgramUpdateInput(ProgramCreateInput):
    """Every rule but the brand, the currency and the tiers; send only what changes."""

    brand_id = None
    currency = None
    tiers = None
    is_active = serializers.BooleanField(required=False)


class BonusCampaignSerializer(serializers.ModelSerializer):
    multiplier_percent = serializers.IntegerField(min_value=101, max_value=1000)

    class Meta:
        model = BonusCampaign
        fields = [
            "id",
            "name",
            "starts_at",
            "ends_at",
            "multiplier_percent",
            "product_id",
            "collection_id",
        ]
        read_only_fields = ["id"]


class RewardSerializer(serializers.ModelSerializer):
    points_cost = serializers.IntegerField(min_value=1, max_value=10**9)
    coupon_value = serializers.IntegerField(min_value=1, max_value=10**12)

    class Meta:
        model = Reward
        fields = [
            "id",
            "name",
            "points_cost",
            "coupon_kind",
            "coupon_value",
            "min_spend",
            "valid_days",
        ]
        read_only_fields = ["id"]


class RewardUpdateInput(RewardSerializer):
    """What may change in an offered reward: not its kind (percent or fixed)."""

    class Meta(RewardSerializer.Meta):
        fields = ["name", "points_cost", "coupon_value", "min_spend", "valid_days"]


class ProgramOutput(serializers.ModelSerializer):
    tiers = TierSerializer(many=True)
    rewards = serializers.SerializerMethodField()

    class Meta:
        model = Program
        fields = [
            "id",
            "brand_id",
            "name",
            "points_name",
            "currency",
            "points_per_unit",
            "unit_minor",
            "expiry_months",
            "signup_points",
            "referrer_points",
            "referred_points",
            "redeem_points_per_unit",
            "checkout_max_amount",
            "checkout_max_percent",
            "coupon_valid_days",
            "commission_bps",
            "tiers",
            "rewards",
        ]

    def get_rewards(self, program) -> RewardSerializer(many=True):
        active = [reward for reward in program.rewards.all() if reward.is_active]
        return RewardSerializer(active, many=True).data


# --- Members, points, redemptions -------------------------------------------------------------


class JoinInput(serializers.Serializer):
    referral_code = serializers.CharField(max_length=16, required=False, allow_blank=True)


class CardOutput(serializers.ModelSerializer):
    brand_id = serializers.IntegerField(source="program.brand_id")
    program = serializers.CharField(source="program.name")
    points_name = serializers.CharField(source="program.points_name")
    tier = serializers.CharField(source="tier.name")
    qr_payload = serializers.SerializerMethodField()
    points_expiring_30d = serializers.SerializerMethodField()

    class Meta:
        model = Member
        fields = [
            "brand_id",
            "program",
            "points_name",
            "member_number",
            "tier",
            "points",
            "debt",
            "rolling_spend",
            "points_expiring_30d",
            "qr_payload",
            "joined_at",
        ]

    def get_qr_payload(self, member) -> str:
        return selectors.card_payload(member)

    def get_points_expiring_30d(self, member) -> int:
        return selectors.points_expiring(member=member)


class MemberCardOutput(CardOutput):
    """A card in the person's list: the brand's name, without the per-card expiry sum."""

    brand_name = serializers.CharField(source="program.brand.name")

    class Meta(CardOutput.Meta):
        fields = [
            "brand_id",
            "brand_name",
            "program",
            "points_name",
            "member_number",
            "tier",
            "points",
            "qr_payload",
            "joined_at",
        ]


class PointEntryOutput(serializers.ModelSerializer):
    class Meta:
        model = PointEntry
        fields = ["id", "kind", "reason", "points", "debt_change", "purchase_id", "created_at"]


class RedemptionInput(serializers.Serializer):
    points = serializers.IntegerField(min_value=1, max_value=10**9, required=False)
    reward_id = serializers.IntegerField(required=False)

    def validate(self, attrs):
        if ("points" in attrs) == ("reward_id" in attrs):
            raise serializers.ValidationError("Give exactly one of points or reward_id.")
        return attrs


class RewardCouponOutput(serializers.Serializer):
    kind = serializers.CharField()
    value = serializers.IntegerField()
    currency = serializers.CharField()
    min_spend = serializers.IntegerField()
    valid_until = serializers.DateTimeField()


class RedemptionOutput(serializers.ModelSerializer):
    coupon = RewardCouponOutput()

    class Meta:
        model = Redemption
        fields = ["id", "kind", "reward_id", "points", "coupon", "created_at"]


class InStorePurchaseInput(serializers.Serializer):
    card = serializers.CharField(
        max_length=120, help_text="The card's QR payload, or its member number typed in."
    )
    amount = serializers.IntegerField(min_value=1, max_value=10**12)
    currency = currency_field
    reference = serializers.CharField(max_length=64)


class PurchaseOutput(serializers.ModelSerializer):
    member_number = serializers.CharField(source="member.member_number", allow_null=True)

    class Meta:
        model = Purchase
        fields = [
            "id",
            "source",
            "reference",
            "amount",
            "currency",
            "paid_at",
            "points_awarded",
            "member_number",
        ]


class HandoverOutput(serializers.ModelSerializer):
    from_associate = PublicUserOutput(allow_null=True)
    to_associate = PublicUserOutput(allow_null=True)

    class Meta:
        model = AssociateHandover
        fields = ["id", "from_associate", "to_associate", "reason", "created_at"]


class MyAssociateOutput(serializers.Serializer):
    associate = PublicUserOutput(allow_null=True)
    handovers = HandoverOutput(many=True)


# --- Client book ------------------------------------------------------------------------------


class ClientOutput(serializers.ModelSerializer):
    user = PublicUserOutput()
    associate = PublicUserOutput(allow_null=True)
    member_number = serializers.CharField(
        source="member.member_number", default=None, allow_null=True
    )
    tier = serializers.CharField(source="member.tier.name", default=None, allow_null=True)
    points = serializers.IntegerField(source="member.points", default=None, allow_null=True)
    rolling_spend = serializers.IntegerField(
        source="member.rolling_spend", default=None, allow_null=True
    )
    marketing_consent = serializers.BooleanField(help_text="Active marketing consent.")
    crm_profile_consent = serializers.BooleanField(help_text="Active CRM-profile consent.")

    class Meta:
        model = Client
        fields = [
            "id",
            "user",
            "associate",
            "member_number",
            "tier",
            "points",
            "rolling_spend",
            "marketing_consent",
            "crm_profile_consent",
            "followed_at",
            "opted_in_at",
            "last_purchase_at",
            "created_at",
        ]


class TagInput(serializers.Serializer):
    name = serializers.CharField(max_length=40)
    personal = serializers.BooleanField(default=False)


class TagOutput(serializers.ModelSerializer):
    personal = serializers.SerializerMethodField()

    class Meta:
        model = Tag
        fields = ["id", "name", "personal"]

    def get_personal(self, tag) -> bool:
        return tag.owner_id is not None


class ClientDetailOutput(ClientOutput):
    tags = serializers.SerializerMethodField()

    class Meta(ClientOutput.Meta):
        fields = [*ClientOutput.Meta.fields, "tags"]

    def get_tags(self, client) -> TagOutput(many=True):
        tags = selectors.client_tags(client=client, user=self.context["user"])
        return TagOutput(tags, many=True).data


class AssignInput(serializers.Serializer):
    associate = serializers.CharField(max_length=32, help_text="Username of the associate.")
    reason = serializers.CharField(max_length=200, allow_blank=True, default="")


class NoteInput(serializers.Serializer):
    body = serializers.CharField(max_length=2000)


class NoteOutput(serializers.ModelSerializer):
    author = PublicUserOutput(allow_null=True)

    class Meta:
        model = ClientNote
        fields = ["id", "author", "body", "created_at"]


class TaskInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    due_at = serializers.DateTimeField()
    assignee = serializers.CharField(max_length=32, required=False)


class TaskOutput(serializers.ModelSerializer):
    client = PublicUserOutput(source="client.user")
    assignee = PublicUserOutput()

    class Meta:
        model = FollowUpTask
        fields = ["id", "client_id", "client", "assignee", "title", "due_at", "done_at"]


class TimelineItemOutput(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[
            "purchase",
            "live_show_purchase",
            "points",
            "service_chat",
            "campaign",
            "handover",
        ]
    )
    at = serializers.DateTimeField()
    details = serializers.DictField()


class TimelineOutput(serializers.Serializer):
    results = TimelineItemOutput(many=True)
    next = serializers.DateTimeField(allow_null=True, help_text="Pass as ?before= for more.")


class TimelineQuery(serializers.Serializer):
    before = serializers.DateTimeField(required=False)


class SegmentFilters(serializers.Serializer):
    tiers = serializers.ListField(child=serializers.CharField(max_length=32), required=False)
    min_spend = serializers.IntegerField(min_value=0, required=False)
    max_spend = serializers.IntegerField(min_value=0, required=False)
    last_purchase_after = serializers.DateTimeField(required=False)
    last_purchase_before = serializers.DateTimeField(required=False)
    tags = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=10)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("A segment needs at least one filter.")
        return attrs


class SegmentSerializer(serializers.ModelSerializer):
    filters = SegmentFilters()

    class Meta:
        model = Segment
        fields = ["id", "name", "filters", "created_at"]
        read_only_fields = ["id", "created_at"]


class SegmentPreviewInput(SegmentFilters):
    """Filters being edited: none at all is the whole client book."""

    def validate(self, attrs):
        return attrs


class SegmentPreviewOutput(serializers.Serializer):
    size = serializers.IntegerField(help_text="Clients the filters match.")
    consenting = serializers.IntegerField(
        help_text="Of those, the clients a campaign reaches: active marketing consent."
    )


class CampaignInput(serializers.Serializer):
    segment_id = serializers.IntegerField()
    account_id = serializers.IntegerField(
        required=False,
        help_text="The brand's official account to send from (default: its oldest account).",
    )
    title = serializers.CharField(max_length=100)
    body = serializers.CharField(max_length=2000)


class CampaignOutput(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = [
            "id",
            "segment_id",
            "account_id",
            "title",
            "body",
            "recipient_count",
            "skipped_without_consent",
            "created_at",
        ]


class CampaignResultOutput(CampaignOutput):
    segment_name = serializers.CharField(source="segment.name")
    delivered_count = serializers.SerializerMethodField(
        help_text="Recipients who follow the account and so received it."
    )

    class Meta(CampaignOutput.Meta):
        fields = [*CampaignOutput.Meta.fields, "segment_name", "delivered_count"]

    def get_delivered_count(self, campaign) -> int:
        return self.context.get("delivered", {}).get(campaign.pk, 0)


class MemberLookupInput(serializers.Serializer):
    card = serializers.CharField(
        max_length=120, help_text="The card's QR payload, or its member number typed in."
    )


class MemberAtTillOutput(serializers.ModelSerializer):
    """A member as brand staff see them at the till."""

    user = PublicUserOutput()
    tier = serializers.CharField(source="tier.name")
    points_name = serializers.CharField(source="program.points_name")
    currency = serializers.CharField(source="program.currency")

    class Meta:
        model = Member
        fields = ["member_number", "user", "tier", "points", "points_name", "currency"]


class CommissionOutput(serializers.ModelSerializer):
    associate = PublicUserOutput()

    class Meta:
        model = Commission
        fields = ["id", "associate", "purchase_id", "amount", "currency", "created_at"]


class CommissionTotalOutput(serializers.Serializer):
    currency = serializers.CharField()
    amount = serializers.IntegerField(help_text="All time, in minor units (refunds deducted).")
    this_month = serializers.IntegerField(help_text="Since the first of this month (UTC).")
    entries = serializers.IntegerField()


class CommissionSummaryOutput(serializers.Serializer):
    totals = CommissionTotalOutput(many=True)


# --- Consent ----------------------------------------------------------------------------------


class ConsentInput(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=Consent.Purpose.choices)
    brand_id = serializers.IntegerField(required=False)
    app_id = serializers.CharField(max_length=32, required=False)


class ConsentPartyOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["brand", "miniprogram"])
    id = serializers.CharField()
    name = serializers.CharField()


class ConsentOutput(serializers.ModelSerializer):
    party = serializers.SerializerMethodField()
    active = serializers.SerializerMethodField()

    class Meta:
        model = Consent
        fields = ["id", "purpose", "party", "granted_at", "withdrawn_at", "active"]

    def get_party(self, consent) -> ConsentPartyOutput:
        if consent.brand_id is not None:
            return {"kind": "brand", "id": str(consent.brand_id), "name": consent.brand.name}
        app = consent.miniprogram
        return {"kind": "miniprogram", "id": app.app_id, "name": app.name}

    def get_active(self, consent) -> bool:
        return consent.withdrawn_at is None


class WithdrawInput(serializers.Serializer):
    brand_id = serializers.IntegerField(required=False)
    app_id = serializers.CharField(max_length=32, required=False)
    purposes = serializers.ListField(
        child=serializers.ChoiceField(choices=Consent.Purpose.choices), required=False
    )

    def validate(self, attrs):
        if "brand_id" in attrs and "app_id" in attrs:
            raise serializers.ValidationError("Give at most one of brand_id or app_id.")
        return attrs


class WithdrawOutput(serializers.Serializer):
    withdrawn = serializers.IntegerField()
