from django.urls import path

from miniprograms import views

urlpatterns = [
    path("l/<str:code>", views.long_link, name="mp-long-link"),
    path("<str:app_id>/~trial/<str:token>/", views.trial_file, name="mp-trial-index"),
    path("<str:app_id>/~trial/<str:token>/<path:path>", views.trial_file, name="mp-trial-file"),
    path("<str:app_id>/", views.released_file, name="mp-released-index"),
    path("<str:app_id>/<path:path>", views.released_file, name="mp-released-file"),
]
