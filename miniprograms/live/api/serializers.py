from django.conf import settings
from rest_framework import serializers

from miniprograms.live import media
from miniprograms.live.models import Restriction, Show
from miniprograms.live.selectors import SECTIONS
from superapp.core.api import AddressInput, MoneyOutput


class LiveUserOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()


class LiveShowProductOutput(serializers.Serializer):
    id = serializers.IntegerField(source="product_id")
    title = serializers.CharField(source="product.title")


class LiveShowInput(serializers.Serializer):
    brand_id = serializers.IntegerField()
    title = serializers.CharField(max_length=120)
    cover_url = serializers.URLField(max_length=500, required=False, default="")
    cover_media = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="Instead of cover_url: the id of the caller's upload with purpose 'live'.",
    )
    stream_url = serializers.URLField(
        max_length=500,
        required=False,
        default="",
        help_text="An external stream (HLS...); leave out to push to Plaza's media server "
        "with the show's stream key.",
    )
    starts_at = serializers.DateTimeField()
    host = serializers.CharField(
        max_length=150, help_text="Username of the host: a brand member or an influencer."
    )
    moderators = serializers.ListField(
        child=serializers.CharField(max_length=150), required=False, default=list
    )
    product_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class LiveShowOutput(serializers.Serializer):
    id = serializers.IntegerField()
    brand = serializers.SerializerMethodField()
    title = serializers.CharField()
    cover_url = serializers.CharField()
    stream_url = serializers.CharField(help_text="The external stream, if any.")
    playback_url = serializers.SerializerMethodField(
        help_text="What to play now: the media server's HLS playlist while a show pushed to "
        "Plaza is live, else the external stream URL (blank if none)."
    )
    replay_status = serializers.ChoiceField(choices=Show.ReplayStatus.choices)
    replay_url = serializers.CharField(
        help_text="The recording (MP4) once `replay_status` is ready."
    )
    starts_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=Show.Status.choices)
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    host = LiveUserOutput()
    moderators = serializers.SerializerMethodField()
    products = LiveShowProductOutput(source="show_products.all", many=True)
    room = serializers.SerializerMethodField(help_text="WebSocket path of the room.")

    def get_brand(self, show) -> dict:
        return {"id": show.brand_id, "name": show.brand.name}

    def get_moderators(self, show) -> list[str]:
        return [m.user.username for m in show.moderators.all()]

    def get_room(self, show) -> str:
        return f"/ws/live/{show.pk}/"

    def get_playback_url(self, show) -> str:
        return media.playback_url(show)


class LiveShowListQuery(serializers.Serializer):
    brand_id = serializers.IntegerField(required=False)
    status = serializers.ChoiceField(choices=Show.Status.choices, required=False)
    section = serializers.ChoiceField(
        choices=list(SECTIONS),
        required=False,
        help_text="The live tab: `live` now (latest started first), `upcoming` (soonest "
        "first), `replays` (ended with a replay ready, latest first).",
    )


class LiveStreamKeyOutput(serializers.Serializer):
    server = serializers.CharField(help_text='OBS "Server": the media server\'s RTMP URL.')
    stream_key = serializers.CharField(
        help_text='OBS "Stream Key". Shown this once; rotating it again invalidates it.'
    )
    stream_name = serializers.CharField()
    playback_url = serializers.CharField(help_text="The HLS playlist viewers play once live.")
    rotated_at = serializers.DateTimeField()


class LivePinInput(serializers.Serializer):
    product_id = serializers.IntegerField()


class LivePinOutput(serializers.Serializer):
    product_id = serializers.IntegerField()
    pinned_at = serializers.DateTimeField()


