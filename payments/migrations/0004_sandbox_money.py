"""Sandbox money (docs/payments.md): accounts and pay orders get a ``sandbox`` world.

The unique account constraints now include ``sandbox``, so every owner can have a real and a
sandbox account side by side. On PostgreSQL a trigger refuses to change ``sandbox`` on an
existing account or pay order: an order is settled in the world it was created in, and an
account never changes worlds.
"""

from importlib import import_module

from django.conf import settings
from django.db import migrations, models

# The same PostgreSQL-only RunSQL as the append-only ledger migration (SQLite: see there).
PostgresOnlyRunSQL = import_module("payments.migrations.0002_ledger_append_only").PostgresOnlyRunSQL

FORWARD = """
CREATE FUNCTION payments_refuse_world_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'sandbox is immutable: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER payments_account_world_fixed
    BEFORE UPDATE OF sandbox ON payments_account
    FOR EACH ROW WHEN (OLD.sandbox IS DISTINCT FROM NEW.sandbox)
    EXECUTE FUNCTION payments_refuse_world_change();

CREATE TRIGGER payments_payorder_world_fixed
    BEFORE UPDATE OF sandbox ON payments_payorder
    FOR EACH ROW WHEN (OLD.sandbox IS DISTINCT FROM NEW.sandbox)
    EXECUTE FUNCTION payments_refuse_world_change();
"""

BACKWARD = """
DROP TRIGGER payments_payorder_world_fixed ON payments_payorder;
DROP TRIGGER payments_account_world_fixed ON payments_account;
DROP FUNCTION payments_refuse_world_change();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("miniprograms", "0003_existing_apps_oidc"),
        ("payments", "0003_red_packets"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="account", name="account_one_wallet_per_currency"),
        migrations.RemoveConstraint(model_name="account", name="account_merchant_shard_unique"),
        migrations.RemoveConstraint(model_name="account", name="account_platform_shard_unique"),
        migrations.AddField(
            model_name="account",
            name="sandbox",
            field=models.BooleanField(
                default=False, help_text="Test money of sandbox mini-programs."
            ),
        ),
        migrations.AddField(
            model_name="payorder",
            name="sandbox",
            field=models.BooleanField(
                default=False,
                help_text="Settled in test money: its app was in sandbox mode when it was "
                "created. Never changes afterwards.",
            ),
        ),
        migrations.AddConstraint(
            model_name="account",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "user_wallet")),
                fields=("user", "currency", "sandbox"),
                name="account_one_wallet_per_currency",
            ),
        ),
        migrations.AddConstraint(
            model_name="account",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "merchant")),
                fields=("organisation", "currency", "sandbox", "shard"),
                name="account_merchant_shard_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="account",
            constraint=models.UniqueConstraint(
                condition=models.Q(("organisation__isnull", True), ("user__isnull", True)),
                fields=("kind", "currency", "sandbox", "shard"),
                name="account_platform_shard_unique",
            ),
        ),
        PostgresOnlyRunSQL(FORWARD, BACKWARD),
    ]
