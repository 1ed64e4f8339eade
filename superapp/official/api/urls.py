from django.urls import path

from superapp.official.api import views

urlpatterns = [
    path("brands", views.BrandListCreateView.as_view(), name="brands"),
    path("brands/<int:brand_id>/members", views.BrandMembersView.as_view(), name="brand-members"),
]
