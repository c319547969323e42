/**
 * Capture of EPCIS 2.0 JSON documents: the structural checks a document must pass before anything
 * is written (VALIDATION_FAILED naming the JSON path), and the plan of which units to register and
 * which EPCs cannot be mapped, and why.
 */
import { Problems } from '../validate.ts';
import { type EpcParse, parseEpc } from './epc.ts';

export type CaptureEvent = {
  index: number;
  type: string;
  action: string | null;
  bizStep: string | null;
  disposition: string | null;
  eventTime: string | null;
  eventID: string | null;
  epcs: Array<{ epc: string; parsed: EpcParse }>;
  quantityClasses: string[];
};

export type Unmapped = { eventIndex: number; epc: string | null; reason: string };

/** Problems listed in one error at most; the count of the rest is given. */
const MAX_PROBLEMS = 50;
/** An EPC or vocabulary value longer than this is refused (a Digital Link is rarely over 200). */
const MAX_URI_LENGTH = 2048;

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const ACTIONS = new Set(['ADD', 'OBSERVE', 'DELETE']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Problems, but with a cap: a document with 100,000 bad events gets a readable error. */
class CappedProblems {
  readonly problems = new Problems();
  private more = 0;

  add(field: string, message: string): void {
    if (this.problems.list.length < MAX_PROBLEMS) this.problems.add(field, message);
    else this.more += 1;
  }

  throwIfAny(): void {
    if (this.more > 0) this.problems.add('body', `${this.more} more problem(s) not listed`);
    this.problems.throwIfAny();
  }
}

function optionalUri(problems: CappedProblems, field: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length === 0) {
    problems.add(field, 'must be a non-empty string');
    return null;
  }
  if (value.length > MAX_URI_LENGTH) {
    problems.add(field, `must be at most ${MAX_URI_LENGTH} characters, got ${value.length}`);
    return null;
  }
  return value;
}

function readEvent(problems: CappedProblems, path: string, index: number, raw: unknown): CaptureEvent | null {
  if (!isObject(raw)) {
    problems.add(path, 'must be an event object');
    return null;
  }
  if (typeof raw.type !== 'string' || raw.type.length === 0) {
    problems.add(`${path}.type`, 'required: the event type, e.g. "ObjectEvent"');
    return null;
  }
  const event: CaptureEvent = {
    index,
    type: raw.type,
    action: null,
    bizStep: null,
    disposition: null,
    eventTime: null,
    eventID: null,
    epcs: [],
    quantityClasses: [],
  };
  // Other event types are reported as not mapped, whatever their content.
  if (raw.type !== 'ObjectEvent') return event;

  if (typeof raw.action !== 'string' || !ACTIONS.has(raw.action)) {
    problems.add(`${path}.action`, 'must be one of ADD, OBSERVE, DELETE');
  } else {
    event.action = raw.action;
  }
  if (typeof raw.eventTime !== 'string' || !DATE_TIME.test(raw.eventTime) || Number.isNaN(Date.parse(raw.eventTime))) {
    problems.add(`${path}.eventTime`, 'must be a date-time with a time zone, like 2026-11-23T10:00:00.000+01:00');
  } else {
    event.eventTime = raw.eventTime;
  }
  if (raw.eventTimeZoneOffset !== undefined && (typeof raw.eventTimeZoneOffset !== 'string' || !/^[+-]\d{2}:\d{2}$/.test(raw.eventTimeZoneOffset))) {
    problems.add(`${path}.eventTimeZoneOffset`, 'must be an offset like +01:00');
  }
  event.bizStep = optionalUri(problems, `${path}.bizStep`, raw.bizStep);
  event.disposition = optionalUri(problems, `${path}.disposition`, raw.disposition);
  event.eventID = optionalUri(problems, `${path}.eventID`, raw.eventID);

  if (raw.epcList !== undefined) {
    if (!Array.isArray(raw.epcList)) {
      problems.add(`${path}.epcList`, 'must be an array of EPC URIs');
    } else {
      const seen = new Map<string, number>();
      raw.epcList.forEach((epc: unknown, i: number) => {
        const field = `${path}.epcList[${i}]`;
        const value = optionalUri(problems, field, epc ?? '');
        if (value === null) return;
        const first = seen.get(value);
        if (first !== undefined) {
          problems.add(field, `repeats epcList[${first}]; list each EPC once`);
          return;
        }
        seen.set(value, i);
        event.epcs.push({ epc: value, parsed: parseEpc(value) });
      });
    }
  }
  if (raw.quantityList !== undefined) {
    if (!Array.isArray(raw.quantityList)) {
      problems.add(`${path}.quantityList`, 'must be an array of {epcClass, quantity}');
    } else {
      raw.quantityList.forEach((q: unknown, i: number) => {
        const epcClass = optionalUri(problems, `${path}.quantityList[${i}].epcClass`, isObject(q) ? (q.epcClass ?? '') : '');
        if (epcClass !== null) event.quantityClasses.push(epcClass);
      });
    }
  }
  return event;
}

