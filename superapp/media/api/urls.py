from django.urls import path

from superapp.media.api import views

urlpatterns = [
    path("media", views.MediaUploadView.as_view(), name="media"),
    path("media/uploads", views.UploadSessionsView.as_view(), name="media-uploads"),
    path(
        "media/uploads/<int:pk>/content",
        views.UploadContentView.as_view(),
        name="media-upload-content",
    ),
    path(
        "media/uploads/<int:pk>/complete",
        views.UploadCompleteView.as_view(),
        name="media-upload-complete",
    ),
    path("media/<int:pk>", views.MediaDetailView.as_view(), name="media-detail"),
    path("me/avatar", views.AvatarView.as_view(), name="me-avatar"),
]
