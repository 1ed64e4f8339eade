"""A small demo world for `make run`: users with wallets, a brand and its official account.

Each app contributes its part through a ``demo.seed(stdout)`` function in its package when it
has one; accounts seeds the users everyone else builds on. Safe to run again whatever happened in
the database meanwhile (tests/superapp/accounts/test_seed_demo.py).
"""

import importlib
import logging

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from superapp.accounts.models import User

DEMO_PASSWORD = "plaza-demo-pass"
DEMO_USERS = [
    ("alice", "Alice Martin", "FR"),
    ("bob", "Bob Chen", "CN"),
    ("carol", "Carol Rossi", "IT"),
    ("dave", "Dave Okafor", "NG"),
]


class Command(BaseCommand):
    help = "Create the demo users (password: plaza-demo-pass) and each app's demo data."

    def handle(self, *args, **options):
        # The seed's Celery tasks run eagerly in this process (top-ups settling, event handlers)
        # and each would log a JSON line; a person reads what was made instead.
        logging.disable(logging.INFO)
        try:
            self._seed()  # commits before the logs come back: its tasks run on commit
        finally:
            logging.disable(logging.NOTSET)
        self.stdout.write(self.style.SUCCESS(f"demo world ready (password: {DEMO_PASSWORD})"))

    @transaction.atomic
    def _seed(self) -> None:
        for username, display_name, region in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"display_name": display_name, "region": region}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            self.stdout.write(f"user {username}: {'created' if created else 'exists'}")
        for config in apps.get_app_configs():
            if config.name != "superapp.accounts" and module_has_submodule(config.module, "demo"):
                importlib.import_module(f"{config.name}.demo").seed(self.stdout)
