from django.db import migrations

# The app's package moved from superapp/live to miniprograms/live (its label, tables and
# migration history stayed). A domain-event delivery names its handler by dotted path, so the
# deliveries not handled yet, written under the old path, are pointed at the new one; handled
# ones keep the path they ran under.
OLD = "superapp.live.handlers.on_order_status_changed"
NEW = "miniprograms.live.handlers.on_order_status_changed"


def _repoint(apps, old, new):
    DomainEventDelivery = apps.get_model("core", "DomainEventDelivery")
    DomainEventDelivery.objects.filter(handler=old, handled_at__isnull=True).update(handler=new)


def forwards(apps, schema_editor):
    _repoint(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _repoint(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_delivery_db_defaults"),
        ("live", "0005_show_reminder"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
