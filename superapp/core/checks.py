"""`manage.py check --deploy` refuses a production configuration (DEBUG false) that still uses
a secret Plaza ships as a development default: anyone who read the source could sign
sessions, forge payment-gateway callbacks or check PINs offline."""

from django.conf import settings
from django.core.checks import Error, Tags, register


def _default_secrets() -> list[tuple[str, str, str]]:
    """(id, setting, why) for each shipped default still in use."""
    found = []
    if settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY:
        found.append(("plaza.E001", "SECRET_KEY", "the shipped development default"))
    if settings.PAYMENTS_GATEWAY_SECRET == settings.DEFAULT_PAYMENTS_GATEWAY_SECRET:
        found.append(("plaza.E002", "PAYMENTS_GATEWAY_SECRET", "the shipped sandbox default"))
    if settings.PAYMENTS_PIN_KEY == settings.SECRET_KEY:
        found.append(("plaza.E003", "PAYMENTS_PIN_KEY", "not set apart from SECRET_KEY"))
    return found


@register(Tags.security, deploy=True)
def default_secrets_check(app_configs=None, **kwargs) -> list[Error]:
    if settings.DEBUG:
        return []
    return [
        Error(
            f"{name} is {why}.",
            hint=f"Set {name} in the environment to a long random value (docs/security.md).",
            id=check_id,
        )
        for check_id, name, why in _default_secrets()
    ]
