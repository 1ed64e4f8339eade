"""The Celery application. Each app declares its periodic jobs in ``<app>/tasks.py`` through
``beat_schedule`` below; the worker and beat both read them from here."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "superapp.settings")

app = Celery("plaza")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def register_periodic_tasks(sender: Celery, **kwargs) -> None:
    """Collect ``PERIODIC_TASKS`` = [(seconds, task)] from every app's tasks module."""
    import importlib

    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, "tasks"):
            continue
        module = importlib.import_module(f"{config.name}.tasks")
        for seconds, task in getattr(module, "PERIODIC_TASKS", []):
            sender.add_periodic_task(seconds, task.s(), name=task.name)
