from django.urls import path

from payments.api import views

urlpatterns = [
    path("wallet", views.WalletView.as_view(), name="wallet"),
    path("wallet/pin", views.PinView.as_view(), name="wallet-pin"),
    path("wallet/topups", views.TopupCreateView.as_view(), name="wallet-topups"),
    path("wallet/withdrawals", views.WithdrawalCreateView.as_view(), name="wallet-withdrawals"),
    path(
        "wallet/gateway-orders/<str:reference>",
        views.GatewayOrderDetailView.as_view(),
        name="wallet-gateway-order",
    ),
    path("wallet/transfers", views.TransferCreateView.as_view(), name="wallet-transfers"),
    path("wallet/transactions", views.StatementView.as_view(), name="wallet-transactions"),
    path(
        "payments/gateway/callbacks",
        views.GatewayCallbackView.as_view(),
        name="payments-gateway-callbacks",
    ),
    path("pay/orders", views.PayOrderCreateView.as_view(), name="pay-orders"),
    path("pay/orders/<str:prepay_id>", views.PayOrderDetailView.as_view(), name="pay-order"),
    path(
        "pay/orders/<str:prepay_id>/confirm",
        views.PayOrderConfirmView.as_view(),
        name="pay-order-confirm",
    ),
    path(
        "pay/orders/<str:prepay_id>/close",
        views.PayOrderCloseView.as_view(),
        name="pay-order-close",
    ),
    path(
        "pay/orders/<str:prepay_id>/refunds",
        views.RefundCreateView.as_view(),
        name="pay-order-refunds",
    ),
    path(
        "dev/miniprograms/<str:app_id>/sandbox",
        views.DevSandboxView.as_view(),
        name="dev-miniprogram-sandbox",
    ),
    path("pay/merchant-key", views.MerchantKeyView.as_view(), name="pay-merchant-key"),
    path("pay/settlements/<str:day>", views.SettlementView.as_view(), name="pay-settlement"),
    path(
        "pay/settlements/<str:day>/csv",
        views.SettlementCsvView.as_view(),
        name="pay-settlement-csv",
    ),
]
