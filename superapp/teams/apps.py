from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "superapp.teams"
    label = "teams"
    verbose_name = "Teams (invitations and membership audit)"
