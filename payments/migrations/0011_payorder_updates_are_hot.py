"""A payment's UPDATE of its pay order is HOT (docs/payments.md, "The physical ceiling").

PostgreSQL updates a row in place of an index entry per index (a heap-only tuple) when no
indexed column changes — a partial index's predicate included — and the row's page has room
for the new version. A payment changed two: ``status`` (the pending-expiry index's predicate)
and ``paid_at`` (the settlement report's index), five index entries per payment. The expiry
index now holds every order (beat's sweep bounds its range), the report's index is over
``created_at`` (a day's payments were created at most a TTL before it), and the table keeps
half of each page free (``fillfactor``) for the paid versions: in bench/payments_profile.py 70
made 63 % of the payments HOT, 60 made 79 %, 50 all of them. PostgreSQL only, like 0002.
"""

from importlib import import_module

from django.conf import settings
from django.db import migrations, models

PostgresOnlyRunSQL = import_module("payments.migrations.0002_ledger_append_only").PostgresOnlyRunSQL


class Migration(migrations.Migration):
    dependencies = [
        ("miniprograms", "0006_subscribe_always"),
        ("payments", "0010_fewer_payment_index_entries"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="payorder", name="payorder_pending_expiry_idx"),
        migrations.RemoveIndex(model_name="payorder", name="payorder_org_paid_idx"),
        migrations.AddIndex(
            model_name="payorder",
            index=models.Index(fields=["expires_at"], name="payorder_expiry_idx"),
        ),
        migrations.AddIndex(
            model_name="payorder",
            index=models.Index(
                fields=["organisation", "created_at"], name="payorder_org_created_idx"
            ),
        ),
        PostgresOnlyRunSQL(
            "ALTER TABLE payments_payorder SET (fillfactor = 50)",
            "ALTER TABLE payments_payorder RESET (fillfactor)",
        ),
    ]
