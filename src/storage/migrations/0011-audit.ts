import { type Kysely, sql } from 'kysely';

// Corrections and the audit trail.
//
// A shipped order's capture that proves wrong is not edited: a new capture of the right serial is
// added, and the wrong one points at it (`replaced_by`) and gives its unit up (`unit_active`
// false; it no longer counts toward the order's serials or its duplicate rule either). One column
// holds one replacement, and a replaced capture never holds its unit (CHECK), so a capture is
// corrected at most once; a later correction corrects the replacement (a chain).
//
// audit_events: who changed what (products, settings, orders, API keys, users), one row per
// change, written in the change's own transaction. Append-only like serial_events: a trigger
// refuses UPDATE, DELETE and TRUNCATE, and the runtime role has only SELECT and INSERT
// (storage/roles.ts appendOnlyTables).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE order_serials
      ADD COLUMN replaced_by bigint,
      ADD COLUMN correction_reason text CHECK (length(correction_reason) BETWEEN 1 AND 500),
      ADD CONSTRAINT order_serials_replaced_by_fkey
        FOREIGN KEY (tenant_id, order_id, replaced_by) REFERENCES order_serials (tenant_id, order_id, id),
      ADD CONSTRAINT order_serials_replaced_gives_unit_up CHECK (replaced_by IS NULL OR NOT unit_active),
      ADD CONSTRAINT order_serials_not_own_replacement CHECK (replaced_by IS NULL OR replaced_by <> id);
    CREATE UNIQUE INDEX order_serials_replaced_by ON order_serials (tenant_id, order_id, replaced_by)
      WHERE replaced_by IS NOT NULL;

    CREATE TABLE audit_events (
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      id bigint GENERATED ALWAYS AS IDENTITY,
      at timestamptz NOT NULL DEFAULT now(),
      actor text NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
      action text NOT NULL CHECK (action ~ '^[a-z]+(_[a-z]+)*\\.[a-z]+(_[a-z]+)*$'),
      subject_type text NOT NULL CHECK (subject_type ~ '^[a-z]+(_[a-z]+)*$'),
      subject_id text COLLATE "C" CHECK (length(subject_id) BETWEEN 1 AND 200),
      before jsonb,
      after jsonb,
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX audit_events_subject ON audit_events (tenant_id, subject_type, subject_id, id);
    CREATE INDEX audit_events_actor ON audit_events (tenant_id, actor, id);
    CREATE INDEX audit_events_action ON audit_events (tenant_id, action, id);
    CREATE INDEX audit_events_at ON audit_events (tenant_id, at, id);

    CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
    END;
    $$;
    CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
    CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0011-audit cannot be reverted: the audit trail is append-only');
}
