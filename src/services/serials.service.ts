import { decodeCursor, encodeCursor, type Page } from '../core/cursor.ts';
import { DomainError } from '../core/errors.ts';
import type { Actor } from '../core/model.ts';
import { normalizeSerial } from '../core/serial.ts';
import type { Db } from '../storage/database.ts';
import { actorNames } from './actors.service.ts';
import { type EventRow, findEventsForUnits, findUnitsByPrefix, findUnitsBySerial, type UnitRow } from '../storage/serials.repository.ts';

export type UnitEvent = EventRow & { actorName: string };
export type UnitWithHistory = UnitRow & { events: UnitEvent[] };

/** The units with their events; who did each is named once for the whole page (actors.service). */
async function withHistory(db: Db, tenantId: string, units: UnitRow[]): Promise<UnitWithHistory[]> {
  const events = await findEventsForUnits(db, tenantId, units);
  const name = await actorNames(db, tenantId, new Set(events.map((e) => e.actor)));
  return units.map((unit) => ({
    ...unit,
    events: events
      .filter((e) => e.productId === unit.productId && e.serial === unit.serial)
      .map((e) => ({ ...e, actorName: name(e.actor) })),
  }));
}

/** Every unit (one per SKU) that carries exactly this serial, with its order, customer and history. */
export async function findSerial(db: Db, actor: Actor, rawSerial: string): Promise<{ serial: string; units: UnitWithHistory[] }> {
  const serial = normalizeSerial(rawSerial);
  const units = await findUnitsBySerial(db, actor.tenantId, serial);
  if (units.length === 0) throw new DomainError('SERIAL_NOT_FOUND', `serial: no unit with serial ${serial}`, { serial });
  return { serial, units: await withHistory(db, actor.tenantId, units) };
}

/** Units whose serial starts with `prefix` (case-sensitive), in serial order. */
export async function searchSerials(
  db: Db,
  actor: Actor,
  query: { prefix: string; limit: number; cursor?: string },
): Promise<Page<UnitWithHistory>> {
  const prefix = query.prefix.trim();
  if (prefix.length === 0) throw new DomainError('VALIDATION_FAILED', 'prefix: required', { field: 'prefix' });
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor, ['string', 'number'] as const);
  const rows = await findUnitsByPrefix(
    db,
    actor.tenantId,
    prefix,
    after && { serial: after[0], productId: after[1] },
    query.limit + 1,
  );
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  return {
    items: await withHistory(db, actor.tenantId, items),
    nextCursor: rows.length > query.limit ? encodeCursor([last.serial, last.productId]) : null,
  };
}
