"""The app's shell for ``/`` and its client routes (history fallback). Mounted last."""

from django.urls import re_path

from superapp.webapp.views import app_index

urlpatterns = [re_path(r"^(?P<route>.*)$", app_index, name="app")]
