from django.urls import path

from miniprograms.api import views

APP = "dev/miniprograms/<str:app_id>"

urlpatterns = [
    # developers
    path("dev/organisations", views.OrganisationsView.as_view(), name="dev-organisations"),
    path(
        "dev/organisations/<int:organisation_id>/members",
        views.OrganisationMembersView.as_view(),
        name="dev-organisation-members",
    ),
    # DELETE .../members/<member_id> is served by superapp.teams (it writes the team's audit log)
    path("dev/miniprograms", views.DevMiniProgramsView.as_view(), name="dev-miniprograms"),
    path(APP, views.DevMiniProgramView.as_view(), name="dev-miniprogram"),
    path(f"{APP}/secret", views.SecretRotateView.as_view(), name="dev-miniprogram-secret"),
    path(f"{APP}/testers", views.TestersView.as_view(), name="dev-testers"),
    path(f"{APP}/testers/<str:username>", views.TesterView.as_view(), name="dev-tester"),
    path(f"{APP}/versions", views.VersionsView.as_view(), name="dev-versions"),
    path(f"{APP}/versions/<int:version_id>", views.VersionView.as_view(), name="dev-version"),
    *[
        path(
            f"{APP}/versions/<int:version_id>/{action}",
            views.VersionActionView.as_view(action=action),
            name=f"dev-version-{action}",
        )
        for action in views.VersionActionView.actions
    ],
    path(f"{APP}/rollback", views.RollbackView.as_view(), name="dev-rollback"),
    path(f"{APP}/analytics/entries", views.EntryStatsView.as_view(), name="dev-entry-stats"),
    path(f"{APP}/quotas", views.QuotasView.as_view(), name="dev-quotas"),
    path(f"{APP}/webhooks", views.WebhookDeliveriesView.as_view(), name="dev-webhooks"),
    path(
        f"{APP}/webhooks/<int:delivery_id>/replay",
        views.WebhookReplayView.as_view(),
        name="dev-webhook-replay",
    ),
    path(f"{APP}/links", views.LinksView.as_view(), name="dev-links"),
    # platform review
    path("review/versions", views.ReviewQueueView.as_view(), name="review-queue"),
    path(
        "review/versions/<int:version_id>/approve",
        views.ReviewApproveView.as_view(),
        name="review-approve",
    ),
    path(
        "review/versions/<int:version_id>/reject",
        views.ReviewRejectView.as_view(),
        name="review-reject",
    ),
    # consumers
    path("miniprograms/<str:app_id>", views.LaunchView.as_view(), name="miniprogram-launch"),
    path("miniprograms/<str:app_id>/open", views.OpenView.as_view(), name="miniprogram-open"),
    path("miniprograms/<str:app_id>/login", views.LoginView.as_view(), name="miniprogram-login"),
    path(
        "miniprograms/<str:app_id>/subscriptions",
        views.SubscriptionsView.as_view(),
        name="miniprogram-subscriptions",
    ),
    path("miniprograms/<str:app_id>/cards", views.CardView.as_view(), name="miniprogram-card"),
    path("miniprogram-links/<str:code>", views.ShareLinkResolveView.as_view(), name="mp-link"),
    path("me/miniprograms/recent", views.RecentlyUsedView.as_view(), name="miniprograms-recent"),
    path("me/miniprogram-grants", views.GrantsView.as_view(), name="miniprogram-grants"),
    path(
        "me/miniprogram-grants/<str:app_id>",
        views.AppGrantsRevokeView.as_view(),
        name="miniprogram-grants-app",
    ),
    path(
        "me/miniprogram-grants/<str:app_id>/<str:scope>",
        views.GrantRevokeView.as_view(),
        name="miniprogram-grant",
    ),
    path(
        "me/miniprogram-subscriptions",
        views.StandingSubscriptionsView.as_view(),
        name="miniprogram-standing-subscriptions",
    ),
    path(
        "me/miniprogram-subscriptions/<str:app_id>/<str:template>",
        views.StandingSubscriptionView.as_view(),
        name="miniprogram-standing-subscription",
    ),
    path("oauth/authorize", views.OAuthAuthorizeView.as_view(), name="oauth-authorize"),
    path("me/contact", views.ContactView.as_view(), name="me-contact"),
    path("me/addresses", views.AddressesView.as_view(), name="me-addresses"),
    path("me/addresses/<int:address_id>", views.AddressView.as_view(), name="me-address"),
    # mini-program servers
    path("mp/code2session", views.Code2SessionView.as_view(), name="mp-code2session"),
    path("mp/users/<str:openid>", views.AppUserView.as_view(), name="mp-user"),
    path(
        "mp/subscribe-messages", views.SubscribeMessagesView.as_view(), name="mp-subscribe-messages"
    ),
]
