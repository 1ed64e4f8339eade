from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "superapp.search"
    label = "search"
