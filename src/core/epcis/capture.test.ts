import { describe, expect, it } from 'vitest';
import { type CaptureEvent, gtinsOf, planCapture, readCaptureDocument } from './capture.ts';

const GTIN = '09506000134352';
const OTHER_GTIN = '10614141073464';

function doc(eventList: unknown[]): Record<string, unknown> {
  return { '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'], type: 'EPCISDocument', schemaVersion: '2.0', creationDate: '2026-11-23T10:00:00Z', epcisBody: { eventList } };
}

function objectEvent(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'ObjectEvent',
    action: 'OBSERVE',
    bizStep: 'shipping',
    disposition: 'in_transit',
    eventTime: '2026-11-20T08:00:00.000+01:00',
    eventTimeZoneOffset: '+01:00',
    eventID: 'urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8',
    epcList: [`https://id.gs1.org/01/${GTIN}/21/S1`],
    ...fields,
  };
}

function failureOf(body: unknown): string {
  try {
    readCaptureDocument(body);
  } catch (error) {
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    return (error as Error).message;
  }
  throw new Error('expected VALIDATION_FAILED');
}

describe('readCaptureDocument', () => {
  const broken: Array<[string, unknown, string]> = [
    ['an array instead of a document', [], 'body: must be an EPCIS document'],
    ['a document of another type', { ...doc([]), type: 'EPCISQueryDocument' }, 'type: must be "EPCISDocument"'],
    ['a 1.2 schema version', { ...doc([]), schemaVersion: '1.2' }, 'schemaVersion: must be "2.0"'],
    ['a missing epcisBody', { type: 'EPCISDocument', schemaVersion: '2.0' }, 'epcisBody: required'],
    ['an eventList that is not an array', { ...doc([]), epcisBody: { eventList: {} } }, 'epcisBody.eventList: must be an array'],
    ['an event that is not an object', doc([objectEvent(), 'x']), 'epcisBody.eventList[1]: must be an event object'],
    ['an event without a type', doc([{ action: 'ADD' }]), 'epcisBody.eventList[0].type: required'],
    ['an unknown action', doc([objectEvent({ action: 'MOVE' })]), 'epcisBody.eventList[0].action: must be one of ADD, OBSERVE, DELETE'],
    ['an eventTime without a zone', doc([objectEvent({ eventTime: '2026-11-20T08:00:00' })]), 'epcisBody.eventList[0].eventTime: must be a date-time with a time zone'],
    ['an impossible eventTime', doc([objectEvent({ eventTime: '2026-13-45T08:00:00Z' })]), 'epcisBody.eventList[0].eventTime'],
    ['a bad time zone offset', doc([objectEvent({ eventTimeZoneOffset: '1h' })]), 'epcisBody.eventList[0].eventTimeZoneOffset: must be an offset'],
    ['an epcList that is a string', doc([objectEvent({ epcList: 'urn:x' })]), 'epcisBody.eventList[0].epcList: must be an array'],
    ['an EPC that is a number', doc([objectEvent({ epcList: [5] })]), 'epcisBody.eventList[0].epcList[0]: must be a non-empty string'],
    ['an EPC listed twice', doc([objectEvent({ epcList: ['urn:a', 'urn:b', 'urn:a'] })]), 'epcisBody.eventList[0].epcList[2]: repeats epcList[0]'],
    ['a bizStep that is an object', doc([objectEvent({ bizStep: { id: 'x' } })]), 'epcisBody.eventList[0].bizStep: must be a non-empty string'],
    ['a quantityList entry without epcClass', doc([objectEvent({ quantityList: [{ quantity: 1 }] })]), 'epcisBody.eventList[0].quantityList[0].epcClass'],
  ];
  it.each(broken)('refuses %s with VALIDATION_FAILED naming the JSON path', (_, body, message) => {
    expect(failureOf(body)).toContain(message);
  });

  it('lists 50 problems and counts the rest when every event is broken', () => {
    const message = failureOf(doc(Array.from({ length: 80 }, () => objectEvent({ action: 'X' }))));
    expect(message.match(/\.action: /g)).toHaveLength(50);
    expect(message).toContain('body: 30 more problem(s) not listed');
  });

  it('reads ObjectEvents with their EPCs and keeps other event types for the report', () => {
    const events = readCaptureDocument(doc([objectEvent(), { type: 'AggregationEvent', parentID: 'urn:epc:id:sscc:0614141.1234567890' }]));
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ index: 0, type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'shipping', eventTime: '2026-11-20T08:00:00.000+01:00' });
    expect(events[0].epcs[0].parsed).toMatchObject({ ok: true, gtin: GTIN, serial: 'S1' });
    expect(events[1]).toMatchObject({ index: 1, type: 'AggregationEvent', epcs: [] });
  });
});

