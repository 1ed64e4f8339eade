"""Check that postings balance once per INSERT statement instead of once per posting row.

``payments_posting_balanced`` was a deferred constraint trigger running its SUM at commit for
every posting row, three times for one payment. The ledger writes a transaction's postings in
one statement (``ledger._record``), so a statement-level trigger over the inserted rows (a
transition table) checks each new transaction once, immediately, and still refuses a posting
added later to an old transaction. PostgreSQL only, like migration 0002.
"""

from importlib import import_module

from django.db import migrations

PostgresOnlyRunSQL = import_module("payments.migrations.0002_ledger_append_only").PostgresOnlyRunSQL

FORWARD = """
DROP TRIGGER payments_posting_balanced ON payments_posting;
DROP FUNCTION payments_check_balanced();

CREATE FUNCTION payments_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    checked bigint;
BEGIN
    -- one transaction at a time, through the index on transaction_id (a join would let the
    -- planner scan the whole table once it has grown)
    FOR checked IN SELECT DISTINCT transaction_id FROM new_postings LOOP
        IF EXISTS (
            SELECT 1 FROM payments_posting WHERE transaction_id = checked
            GROUP BY currency HAVING SUM(amount) <> 0
        ) THEN
            RAISE EXCEPTION 'journal transaction % does not balance', checked
                USING ERRCODE = 'check_violation';
        END IF;
    END LOOP;
    RETURN NULL;
END $$;

CREATE TRIGGER payments_posting_balanced
    AFTER INSERT ON payments_posting
    REFERENCING NEW TABLE AS new_postings
    FOR EACH STATEMENT EXECUTE FUNCTION payments_check_balanced();
"""

BACKWARD = """
DROP TRIGGER payments_posting_balanced ON payments_posting;
DROP FUNCTION payments_check_balanced();

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


class Migration(migrations.Migration):
    dependencies = [("payments", "0007_fewer_indexes")]

    operations = [PostgresOnlyRunSQL(FORWARD, BACKWARD)]
