from django.urls import path

from superapp.social.api import views

urlpatterns = [
    path("contacts", views.ContactListView.as_view(), name="contacts"),
    path("contacts/requests", views.ContactRequestsView.as_view(), name="contact-requests"),
    path(
        "contacts/requests/<int:pk>/accept",
        views.ContactRequestAcceptView.as_view(),
        name="contact-request-accept",
    ),
    path(
        "contacts/requests/<int:pk>/decline",
        views.ContactRequestDeclineView.as_view(),
        name="contact-request-decline",
    ),
    path("contacts/blocks", views.BlocksView.as_view(), name="contact-blocks"),
    path("contacts/blocks/<str:username>", views.BlockDetailView.as_view(), name="contact-block"),
    path("contacts/<str:username>", views.ContactDetailView.as_view(), name="contact"),
    path("users/lookup", views.UserLookupView.as_view(), name="user-lookup"),
    path("me/qr", views.MyQrView.as_view(), name="my-qr"),
    path("me/qr.png", views.MyQrPngView.as_view(), name="my-qr-png"),
    path("moments", views.MomentsView.as_view(), name="moments"),
    path("moments/feed", views.MomentFeedView.as_view(), name="moments-feed"),
    path("moments/<int:pk>", views.MomentDetailView.as_view(), name="moment"),
    path("moments/<int:pk>/likes", views.MomentLikesView.as_view(), name="moment-likes"),
    path("moments/<int:pk>/comments", views.MomentCommentsView.as_view(), name="moment-comments"),
]
