"""Documents never change once issued, in the database itself.

UPDATE of a document may only do what an erasure or the fee-invoice announcement does: detach the
recipient's account, blank the recipient's name or address, mark it restricted (never back), and
set announced_at once. Everything else (number, amounts, parties, dates) is refused, and so is any
UPDATE of a line. DELETE is refused until the retention period has ended (retain_until).
TRUNCATE is left alone, as for the ledger: an operator's tool, and how the test runner empties
tables."""

from django.db import migrations

from sofadoc.migration_sql import vendor_sql

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION billing_document_guard() RETURNS trigger AS $$
DECLARE
    erasable text[] := ARRAY['recipient_user_id', 'recipient_name', 'recipient_address',
                             'restricted', 'announced_at'];
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.retain_until >= current_date THEN
            RAISE EXCEPTION 'billing document %% is kept until %%', OLD.number, OLD.retain_until
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF (to_jsonb(NEW) - erasable) IS DISTINCT FROM (to_jsonb(OLD) - erasable)
        OR (NEW.recipient_user_id IS NOT NULL
            AND NEW.recipient_user_id IS DISTINCT FROM OLD.recipient_user_id)
        OR (NEW.recipient_name <> OLD.recipient_name AND NEW.recipient_name <> '')
        OR (NEW.recipient_address <> OLD.recipient_address AND NEW.recipient_address <> '')
        OR (OLD.restricted AND NOT NEW.restricted)
        OR (OLD.announced_at IS NOT NULL AND NEW.announced_at IS DISTINCT FROM OLD.announced_at)
    THEN
        RAISE EXCEPTION 'billing document %% was issued and cannot change', OLD.number
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER billing_document_guard BEFORE UPDATE OR DELETE ON billing_document
    FOR EACH ROW EXECUTE FUNCTION billing_document_guard();

CREATE OR REPLACE FUNCTION billing_documentline_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' OR EXISTS (
        SELECT 1 FROM billing_document d
        WHERE d.id = OLD.document_id AND d.retain_until >= current_date
    ) THEN
        RAISE EXCEPTION 'lines of an issued billing document cannot change (%% refused)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER billing_documentline_guard BEFORE UPDATE OR DELETE ON billing_documentline
    FOR EACH ROW EXECUTE FUNCTION billing_documentline_guard();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS billing_document_guard ON billing_document;
DROP TRIGGER IF EXISTS billing_documentline_guard ON billing_documentline;
DROP FUNCTION IF EXISTS billing_document_guard();
DROP FUNCTION IF EXISTS billing_documentline_guard();
"""
# The SQLite demo gets the same promise for the columns that matter.
FIXED = [
    "kind", "issuer_key", "number", "issued_at", "practice_id", "purchase_id", "ledger_entry_id",
    "refers_to_id", "source_key", "period_start", "issuer_name", "issuer_address",
    "issuer_tax_number", "issuer_vat_id", "tax_treatment", "vat_rate", "recipient_vat_id",
    "recipient_required", "currency", "net_total", "vat_total", "gross_total", "memo",
    "retain_until",
]  # fmt: skip
SQLITE_UP = [
    "CREATE TRIGGER billing_document_no_update BEFORE UPDATE ON billing_document WHEN "
    + " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FIXED)
    + " OR (NEW.recipient_name <> OLD.recipient_name AND NEW.recipient_name <> '')"
    + " OR (NEW.recipient_address <> OLD.recipient_address AND NEW.recipient_address <> '')"
    + " BEGIN SELECT RAISE(ABORT, 'billing documents cannot change'); END;",
    """CREATE TRIGGER billing_document_no_delete BEFORE DELETE ON billing_document
       WHEN OLD.retain_until >= date('now')
       BEGIN SELECT RAISE(ABORT, 'billing document still inside its retention period'); END;""",
    """CREATE TRIGGER billing_documentline_no_update BEFORE UPDATE ON billing_documentline
       BEGIN SELECT RAISE(ABORT, 'billing document lines cannot change'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS billing_document_no_update;",
    "DROP TRIGGER IF EXISTS billing_document_no_delete;",
    "DROP TRIGGER IF EXISTS billing_documentline_no_update;",
]


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_documents")]
    operations = [
        vendor_sql(
            postgres_up=POSTGRES_UP,
            postgres_down=POSTGRES_DOWN,
            sqlite_up=SQLITE_UP,
            sqlite_down=SQLITE_DOWN,
        )
    ]
