import { sql } from 'kysely';
import type { Db } from './database.ts';

export type NewAuditEvent = {
  /** `<subject>.<verb>`, e.g. product.updated */
  action: string;
  subjectType: string;
  subjectId: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
};

export type AuditRow = {
  id: number;
  at: Date;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
};

export type AuditFilter = {
  subjectType?: string;
  subjectId?: string;
  /** exact */
  action?: string;
  /** every action of a subject type: 'product' for product.created, product.updated ... */
  actionFamily?: string;
  actor?: string;
  from?: Date;
  /** exclusive */
  before?: Date;
  /** keyset: entries older than this id */
  beforeId?: number;
};

/**
 * Appends audit entries in one statement whatever their number; `at` is the transaction's time
 * (now()), so every entry of one change has the same time as the change.
 */
export async function insertAuditEvents(db: Db, tenantId: string, actor: string, events: NewAuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  const json = (value: Record<string, unknown> | null | undefined) => (value == null ? null : JSON.stringify(value));
  await sql`
    INSERT INTO audit_events (tenant_id, actor, action, subject_type, subject_id, before, after)
    SELECT ${tenantId}::uuid, ${actor}, t.action, t.subject_type, t.subject_id, t.before::jsonb, t.after::jsonb
    FROM unnest(${events.map((e) => e.action)}::text[], ${events.map((e) => e.subjectType)}::text[],
                ${events.map((e) => e.subjectId)}::text[], ${events.map((e) => json(e.before))}::text[],
                ${events.map((e) => json(e.after))}::text[])
         WITH ORDINALITY AS t(action, subject_type, subject_id, before, after, n)
    ORDER BY t.n
  `.execute(db);
}

/** One page of the tenant's audit entries, newest first. */
export async function findAuditPage(db: Db, tenantId: string, filter: AuditFilter, limit: number): Promise<AuditRow[]> {
  let query = db
    .selectFrom('audit_events')
    .select(['id', 'at', 'actor', 'action', 'subject_type', 'subject_id', 'before', 'after'])
    .where('tenant_id', '=', tenantId);
  if (filter.subjectType !== undefined) query = query.where('subject_type', '=', filter.subjectType);
  if (filter.subjectId !== undefined) query = query.where('subject_id', '=', filter.subjectId);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.actionFamily !== undefined) query = query.where(sql<boolean>`starts_with(action, ${`${filter.actionFamily}.`})`);
  if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
  if (filter.from) query = query.where('at', '>=', filter.from);
  if (filter.before) query = query.where('at', '<', filter.before);
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  const rows = await query.orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    before: r.before,
    after: r.after,
  }));
}
