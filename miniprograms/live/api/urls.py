from django.urls import path

from miniprograms.live.api import views

SHOW = "live/shows/<int:show_id>"

urlpatterns = [
    path("live/shows", views.ShowsView.as_view(), name="live-shows"),
    path(SHOW, views.ShowView.as_view(), name="live-show"),
    path(f"{SHOW}/start", views.ShowStartView.as_view(), name="live-show-start"),
    path(f"{SHOW}/end", views.ShowEndView.as_view(), name="live-show-end"),
    path(f"{SHOW}/pins", views.PinView.as_view(), name="live-pins"),
    path(f"{SHOW}/deals", views.DealsView.as_view(), name="live-deals"),
    path(
        f"{SHOW}/deals/<int:deal_id>/orders", views.DealOrderView.as_view(), name="live-deal-orders"
    ),
    path(f"{SHOW}/restrictions", views.RestrictionsView.as_view(), name="live-restrictions"),
    path(
        f"{SHOW}/restrictions/<str:restriction_kind>/<str:username>",
        views.RestrictionView.as_view(),
        name="live-restriction",
    ),
    path(f"{SHOW}/comments/<str:comment_id>", views.CommentView.as_view(), name="live-comment"),
    path(
        f"{SHOW}/comments/<str:comment_id>/restore",
        views.CommentRestoreView.as_view(),
        name="live-comment-restore",
    ),
    path(f"{SHOW}/replay", views.ReplayView.as_view(), name="live-replay"),
    path(f"{SHOW}/stats", views.StatsView.as_view(), name="live-stats"),
    path(f"{SHOW}/reminder", views.ReminderView.as_view(), name="live-reminder"),
    path("live/reminders", views.RemindersView.as_view(), name="live-reminders"),
    path(f"{SHOW}/stream-key", views.StreamKeyView.as_view(), name="live-stream-key"),
    path("live/media/<str:event>", views.MediaCallbackView.as_view(), name="live-media-callback"),
]
