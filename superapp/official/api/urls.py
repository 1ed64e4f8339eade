from django.urls import path

from superapp.official.api import views

brand = "brands/<int:brand_id>"
account = "official-accounts/<int:account_id>"
conversation = "service-conversations/<int:conversation_id>"

urlpatterns = [
    path("brands", views.BrandListCreateView.as_view(), name="brands"),
    path(f"{brand}/audit-log", views.BrandAuditLogView.as_view(), name="brand-audit-log"),
    path(f"{brand}/callback", views.BrandCallbackView.as_view(), name="brand-callback"),
    path(
        f"{brand}/webhook-deliveries",
        views.BrandDeliveriesView.as_view(),
        name="brand-deliveries",
    ),
    path(
        f"{brand}/webhook-deliveries/<int:delivery_id>/resend",
        views.BrandDeliveryResendView.as_view(),
        name="brand-delivery-resend",
    ),
    path(f"{brand}/inbox", views.BrandInboxView.as_view(), name="brand-inbox"),
    path(f"{brand}/official-accounts", views.BrandAccountsView.as_view(), name="brand-accounts"),
    path(
        f"{brand}/verification-request",
        views.BrandVerificationRequestView.as_view(),
        name="brand-verification-request",
    ),
    path(
        f"{brand}/canned-replies",
        views.BrandCannedRepliesView.as_view(),
        name="brand-canned-replies",
    ),
    path(
        f"{brand}/canned-replies/<int:canned_reply_id>",
        views.CannedReplyDetailView.as_view(),
        name="brand-canned-reply",
    ),
    path("staff/brands", views.StaffBrandsView.as_view(), name="staff-brands"),
    path(
        "staff/brands/<int:brand_id>/verification",
        views.StaffBrandVerificationView.as_view(),
        name="staff-brand-verification",
    ),
    path("official-accounts", views.AccountListCreateView.as_view(), name="official-accounts"),
    path("official-accounts/feed", views.FeedView.as_view(), name="official-feed"),
    path(account, views.AccountDetailView.as_view(), name="official-account"),
    path(f"{account}/menu", views.AccountMenuView.as_view(), name="official-account-menu"),
    path(
        f"{account}/broadcast-quota",
        views.AccountBroadcastQuotaView.as_view(),
        name="official-broadcast-quota",
    ),
    path(
        f"{account}/follower-stats",
        views.AccountFollowerStatsView.as_view(),
        name="official-follower-stats",
    ),
    path(f"{account}/follow", views.AccountFollowView.as_view(), name="official-account-follow"),
    path(f"{account}/articles", views.AccountArticlesView.as_view(), name="official-articles"),
    path(
        f"{account}/broadcasts", views.AccountBroadcastsView.as_view(), name="official-broadcasts"
    ),
    path(
        f"{account}/auto-replies",
        views.AccountKeywordRepliesView.as_view(),
        name="official-auto-replies",
    ),
    path(
        f"{account}/auto-replies/<int:reply_id>",
        views.KeywordReplyDetailView.as_view(),
        name="official-auto-reply",
    ),
    path(f"{account}/messages", views.AccountMessagesView.as_view(), name="official-messages"),
    path(conversation, views.ConversationDetailView.as_view(), name="service-conversation"),
    path(f"{conversation}/claim", views.ConversationClaimView.as_view(), name="service-claim"),
    path(
        f"{conversation}/handover",
        views.ConversationHandoverView.as_view(),
        name="service-handover",
    ),
    path(
        f"{conversation}/messages",
        views.ConversationMessagesView.as_view(),
        name="service-messages",
    ),
    path(
        f"{conversation}/replies", views.ConversationRepliesView.as_view(), name="service-replies"
    ),
]
