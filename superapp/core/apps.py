from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "superapp.core"
    label = "core"

    def ready(self):
        from superapp.core import checks  # noqa: F401  (registers the deploy checks)
