from django.urls import path

from superapp.search.api import views

urlpatterns = [
    path("search", views.SearchView.as_view(), name="search"),
    path("discover", views.DiscoverView.as_view(), name="discover"),
]