/**
 * Reads an EPCIS 2.0 JSON document (type EPCISDocument, epcisBody.eventList). Throws
 * VALIDATION_FAILED listing each problem with its JSON path, e.g. epcisBody.eventList[2].eventTime.
 * Only the fields capture uses are checked; the rest of an event is not looked at.
 */
export function readCaptureDocument(body: unknown): CaptureEvent[] {
  const problems = new CappedProblems();
  if (!isObject(body)) {
    problems.add('body', 'must be an EPCIS document: a JSON object with type "EPCISDocument"');
    problems.throwIfAny();
  }
  const doc = body as Record<string, unknown>;
  if (doc.type !== 'EPCISDocument') problems.add('type', 'must be "EPCISDocument"');
  if (typeof doc.schemaVersion !== 'string' || !/^2(\.\d+)*$/.test(doc.schemaVersion)) {
    problems.add('schemaVersion', 'must be "2.0" (EPCIS 2.x)');
  }
  const epcisBody = doc.epcisBody;
  if (!isObject(epcisBody)) {
    problems.add('epcisBody', 'required: an object with eventList');
    problems.throwIfAny();
  }
  const list = (epcisBody as Record<string, unknown>).eventList;
  if (!Array.isArray(list)) {
    problems.add('epcisBody.eventList', 'must be an array of events');
    problems.throwIfAny();
  }
  const events: CaptureEvent[] = [];
  (list as unknown[]).forEach((raw, i) => {
    const event = readEvent(problems, `epcisBody.eventList[${i}]`, i, raw);
    if (event) events.push(event);
  });
  problems.throwIfAny();
  return events;
}

/** GTINs of every mapped EPC: the products to look up. */
export function gtinsOf(events: readonly CaptureEvent[]): string[] {
  const gtins = new Set<string>();
  for (const event of events) for (const { parsed } of event.epcs) if (parsed.ok) gtins.add(parsed.gtin);
  return [...gtins];
}

export type ProductRef = { id: number; sku: string };

export type ReceivedUnit = {
  productId: number;
  serial: string;
  lot: string | null;
  expiry: string | null;
  details: { source: 'epcis'; epc: string; bizStep?: string; disposition?: string; eventTime?: string; eventID?: string };
};

export type CapturePlan = {
  events: number;
  epcs: number;
  /** EPCs that name a unit of one of our products (an EPC of a unit already named in the same event counts too). */
  mapped: number;
  /** One per (event, unit): the 'received' history events to append. */
  received: ReceivedUnit[];
  unmapped: Unmapped[];
};

/**
 * Which unit each EPC names, given the tenant's products by GTIN-14. An EPC is not mapped when it
 * is not an SGTIN, when no product (or more than one) has its GTIN, or when its event decommissions
 * objects (action DELETE). quantityList entries name classes, not units: they are reported too.
 */
export function planCapture(events: readonly CaptureEvent[], productsByGtin: ReadonlyMap<string, readonly ProductRef[]>): CapturePlan {
  const plan: CapturePlan = { events: events.length, epcs: 0, mapped: 0, received: [], unmapped: [] };
  for (const event of events) {
    const eventIndex = event.index;
    if (event.type !== 'ObjectEvent') {
      plan.unmapped.push({ eventIndex, epc: null, reason: `not an ObjectEvent (${event.type})` });
      continue;
    }
    for (const epcClass of event.quantityClasses) {
      plan.unmapped.push({ eventIndex, epc: epcClass, reason: 'a quantityList entry names a class of objects, not a serialized unit' });
    }
    const inEvent = new Set<string>();
    for (const { epc, parsed } of event.epcs) {
      plan.epcs += 1;
      if (event.action === 'DELETE') {
        plan.unmapped.push({ eventIndex, epc, reason: 'action DELETE: the event decommissions the object' });
        continue;
      }
      if (!parsed.ok) {
        plan.unmapped.push({ eventIndex, epc, reason: parsed.reason });
        continue;
      }
      const products = productsByGtin.get(parsed.gtin) ?? [];
      if (products.length === 0) {
        plan.unmapped.push({ eventIndex, epc, reason: `no product with GTIN ${parsed.gtin}` });
        continue;
      }
      if (products.length > 1) {
        const skus = products.map((p) => p.sku).join(', ');
        plan.unmapped.push({ eventIndex, epc, reason: `GTIN ${parsed.gtin} belongs to ${products.length} products (SKUs ${skus})` });
        continue;
      }
      plan.mapped += 1;
      const key = `${products[0].id}\u0000${parsed.serial}`;
      if (inEvent.has(key)) continue;
      inEvent.add(key);
      const details: ReceivedUnit['details'] = { source: 'epcis', epc };
      if (event.bizStep !== null) details.bizStep = event.bizStep;
      if (event.disposition !== null) details.disposition = event.disposition;
      if (event.eventTime !== null) details.eventTime = event.eventTime;
      if (event.eventID !== null) details.eventID = event.eventID;
      plan.received.push({ productId: products[0].id, serial: parsed.serial, lot: parsed.lot ?? null, expiry: parsed.expiry ?? null, details });
    }
  }
  return plan;
}

