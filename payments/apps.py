from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    label = "payments"

    def ready(self):
        from payments import checks  # noqa: F401  (registers the system checks)
