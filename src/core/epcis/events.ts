/**
 * A serial's history events as EPCIS 2.0 ObjectEvents (JSON-LD), and the pieces of the document
 * around them, written so that a document can be streamed event by event.
 */
import { customerUri, eventUri, orderUri, stationUri, tenantUri } from './ids.ts';
import { unitEpc } from './epc.ts';

export const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';

export type EpcisAction = 'ADD' | 'OBSERVE' | 'DELETE';

/** One history event with what the export needs of its unit and order. */
export type HistoryEvent = {
  id: number;
  type: string;
  serial: string;
  occurredAt: Date;
  station: string | null;
  details: Record<string, unknown>;
  /** The event this one corrects (corrections of a shipped order's serial). */
  correctsEventId?: number | null;
  sku: string;
  gtin: string | null;
  orderNumber: string | null;
  customerExternalId: string | null;
};

export type EpcisObjectEvent = {
  type: 'ObjectEvent';
  eventID: string;
  eventTime: string;
  eventTimeZoneOffset: string;
  epcList: string[];
  action: EpcisAction;
  bizStep?: string;
  disposition?: string;
  readPoint?: { id: string };
  bizTransactionList?: Array<{ type: string; bizTransaction: string }>;
  sourceList?: Array<{ type: string; source: string }>;
  destinationList?: Array<{ type: string; destination: string }>;
  errorDeclaration?: { declarationTime: string; reason: string; correctiveEventIDs?: string[] };
};

type Vocabulary = { action: EpcisAction; bizStep: string; disposition: string };

/**
 * Our event types in the Core Business Vocabulary (bare CBV names, as EPCIS 2.0 JSON-LD allows).
 * Serials generated here are commissioned (ADD): that is where their unit begins. Every other
 * event is OBSERVE: the unit existed before and goes on existing.
 */
export const EVENT_VOCABULARY: Readonly<Record<string, Vocabulary>> = {
  generated: { action: 'ADD', bizStep: 'commissioning', disposition: 'active' },
  received: { action: 'OBSERVE', bizStep: 'receiving', disposition: 'in_progress' },
  packed: { action: 'OBSERVE', bizStep: 'packing', disposition: 'in_progress' },
  unpacked: { action: 'OBSERVE', bizStep: 'unpacking', disposition: 'in_progress' },
  shipped: { action: 'OBSERVE', bizStep: 'shipping', disposition: 'in_transit' },
  released: { action: 'OBSERVE', bizStep: 'stocking', disposition: 'sellable_accessible' },
  // A shipped order's serial corrected: the right unit is observed shipping (at the order's ship
  // time); the wrong unit's shipping event is declared in error (toObjectEvent).
  correction: { action: 'OBSERVE', bizStep: 'shipping', disposition: 'in_transit' },
  corrected: { action: 'OBSERVE', bizStep: 'shipping', disposition: 'in_transit' },
  // Returns (docs/returns.md): taken back, held for review, taken in by review, restocked, scrapped.
  returned: { action: 'OBSERVE', bizStep: 'receiving', disposition: 'returned' },
  return_held: { action: 'OBSERVE', bizStep: 'holding', disposition: 'non_sellable_other' },
  return_accepted: { action: 'OBSERVE', bizStep: 'receiving', disposition: 'returned' },
  restocked: { action: 'OBSERVE', bizStep: 'stocking', disposition: 'sellable_accessible' },
  scrapped: { action: 'OBSERVE', bizStep: 'destroying', disposition: 'destroyed' },
  recalled: { action: 'OBSERVE', bizStep: 'holding', disposition: 'recalled' },
};

const SHIPPING_TYPES = new Set(['shipped', 'correction', 'corrected']);

function timeOf(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The disposition a unit has after a mis-scan is removed: that of the status it went back to. */
const RESTORED_DISPOSITION: Readonly<Record<string, string>> = {
  in_stock: 'sellable_accessible',
  packed: 'in_progress',
  shipped: 'in_transit',
  returned: 'returned',
  recalled: 'recalled',
};

function vocabularyOf(event: HistoryEvent): Partial<Vocabulary> & { action: EpcisAction } {
  const known = EVENT_VOCABULARY[event.type];
  // A type this export does not know yet is still exported, without a business step to guess.
  if (!known) return { action: 'OBSERVE' };
  if (event.type === 'unpacked') {
    const restored = event.details.restoredStatus;
    if (typeof restored === 'string' && RESTORED_DISPOSITION[restored]) {
      return { ...known, disposition: RESTORED_DISPOSITION[restored] };
    }
  }
  return known;
}

/** The EPCIS ObjectEvent of one history event of `tenantId`. Times are UTC (+00:00). */
export function toObjectEvent(tenantId: string, event: HistoryEvent): EpcisObjectEvent {
  const vocabulary = vocabularyOf(event);
  // A `corrected` event is exported as EPCIS 2.0's error declaration: the event it corrects, with
  // that event's eventID and time, and `errorDeclaration` naming the corrective event.
  const declares = event.type === 'corrected' && event.correctsEventId != null;
  const eventTime = declares
    ? (timeOf(event.details.correctedEventAt) ?? event.occurredAt)
    : event.type === 'correction'
      ? (timeOf(event.details.shippedAt) ?? event.occurredAt)
      : event.occurredAt;
  const out: EpcisObjectEvent = {
    type: 'ObjectEvent',
    eventID: eventUri(tenantId, declares ? event.correctsEventId! : event.id),
    eventTime: eventTime.toISOString(),
    eventTimeZoneOffset: '+00:00',
    epcList: [unitEpc(tenantId, event)],
    action: vocabulary.action,
  };
  if (vocabulary.bizStep) out.bizStep = vocabulary.bizStep;
  if (vocabulary.disposition) out.disposition = vocabulary.disposition;
  if (event.station) out.readPoint = { id: stationUri(tenantId, event.station) };
  if (event.orderNumber !== null) {
    out.bizTransactionList = [{ type: 'po', bizTransaction: orderUri(tenantId, event.orderNumber) }];
    if (SHIPPING_TYPES.has(event.type)) {
      out.sourceList = [{ type: 'owning_party', source: tenantUri(tenantId) }];
      out.destinationList = [
        {
          type: 'owning_party',
          destination: customerUri(tenantId, { orderNumber: event.orderNumber, customerExternalId: event.customerExternalId }),
        },
      ];
    }
  }
  if (declares) {
    const corrective = event.details.correctiveEventId;
    out.errorDeclaration = {
      declarationTime: event.occurredAt.toISOString(),
      reason: 'incorrect_data',
      ...(typeof corrective === 'number' ? { correctiveEventIDs: [eventUri(tenantId, corrective)] } : {}),
    };
  }
  return out;
}

/** The document up to the opening bracket of its event list. */
export function documentOpening(creationDate: Date): string {
  const head = JSON.stringify({
    '@context': [EPCIS_CONTEXT],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: creationDate.toISOString(),
  });
  return `${head.slice(0, -1)},"epcisBody":{"eventList":[\n`;
}

/** Closes what documentOpening opened. */
export const DOCUMENT_CLOSING = '\n]}}\n';

/** One event as it goes into the list: one line, a comma before every event but the first. */
export function eventListEntry(event: EpcisObjectEvent, first: boolean): string {
  return `${first ? '' : ',\n'}${JSON.stringify(event)}`;
}
