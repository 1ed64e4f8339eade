from django.urls import path

from superapp.messaging.api import views

urlpatterns = [
    path("conversations", views.ConversationsView.as_view(), name="conversations"),
    path("conversations/<int:pk>", views.ConversationDetailView.as_view(), name="conversation"),
    path(
        "conversations/<int:pk>/members",
        views.MembersView.as_view(),
        name="conversation-members",
    ),
    path(
        "conversations/<int:pk>/members/<str:username>",
        views.MemberDetailView.as_view(),
        name="conversation-member",
    ),
    path("conversations/<int:pk>/leave", views.LeaveView.as_view(), name="conversation-leave"),
    path(
        "conversations/<int:pk>/messages",
        views.MessagesView.as_view(),
        name="conversation-messages",
    ),
    path("conversations/<int:pk>/read", views.ReadView.as_view(), name="conversation-read"),
    path(
        "conversations/<int:pk>/delivered",
        views.DeliveredView.as_view(),
        name="conversation-delivered",
    ),
    path("messages/<int:pk>/recall", views.RecallView.as_view(), name="message-recall"),
]
