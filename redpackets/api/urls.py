from django.urls import path

from redpackets.api import views

urlpatterns = [
    path("red-packets", views.RedPacketCreateView.as_view(), name="red-packets"),
    path("red-packets/<int:pk>", views.RedPacketDetailView.as_view(), name="red-packet"),
    path("red-packets/<int:pk>/claim", views.RedPacketClaimView.as_view(), name="red-packet-claim"),
]