describe('planCapture', () => {
  const products = new Map([
    [GTIN, [{ id: 1, sku: 'CAM-1' }]],
    [OTHER_GTIN, [{ id: 2, sku: 'A' }, { id: 3, sku: 'B' }]],
  ]);
  const read = (...events: unknown[]): CaptureEvent[] => readCaptureDocument(doc(events));

  it('plans one received event per unit with the source event in its details', () => {
    const events = read(objectEvent({ epcList: [`https://id.gs1.org/01/${GTIN}/21/S1`, 'urn:epc:id:sgtin:950600013435.0.S2'] }));
    expect(gtinsOf(events)).toEqual([GTIN]);
    const plan = planCapture(events, products);
    expect(plan).toMatchObject({ events: 1, epcs: 2, mapped: 2, unmapped: [] });
    expect(plan.received).toEqual([
      {
        productId: 1,
        serial: 'S1',
        lot: null,
        expiry: null,
        details: {
          source: 'epcis',
          epc: `https://id.gs1.org/01/${GTIN}/21/S1`,
          bizStep: 'shipping',
          disposition: 'in_transit',
          eventTime: '2026-11-20T08:00:00.000+01:00',
          eventID: 'urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8',
        },
      },
      expect.objectContaining({ productId: 1, serial: 'S2' }),
    ]);
  });

  it('reports each EPC it cannot map with the event index and the reason', () => {
    const plan = planCapture(
      read(
        objectEvent({ epcList: ['https://id.gs1.org/01/09501101530003/21/X', `https://id.gs1.org/01/${OTHER_GTIN}/21/Y`, 'urn:epc:id:sscc:0614141.1234567890'] }),
        { type: 'TransformationEvent' },
        objectEvent({ action: 'DELETE', epcList: [`https://id.gs1.org/01/${GTIN}/21/GONE`] }),
        objectEvent({ epcList: [], quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.998877', quantity: 200 }] }),
      ),
      products,
    );
    expect(plan).toMatchObject({ events: 4, epcs: 4, mapped: 0, received: [] });
    expect(plan.unmapped).toEqual([
      { eventIndex: 0, epc: 'https://id.gs1.org/01/09501101530003/21/X', reason: 'no product with GTIN 09501101530003' },
      { eventIndex: 0, epc: `https://id.gs1.org/01/${OTHER_GTIN}/21/Y`, reason: `GTIN ${OTHER_GTIN} belongs to 2 products (SKUs A, B)` },
      { eventIndex: 0, epc: 'urn:epc:id:sscc:0614141.1234567890', reason: 'not an SGTIN or GS1 Digital Link with (01) and (21)' },
      { eventIndex: 1, epc: null, reason: 'not an ObjectEvent (TransformationEvent)' },
      { eventIndex: 2, epc: `https://id.gs1.org/01/${GTIN}/21/GONE`, reason: 'action DELETE: the event decommissions the object' },
      { eventIndex: 3, epc: 'urn:epc:class:lgtin:4012345.012345.998877', reason: 'a quantityList entry names a class of objects, not a serialized unit' },
    ]);
  });

  it('plans one received event when two EPC forms of one unit appear in one event, and one per event across events', () => {
    const dl = `https://id.gs1.org/01/${GTIN}/21/S1`;
    const plan = planCapture(read(objectEvent({ epcList: [dl, 'urn:epc:id:sgtin:950600013435.0.S1'] }), objectEvent({ epcList: [dl] })), products);
    expect(plan).toMatchObject({ epcs: 3, mapped: 3 });
    expect(plan.received.map((r) => r.serial)).toEqual(['S1', 'S1']);
  });

  it('carries lot and expiry from a Digital Link to the unit', () => {
    const plan = planCapture(read(objectEvent({ epcList: [`https://id.gs1.org/01/${GTIN}/10/L7/21/S1?17=270131`] })), products);
    expect(plan.received[0]).toMatchObject({ lot: 'L7', expiry: '2027-01-31' });
  });
});
