"""Fewer index entries per payment (docs/payments.md, "The physical ceiling").

Three indexes nothing reads, each written by every payment, are dropped: the journal's actor,
the pay order's app (orders are found by prepay_id, out_trade_no or payer) and the posting's
journal transaction (postings are read by account). The last one served only the balance
trigger, which now checks the statement's new rows alone: every INSERT of postings is checked
when it runs, so the postings of a transaction always balance if each statement's new ones do —
a posting added later to an old transaction still has to balance with the others it is
inserted with. PostgreSQL only for the trigger, like migration 0002.
"""

from importlib import import_module

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

PostgresOnlyRunSQL = import_module("payments.migrations.0002_ledger_append_only").PostgresOnlyRunSQL

FORWARD = """
CREATE OR REPLACE FUNCTION payments_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    unbalanced bigint;
BEGIN
    SELECT transaction_id INTO unbalanced FROM new_postings
    GROUP BY transaction_id, currency HAVING SUM(amount) <> 0 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal transaction % does not balance', unbalanced
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
"""

# back to migration 0008's trigger, which reads the other postings through the index
BACKWARD = import_module("payments.migrations.0008_balanced_per_statement").FORWARD


class Migration(migrations.Migration):
    dependencies = [
        ("miniprograms", "0006_subscribe_always"),
        ("payments", "0009_red_packets_move_to_their_app"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # the trigger first: going backwards, the index it reads is back before it reads it
        PostgresOnlyRunSQL(FORWARD, BACKWARD),
        migrations.AlterField(
            model_name="journaltransaction",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="payorder",
            name="miniprogram",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="miniprograms.miniprogram",
            ),
        ),
        migrations.AlterField(
            model_name="posting",
            name="transaction",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="postings",
                to="payments.journaltransaction",
            ),
        ),
    ]
