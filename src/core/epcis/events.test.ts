import { describe, expect, it } from 'vitest';
import { DOCUMENT_CLOSING, documentOpening, eventListEntry, type HistoryEvent, toObjectEvent } from './events.ts';
import { customerUri, eventUri, tenantUri, uuidV5 } from './ids.ts';

const TENANT = '00000000-0000-4000-8000-000000000001';
const BASE = `https://unitrace.example/${TENANT}`;

function historyEvent(fields: Partial<HistoryEvent>): HistoryEvent {
  return {
    id: 7,
    type: 'packed',
    serial: 'SN-1',
    occurredAt: new Date('2026-11-23T10:15:00.123Z'),
    station: null,
    details: {},
    sku: 'CAM-1',
    gtin: '09506000134352',
    orderNumber: 'SO-1',
    customerExternalId: null,
    ...fields,
  };
}

describe('toObjectEvent', () => {
  const vocabulary: Array<[string, Record<string, unknown>, string, string | undefined]> = [
    ['packed', {}, 'packing', 'in_progress'],
    ['unpacked', { restoredStatus: 'in_stock' }, 'unpacking', 'sellable_accessible'],
    ['unpacked', { restoredStatus: 'returned' }, 'unpacking', 'returned'],
    ['unpacked', {}, 'unpacking', 'in_progress'],
    ['shipped', { carrier: 'DHL' }, 'shipping', 'in_transit'],
    ['released', { reason: 'order cancelled' }, 'stocking', 'sellable_accessible'],
    ['received', { source: 'epcis' }, 'receiving', 'in_progress'],
    ['returned', { verdict: 'match' }, 'receiving', 'returned'],
    ['return_held', { verdict: 'wrong_serial' }, 'holding', 'non_sellable_other'],
    ['return_accepted', { note: 'ok' }, 'receiving', 'returned'],
    ['restocked', {}, 'stocking', 'sellable_accessible'],
    ['scrapped', {}, 'destroying', 'destroyed'],
  ];
  it.each(vocabulary)('maps a %s event (details %j) to OBSERVE, bizStep %s, disposition %s', (type, details, bizStep, disposition) => {
    const event = toObjectEvent(TENANT, historyEvent({ type, details }));
    expect(event).toMatchObject({ type: 'ObjectEvent', action: 'OBSERVE', bizStep, disposition });
  });

  it('maps a generated serial to ADD, commissioning, active: its unit begins here', () => {
    const event = toObjectEvent(TENANT, historyEvent({ type: 'generated', details: { mode: 'sequence' }, orderNumber: null }));
    expect(event).toMatchObject({ action: 'ADD', bizStep: 'commissioning', disposition: 'active' });
  });

  it('exports an event type it does not know as OBSERVE without a business step', () => {
    const event = toObjectEvent(TENANT, historyEvent({ type: 'inspected' }));
    expect(event.action).toBe('OBSERVE');
    expect(event).not.toHaveProperty('bizStep');
    expect(event).not.toHaveProperty('disposition');
  });

  it('writes time, zone, EPC, stable event id, order and station of a packed event', () => {
    const event = toObjectEvent(TENANT, historyEvent({ station: 'Desk 2' }));
    expect(event).toEqual({
      type: 'ObjectEvent',
      eventID: eventUri(TENANT, 7),
      eventTime: '2026-11-23T10:15:00.123Z',
      eventTimeZoneOffset: '+00:00',
      epcList: ['https://id.gs1.org/01/09506000134352/21/SN-1'],
      action: 'OBSERVE',
      bizStep: 'packing',
      disposition: 'in_progress',
      readPoint: { id: `${BASE}/station/Desk%202` },
      bizTransactionList: [{ type: 'po', bizTransaction: `${BASE}/order/SO-1` }],
    });
  });

  it('names us as source and the customer as destination owning party on a shipped event', () => {
    const byExternalId = toObjectEvent(TENANT, historyEvent({ type: 'shipped', customerExternalId: 'C-42' }));
    expect(byExternalId.sourceList).toEqual([{ type: 'owning_party', source: BASE }]);
    expect(byExternalId.destinationList).toEqual([{ type: 'owning_party', destination: `${BASE}/customer/C-42` }]);
    const byOrder = toObjectEvent(TENANT, historyEvent({ type: 'shipped', orderNumber: 'SO 9' }));
    expect(byOrder.destinationList).toEqual([{ type: 'owning_party', destination: `${BASE}/order/SO%209/customer` }]);
  });

  it('leaves out business transaction, source and destination when the event has no order', () => {
    const event = toObjectEvent(TENANT, historyEvent({ type: 'received', orderNumber: null }));
    expect(Object.keys(event)).not.toContain('bizTransactionList');
    expect(Object.keys(event)).not.toContain('destinationList');
    expect(Object.keys(event)).not.toContain('readPoint');
  });
});

describe('ids', () => {
  it('computes RFC 4122 version-5 UUIDs (the DNS-namespace vector for www.example.com)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('gives an event the same id every time and different ids to other events and tenants', () => {
    const other = '00000000-0000-4000-8000-000000000002';
    expect(eventUri(TENANT, 1)).toBe(eventUri(TENANT, 1));
    expect(eventUri(TENANT, 1)).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set([eventUri(TENANT, 1), eventUri(TENANT, 2), eventUri(other, 1)]).size).toBe(3);
    // The name is the event's URL under the tenant: uuid5(URL namespace, https://unitrace.example/<tenant>/event/<id>).
    expect(eventUri('00000000-0000-0000-0000-000000000001', 1)).toBe('urn:uuid:662f8d4f-3681-5b0e-9072-694e8c8d71d4');
  });

  it('percent-encodes each variable segment of a tenant URI', () => {
    expect(tenantUri(TENANT, 'order', 'A/B C?#')).toBe(`${BASE}/order/A%2FB%20C%3F%23`);
    expect(customerUri(TENANT, { orderNumber: 'SO-1', customerExternalId: 'ü' })).toBe(`${BASE}/customer/%C3%BC`);
  });
});

describe('document pieces', () => {
  it('make one JSON document from opening, entries and closing', () => {
    const events = [toObjectEvent(TENANT, historyEvent({ id: 1 })), toObjectEvent(TENANT, historyEvent({ id: 2, type: 'shipped' }))];
    const text = documentOpening(new Date('2026-11-23T00:00:00Z')) + events.map((e, i) => eventListEntry(e, i === 0)).join('') + DOCUMENT_CLOSING;
    expect(JSON.parse(text)).toEqual({
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: '2026-11-23T00:00:00.000Z',
      epcisBody: { eventList: events },
    });
  });

  it('make an empty event list when there are no events', () => {
    const text = documentOpening(new Date('2026-11-23T00:00:00Z')) + DOCUMENT_CLOSING;
    expect(JSON.parse(text).epcisBody.eventList).toEqual([]);
  });
});
