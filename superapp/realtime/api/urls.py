from django.urls import path

from superapp.realtime.api import views

urlpatterns = [path("sync", views.SyncView.as_view(), name="sync")]
