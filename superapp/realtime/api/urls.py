from django.urls import path

from superapp.realtime.api import views

urlpatterns = [
    path("sync", views.SyncView.as_view(), name="sync"),
    path("realtime/tickets", views.TicketView.as_view(), name="realtime-ticket"),
]
