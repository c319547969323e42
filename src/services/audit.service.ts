import { parseSubjectFilter } from '../core/audit.ts';
import { decodeCursor, encodeCursor, type Page } from '../core/cursor.ts';
import { parseRangeBound } from '../core/dates.ts';
import { DomainError } from '../core/errors.ts';
import type { Actor } from '../core/model.ts';
import { findUserIdByEmail } from '../storage/actors.repository.ts';
import { type AuditFilter, findAuditPage, insertAuditEvents, type NewAuditEvent } from '../storage/audit.repository.ts';
import type { Db } from '../storage/database.ts';
import { actorNames } from './actors.service.ts';

export type { NewAuditEvent };

/**
 * Records who changed what. Called by the service making the change, with its transaction, so the
 * entry commits or rolls back with the change.
 */
export async function recordAudit(trx: Db, actor: Pick<Actor, 'tenantId' | 'id'>, events: NewAuditEvent[]): Promise<void> {
  await insertAuditEvents(trx, actor.tenantId, actor.id, events);
}

export type AuditEntry = {
  id: number;
  at: Date;
  /** who, by name (email, API key label, "command line") */
  actor: string;
  action: string;
  subject: { type: string; id: string | null; name: string | null };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
};

export type AuditQuery = {
  subject?: string;
  action?: string;
  actor?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
};

/** The audit trail of the actor's tenant, newest first, filtered and paged (keyset on id). */
export async function listAudit(db: Db, actor: Actor, query: AuditQuery): Promise<Page<AuditEntry>> {
  const filter: AuditFilter = {};
  const none = { items: [], nextCursor: null };
  if (query.subject?.trim()) {
    const subject = parseSubjectFilter(query.subject.trim());
    if (!subject) {
      throw new DomainError('VALIDATION_FAILED', 'subject: expected product, settings, order, api_key or user, optionally with :<id> (product:CAM-100)', {
        field: 'subject',
      });
    }
    filter.subjectType = subject.type;
    if (subject.id !== undefined) {
      if (subject.type === 'user' && subject.id.includes('@')) {
        const id = await findUserIdByEmail(db, actor.tenantId, subject.id);
        if (!id) return none;
        filter.subjectId = id;
      } else {
        filter.subjectId = subject.id;
      }
    }
  }
  const action = query.action?.trim();
  if (action) {
    if (action.includes('.')) filter.action = action;
    else filter.actionFamily = action;
  }
  const who = query.actor?.trim();
  if (who) {
    if (who.includes('@')) {
      const id = await findUserIdByEmail(db, actor.tenantId, who);
      if (!id) return none;
      filter.actor = `user:${id}`;
    } else {
      filter.actor = who === 'command line' ? 'cli' : who;
    }
  }
  if (query.from) filter.from = parseRangeBound('from', query.from, 'start');
  if (query.to) filter.before = parseRangeBound('to', query.to, 'end');
  if (query.cursor !== undefined) filter.beforeId = decodeCursor(query.cursor, ['number'] as const)[0];

  const rows = await findAuditPage(db, actor.tenantId, filter, query.limit + 1);
  const items = rows.slice(0, query.limit);
  // One lookup names the actors and the keys and users the entries are about.
  const subjects = items.flatMap((r) =>
    r.subjectId === null ? [] : r.subjectType === 'api_key' ? [`key:${r.subjectId}`] : r.subjectType === 'user' ? [`user:${r.subjectId}`] : [],
  );
  const name = await actorNames(db, actor.tenantId, [...items.map((r) => r.actor), ...subjects]);
  return {
    items: items.map((r) => ({
      id: r.id,
      at: r.at,
      actor: name(r.actor),
      action: r.action,
      subject: {
        type: r.subjectType,
        id: r.subjectId,
        name:
          r.subjectId === null
            ? null
            : r.subjectType === 'api_key'
              ? name(`key:${r.subjectId}`)
              : r.subjectType === 'user'
                ? name(`user:${r.subjectId}`)
                : r.subjectId,
      },
      before: r.before,
      after: r.after,
    })),
    nextCursor: rows.length > query.limit ? encodeCursor([items[items.length - 1].id]) : null,
  };
}
