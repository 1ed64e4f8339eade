from django.conf import settings
from rest_framework import serializers

from payments.models import GatewayOrder, PayOrder, Posting, Refund
from payments.services import PIN_LENGTH


class PinField(serializers.RegexField):
    """The 6-digit payment PIN."""

    def __init__(self, **kwargs):
        super().__init__(rf"^\d{{{PIN_LENGTH}}}$", **kwargs)


class MoneyInput(serializers.Serializer):
    amount = serializers.IntegerField(min_value=1, max_value=settings.PAYMENTS_MAX_AMOUNT)
    currency = serializers.ChoiceField(choices=settings.PAYMENTS_CURRENCIES)


class WorldQuery(serializers.Serializer):
    """``?sandbox=``: which world of money a read shows (real unless true)."""

    sandbox = serializers.BooleanField(required=False, default=False)


class BalanceOutput(serializers.Serializer):
    currency = serializers.CharField()
    available = serializers.IntegerField()


class TesterBalanceOutput(BalanceOutput):
    username = serializers.CharField()


class SandboxOutput(serializers.Serializer):
    sandbox = serializers.BooleanField(help_text="Whether the app's new pay orders are test money.")
    merchant = BalanceOutput(many=True, help_text="The organisation's test-money takings.")
    testers = TesterBalanceOutput(many=True, help_text="Each tester's test wallet.")


class WalletOutput(serializers.Serializer):
    balances = BalanceOutput(many=True)
    daily_outgoing_limit = serializers.IntegerField()


class PinInput(serializers.Serializer):
    pin = PinField()
    old_pin = PinField(required=False)


class PinOutput(serializers.Serializer):
    pin_set = serializers.BooleanField()


class TopupInput(MoneyInput):
    pass


class WithdrawalInput(MoneyInput):
    pin = PinField()


class GatewayOrderOutput(serializers.ModelSerializer):
    id = serializers.CharField(source="reference")
    client_confirmation = serializers.DictField(
        read_only=True,
        required=False,
        help_text="In the answer to a top-up only: what the client needs to pay. Stripe: "
        "{provider, payment_intent, client_secret} for Stripe.js; the sandbox: {}.",
    )

    class Meta:
        model = GatewayOrder
        fields = [
            "id",
            "kind",
            "amount",
            "currency",
            "status",
            "failure_reason",
            "created_at",
            "completed_at",
            "client_confirmation",
        ]


class TransferInput(MoneyInput):
    to = serializers.CharField(max_length=150)
    pin = PinField()
    note = serializers.CharField(max_length=140, required=False, allow_blank=True, default="")


class TransferOutput(serializers.Serializer):
    id = serializers.IntegerField()
    to = serializers.CharField(source="recipient.username")
    amount = serializers.IntegerField()
    currency = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class StatementEntryOutput(serializers.ModelSerializer):
    """One line of the statement: a wallet posting (positive in, negative out)."""

    transaction_id = serializers.IntegerField()
    type = serializers.CharField(source="transaction.type")
    reference = serializers.CharField(source="transaction.reference")
    counterparty = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()

    class Meta:
        model = Posting
        fields = [
            "id",
            "transaction_id",
            "type",
            "amount",
            "currency",
            "reference",
            "counterparty",
            "note",
            "created_at",
        ]

    def _transfer(self, posting):
        return getattr(posting.transaction, "transfer", None)

    def get_counterparty(self, posting) -> str | None:
        transfer = self._transfer(posting)
        if transfer is None:
            return None
        other = transfer.recipient if posting.amount < 0 else transfer.sender
        return other.username

    def get_note(self, posting) -> str:
        transfer = self._transfer(posting)
        return transfer.note if transfer else ""


class PayOrderCreateInput(MoneyInput):
    out_trade_no = serializers.CharField(max_length=64)
    payer_openid = serializers.CharField(max_length=40)
    description = serializers.CharField(max_length=128)
    notify_url = serializers.URLField(max_length=500)


class RefundOutput(serializers.ModelSerializer):
    prepay_id = serializers.CharField(source="pay_order.prepay_id")

    class Meta:
        model = Refund
        fields = ["refund_id", "prepay_id", "out_refund_no", "amount", "created_at"]


class PayOrderOutput(serializers.ModelSerializer):
    app_id = serializers.CharField(source="miniprogram.app_id")
    refunds = RefundOutput(many=True, read_only=True)

    class Meta:
        model = PayOrder
        fields = [
            "prepay_id",
            "app_id",
            "out_trade_no",
            "amount",
            "currency",
            "description",
            "status",
            "sandbox",
            "refunded_amount",
            "expires_at",
            "paid_at",
            "closed_at",
            "created_at",
            "refunds",
        ]


class PayOrderCreatedOutput(serializers.Serializer):
    prepay_id = serializers.CharField()
    status = serializers.CharField()
    expires_at = serializers.DateTimeField()


class ConfirmInput(serializers.Serializer):
    pin = PinField()


class RefundInput(serializers.Serializer):
    out_refund_no = serializers.CharField(max_length=64)
    amount = serializers.IntegerField(min_value=1, max_value=settings.PAYMENTS_MAX_AMOUNT)


class MerchantKeyOutput(serializers.Serializer):
    webhook_secret = serializers.CharField()


class CallbackAckOutput(serializers.Serializer):
    received = serializers.BooleanField()
    applied = serializers.BooleanField()


class SettlementLineOutput(serializers.Serializer):
    type = serializers.ChoiceField(choices=["payment", "refund"])
    reference = serializers.CharField()
    prepay_id = serializers.CharField()
    out_trade_no = serializers.CharField()
    at = serializers.DateTimeField()
    currency = serializers.CharField()
    amount = serializers.IntegerField()
    fee = serializers.IntegerField()
    net = serializers.IntegerField()


class SettlementTotalOutput(serializers.Serializer):
    currency = serializers.CharField()
    payments = serializers.IntegerField()
    refunds = serializers.IntegerField()
    gross = serializers.IntegerField()
    fees = serializers.IntegerField()
    net = serializers.IntegerField()


class SettlementOutput(serializers.Serializer):
    date = serializers.DateField()
    lines = SettlementLineOutput(many=True)
    totals = SettlementTotalOutput(many=True)
