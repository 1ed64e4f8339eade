"""Data rights across every app: one export archive and one erasure.

Every installed app that stores personal data ships ``<app>/privacy.py`` with
``export(user) -> dict`` and ``erase(user) -> None``. This collector discovers them like
``seed_demo`` discovers ``demo.py``; accounts' own module runs last on erasure, because it
anonymises the user row every other app's ledgers keep pointing at.
"""

import importlib
from types import ModuleType

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from superapp.accounts.errors import INVALID_PASSWORD
from superapp.core.errors import Forbidden

ARCHIVE_FORMAT = "plaza-data-export/1"


def privacy_modules() -> dict[str, ModuleType]:
    """``{app_label: privacy module}`` in INSTALLED_APPS order, accounts last."""
    modules = {
        config.label: importlib.import_module(f"{config.name}.privacy")
        for config in apps.get_app_configs()
        if module_has_submodule(config.module, "privacy")
    }
    accounts_label = apps.get_app_config("accounts").label
    if accounts_label in modules:
        modules[accounts_label] = modules.pop(accounts_label)
    return modules


def data_export(*, user) -> dict:
    """The user's machine-readable archive: one section per app."""
    return {
        "format": ARCHIVE_FORMAT,
        "generated_at": timezone.now().isoformat(),
        "user_id": user.pk,
        "apps": {label: module.export(user) for label, module in privacy_modules().items()},
    }


@transaction.atomic
def account_erase(*, actor, password: str) -> None:
    """Erase the caller after they confirm their password: every app deletes or anonymises
    its personal content (ledgers stay, pointing at the anonymised user), then the account
    itself is anonymised and signed out everywhere. All or nothing."""
    if not actor.check_password(password):
        raise Forbidden("The password is wrong.", code=INVALID_PASSWORD)
    for module in privacy_modules().values():
        module.erase(actor)