class LiveDealInput(serializers.Serializer):
    sku_id = serializers.IntegerField()
    price = serializers.IntegerField(min_value=1, help_text="Deal unit price, minor units.")
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)
    per_buyer_limit = serializers.IntegerField(min_value=1, max_value=1_000_000)
    countdown_seconds = serializers.IntegerField(
        help_text="Seconds before the deal opens, {}-{}.".format(
            *settings.LIVE_DEAL_COUNTDOWN_SECONDS
        )
    )
    window_minutes = serializers.IntegerField(
        help_text="Minutes the deal stays open, {}-{}.".format(*settings.LIVE_DEAL_WINDOW_MINUTES)
    )
    keyword = serializers.RegexField(r"^[A-Za-z]{2,16}$", required=False, default="BUY")


class LiveDealOutput(serializers.Serializer):
    id = serializers.IntegerField()
    product_id = serializers.IntegerField()
    sku_id = serializers.IntegerField()
    price = serializers.SerializerMethodField()
    quantity = serializers.IntegerField()
    remaining = serializers.IntegerField()
    per_buyer_limit = serializers.IntegerField()
    keyword = serializers.CharField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()

    def get_price(self, deal) -> MoneyOutput:
        return {"amount": deal.price, "currency": deal.currency}


class LiveDealOrderInput(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1, max_value=1000, default=1)
    shipping_address = AddressInput(required=False)
    address_id = serializers.IntegerField(required=False)

    def validate(self, attrs):
        if "shipping_address" in attrs and "address_id" in attrs:
            raise serializers.ValidationError(
                "Give at most one of shipping_address, address_id (neither: the default address)."
            )
        return attrs


class LiveDealOrderOutput(serializers.Serializer):
    order_id = serializers.IntegerField(source="pk")
    status = serializers.CharField()
    total = serializers.SerializerMethodField()
    prepay_id = serializers.CharField(
        help_text="Confirm with POST /api/v1/pay/orders/{prepay_id}/confirm and the PIN."
    )

    def get_total(self, order) -> MoneyOutput:
        return {"amount": order.total, "currency": order.currency}


class LiveRestrictionInput(serializers.Serializer):
    username = serializers.CharField(max_length=150, required=False)
    user_id = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="Instead of username: the id a room comment names its author by.",
    )
    kind = serializers.ChoiceField(choices=Restriction.Kind.choices)

    def validate(self, attrs):
        if ("username" in attrs) == ("user_id" in attrs):
            raise serializers.ValidationError("Give exactly one of username, user_id.")
        return attrs


class LiveRestrictionOutput(serializers.Serializer):
    username = serializers.CharField(source="user.username")
    kind = serializers.ChoiceField(choices=Restriction.Kind.choices)
    created_at = serializers.DateTimeField()


class LiveReplayPinOutput(serializers.Serializer):
    product_id = serializers.IntegerField()
    title = serializers.CharField()
    pinned_at = serializers.DateTimeField()
    unpinned_at = serializers.DateTimeField(allow_null=True)
    offset_seconds = serializers.FloatField(allow_null=True)
    end_offset_seconds = serializers.FloatField(allow_null=True)


class LiveReplayOutput(serializers.Serializer):
    show_id = serializers.IntegerField()
    stream_url = serializers.CharField(help_text="The external stream, if any.")
    replay_status = serializers.ChoiceField(choices=Show.ReplayStatus.choices)
    replay_url = serializers.CharField(help_text="Plaza's recording (MP4) once ready.")
    duration_seconds = serializers.FloatField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    timeline = LiveReplayPinOutput(many=True)


class LiveStatsOutput(serializers.Serializer):
    show_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Show.Status.choices)
    peak_viewers = serializers.IntegerField()
    unique_viewers = serializers.IntegerField()
    likes = serializers.IntegerField()
    comments = serializers.IntegerField()
    removed_comments = serializers.IntegerField()
    orders = serializers.IntegerField()
    buyers = serializers.IntegerField()
    gmv = MoneyOutput(many=True)
    conversion = serializers.FloatField(help_text="Paid orders per unique viewer.")


class LiveReminderOutput(serializers.Serializer):
    show_id = serializers.IntegerField()
    reminded = serializers.BooleanField()


class LiveRemindersOutput(serializers.Serializer):
    show_ids = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Scheduled shows the caller asked to be reminded of.",
    )
