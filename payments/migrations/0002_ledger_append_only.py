"""Make the journal append-only and balanced at the database level (PostgreSQL).

* ``payments_refuse_change``: a trigger refusing UPDATE and DELETE on journal transactions and
  postings, so not even a bug or a manual ``UPDATE`` can rewrite money history.
* ``payments_posting_balanced``: a deferred constraint trigger checking, at commit, that the
  postings of each transaction sum to zero per currency.

Skipped on other engines: ``make run`` uses SQLite, whose trigger dialect differs and which only
serves the embedded demo; the services enforce both rules there too, and the test suite (always
on PostgreSQL) proves the triggers.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION payments_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER payments_journal_append_only
    BEFORE UPDATE OR DELETE ON payments_journaltransaction
    FOR EACH ROW EXECUTE FUNCTION payments_refuse_change();

CREATE TRIGGER payments_posting_append_only
    BEFORE UPDATE OR DELETE ON payments_posting
    FOR EACH ROW EXECUTE FUNCTION payments_refuse_change();

CREATE FUNCTION payments_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM payments_posting WHERE transaction_id = NEW.transaction_id
        GROUP BY currency HAVING SUM(amount) <> 0
    ) THEN
        RAISE EXCEPTION 'journal transaction % does not balance', NEW.transaction_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER payments_posting_balanced
    AFTER INSERT ON payments_posting
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION payments_check_balanced();
"""

BACKWARD = """
DROP TRIGGER payments_posting_balanced ON payments_posting;
DROP FUNCTION payments_check_balanced();
DROP TRIGGER payments_posting_append_only ON payments_posting;
DROP TRIGGER payments_journal_append_only ON payments_journaltransaction;
DROP FUNCTION payments_refuse_change();
"""


class PostgresOnlyRunSQL(migrations.RunSQL):
    """RunSQL applied only on PostgreSQL (see the module docstring for why)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [PostgresOnlyRunSQL(FORWARD, BACKWARD)]
