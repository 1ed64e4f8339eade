from django.apps import AppConfig


class MiniprogramsConfig(AppConfig):
    name = "miniprograms"
