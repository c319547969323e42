import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { makeOrder, makeProduct, makeTenant } from '../../test/factories.ts';
import type { Actor } from '../core/model.ts';
import { captureEpcisDocument, exportEpcisDocument } from './epcis.service.ts';
import { cancelOrder } from './orders.service.ts';
import { captureSerial, captureSerialBatch, removeSerial, shipOrder } from './packing.service.ts';
import { findSerial } from './serials.service.ts';

// GS1's EPCIS 2.0 JSON schema and examples live outside the project (../shared/standards/epcis).
const standards = fileURLToPath(new URL('../../../shared/standards/epcis/', import.meta.url));
const schemaPath = `${standards}EPCIS-JSON-Schema.json`;
const haveSchema = existsSync(schemaPath);
if (!haveSchema) console.log(`epcis.service.test: skipping EPCIS schema validation, ${schemaPath} is absent`);

type Validator = ((doc: unknown) => boolean) & { errors?: unknown };
let validate: Validator;
if (haveSchema) {
  // The schema declares draft-07, which is what Ajv's default export implements.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
}

function expectValid(doc: unknown): void {
  if (!validate(doc)) expect.fail(`not valid EPCIS: ${JSON.stringify(validate.errors).slice(0, 2000)}`);
}

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.close());

type EventJson = Record<string, unknown> & { epcList: string[]; bizStep?: string; eventID: string };
type DocumentJson = { type: string; epcisBody: { eventList: EventJson[] } };

async function readAll(stream: NodeJS.ReadableStream): Promise<{ text: string; chunks: number }> {
  let text = '';
  let chunks = 0;
  for await (const chunk of stream) {
    text += chunk.toString();
    chunks += 1;
  }
  return { text, chunks };
}

async function exportDoc(actor: Actor, query: Record<string, string> = {}, options = {}): Promise<DocumentJson> {
  const { text } = await readAll(exportEpcisDocument(t.db, actor, query, options));
  return JSON.parse(text) as DocumentJson;
}

const GTIN = '09506000134352';

describe('exportEpcisDocument', () => {
  let actor: Actor;
  let withGtin: { sku: string };
  let withoutGtin: { sku: string };
  let shippedOrder: string;

  beforeAll(async () => {
    ({ actor } = await makeTenant(t.db));
    withGtin = await makeProduct(t.db, actor, { gtin: GTIN });
    withoutGtin = await makeProduct(t.db, actor);
    const order = await makeOrder(
      t.db,
      actor,
      [
        { sku: withGtin.sku, quantity: 2 },
        { sku: withoutGtin.sku, quantity: 1 },
      ],
      { customer: { name: 'Ada Lovelace', email: 'ada@example.com', externalId: 'CUST 42' } },
    );
    shippedOrder = order.orderNumber;
    const station = { station: 'Desk 1' };
    await captureSerial(t.db, actor, order.orderNumber, { sku: withGtin.sku, serial: 'SN/1' }, station);
    await captureSerial(t.db, actor, order.orderNumber, { sku: withGtin.sku, serial: 'MIS-SCAN' }, station);
    await removeSerial(t.db, actor, order.orderNumber, { sku: withGtin.sku, serial: 'MIS-SCAN' }, station);
    await captureSerial(t.db, actor, order.orderNumber, { sku: withGtin.sku, serial: 'SN-2' }, station);
    await captureSerial(t.db, actor, order.orderNumber, { sku: withoutGtin.sku, serial: 'B 1' }, station);
    await shipOrder(t.db, actor, order.orderNumber, { carrier: 'DHL', trackingNumber: 'JD1' });
    const cancelled = await makeOrder(t.db, actor, [{ sku: withGtin.sku, quantity: 1 }]);
    await captureSerial(t.db, actor, cancelled.orderNumber, { sku: withGtin.sku, serial: 'SN-3' });
    await cancelOrder(t.db, actor, cancelled.orderNumber);
    await captureEpcisDocument(t.db, actor, {
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      epcisBody: {
        eventList: [
          {
            type: 'ObjectEvent',
            action: 'ADD',
            bizStep: 'commissioning',
            eventTime: '2026-11-20T08:00:00+01:00',
            eventTimeZoneOffset: '+01:00',
            epcList: ['urn:epc:id:sgtin:950600013435.0.SN-9'],
          },
        ],
      },
    });
  });

  it.skipIf(!haveSchema)('writes a document that validates against the EPCIS 2.0 JSON schema', async () => {
    expectValid(await exportDoc(actor));
  });

  it('writes one ObjectEvent per history event with CBV vocabulary, order, customer and station', async () => {
    const doc = await exportDoc(actor);
    expect(doc).toMatchObject({
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    const events = doc.epcisBody.eventList;
    expect(events.map((e) => `${e.bizStep} ${e.epcList[0].replace(/.*\/(01|sku)\//, '')}`)).toEqual([
      `packing ${GTIN}/21/SN%2F1`,
      `packing ${GTIN}/21/MIS-SCAN`,
      `unpacking ${GTIN}/21/MIS-SCAN`,
      `packing ${GTIN}/21/SN-2`,
      `packing ${withoutGtin.sku}/serial/B%201`,
      // shipped events come in (product, serial) order, serials in byte order
      `shipping ${GTIN}/21/SN-2`,
      `shipping ${GTIN}/21/SN%2F1`,
      `shipping ${withoutGtin.sku}/serial/B%201`,
      `packing ${GTIN}/21/SN-3`,
      `stocking ${GTIN}/21/SN-3`,
      `receiving ${GTIN}/21/SN-9`,
    ]);
    const base = `https://unitrace.example/${actor.tenantId}`;
    expect(events[2]).toMatchObject({ action: 'OBSERVE', disposition: 'sellable_accessible', readPoint: { id: `${base}/station/Desk%201` } });
    expect(events[5]).toMatchObject({
      action: 'OBSERVE',
      disposition: 'in_transit',
      bizTransactionList: [{ type: 'po', bizTransaction: `${base}/order/${shippedOrder}` }],
      destinationList: [{ type: 'owning_party', destination: `${base}/customer/CUST%2042` }],
    });
    expect(events[9]).toMatchObject({ disposition: 'sellable_accessible' });
    expect(events[10]).toMatchObject({ disposition: 'in_progress' });
    expect(events[10]).not.toHaveProperty('bizTransactionList');
    expect(new Set(events.map((e) => e.eventID)).size).toBe(events.length);
  });

  it('gives every event the same eventID in every export', async () => {
    const first = (await exportDoc(actor)).epcisBody.eventList.map((e) => e.eventID);
    const second = (await exportDoc(actor)).epcisBody.eventList.map((e) => e.eventID);
    expect(second).toEqual(first);
  });

  it('keeps to the events of the SKU or serial asked for', async () => {
    const bySku = (await exportDoc(actor, { sku: withoutGtin.sku })).epcisBody.eventList;
    expect(bySku.map((e) => e.bizStep)).toEqual(['packing', 'shipping']);
    const bySerial = (await exportDoc(actor, { serial: 'SN-3' })).epcisBody.eventList;
    expect(bySerial.map((e) => e.bizStep)).toEqual(['packing', 'stocking']);
    expect((await exportDoc(actor, { serial: 'NO-SUCH' })).epcisBody.eventList).toEqual([]);
  });

  it('keeps to the time range given as days or timestamps', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const all = (await exportDoc(actor)).epcisBody.eventList.length;
    expect((await exportDoc(actor, { from: today, to: today })).epcisBody.eventList).toHaveLength(all);
    expect((await exportDoc(actor, { to: '2020-01-01' })).epcisBody.eventList).toEqual([]);
    const later = new Date(Date.now() + 3_600_000).toISOString();
    expect((await exportDoc(actor, { from: later })).epcisBody.eventList).toEqual([]);
  });

  it('refuses a malformed or reversed range with VALIDATION_FAILED before reading anything', () => {
    expect(() => exportEpcisDocument(t.db, actor, { from: 'yesterday' })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^from: /) }));
    expect(() => exportEpcisDocument(t.db, actor, { from: '2026-02-01', to: '2026-01-01' })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', message: 'to: must not be before from' }),
    );
  });

  it('fails before its first byte when the database refuses the first page, so a response has not started', async () => {
    // http/ refuses a NUL long before this; here it stands for any query the database refuses.
    const chunks: unknown[] = [];
    const read = async () => {
      for await (const chunk of exportEpcisDocument(t.db, actor, { sku: 'A\u0000' })) chunks.push(chunk);
    };
    await expect(read()).rejects.toMatchObject({ code: '22021' });
    expect(chunks).toEqual([]);
  });

  it('exports nothing of another tenant', async () => {
    const { actor: other } = await makeTenant(t.db);
    const doc = await exportDoc(other);
    expect(doc.epcisBody.eventList).toEqual([]);
    if (haveSchema) expectValid(doc);
  });
});

describe('exportEpcisDocument over many events', () => {
  it('streams 20,000 events in pages of 1,000 into a document that still validates', async () => {
    const { actor } = await makeTenant(t.db);
    const product = await makeProduct(t.db, actor, { gtin: GTIN });
    const order = await makeOrder(t.db, actor, [{ sku: product.sku, quantity: 10_000 }]);
    const items = Array.from({ length: 10_000 }, (_, i) => ({ sku: product.sku, serial: `BULK-${String(i).padStart(5, '0')}` }));
    await captureSerialBatch(t.db, actor, order.orderNumber, items);
    await shipOrder(t.db, actor, order.orderNumber, {});
    const progress: number[] = [];
    const stream = exportEpcisDocument(t.db, actor, {}, { pageSize: 1000, onProgress: (n) => progress.push(n) });
    const { text, chunks } = await readAll(stream);
    // one chunk per page, plus the opening and the closing
    expect(chunks).toBe(22);
    expect(progress.at(-1)).toBe(20_000);
    expect(progress).toHaveLength(20);
    const doc = JSON.parse(text) as DocumentJson;
    expect(doc.epcisBody.eventList).toHaveLength(20_000);
    expect(new Set(doc.epcisBody.eventList.map((e) => e.eventID)).size).toBe(20_000);
    if (haveSchema) expectValid(doc);
  }, 120_000);
});

describe('captureEpcisDocument', () => {
  let actor: Actor;
  let product: { sku: string };

  function document(eventList: unknown[]) {
    return { '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'], type: 'EPCISDocument', schemaVersion: '2.0', creationDate: '2026-11-23T10:00:00Z', epcisBody: { eventList } };
  }
  function shipping(epcList: string[], fields: Record<string, unknown> = {}) {
    return {
      type: 'ObjectEvent',
      action: 'OBSERVE',
      bizStep: 'shipping',
      disposition: 'in_transit',
      eventTime: '2026-11-20T08:00:00.000+01:00',
      eventTimeZoneOffset: '+01:00',
      eventID: 'urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8',
      epcList,
      ...fields,
    };
  }

  beforeAll(async () => {
    ({ actor } = await makeTenant(t.db));
    product = await makeProduct(t.db, actor, { gtin: GTIN });
  });

  it('registers new units in stock with a received event that keeps the source event', async () => {
    const result = await captureEpcisDocument(
      t.db,
      actor,
      document([shipping([`https://supplier.example.com/01/${GTIN}/21/NEW-1?linkType=all`, 'urn:epc:id:sgtin:950600013435.0.NEW-2'])]),
    );
    expect(result).toEqual({ events: 1, epcs: 2, registered: 2, alreadyKnown: 0, unmapped: [] });
    const unit = (await findSerial(t.db, actor, 'NEW-1')).units[0];
    expect(unit).toMatchObject({ sku: product.sku, status: 'in_stock', order: null });
    expect(unit.events).toHaveLength(1);
    expect(unit.events[0]).toMatchObject({
      type: 'received',
      actor: actor.id,
      details: {
        source: 'epcis',
        epc: `https://supplier.example.com/01/${GTIN}/21/NEW-1?linkType=all`,
        bizStep: 'shipping',
        disposition: 'in_transit',
        eventTime: '2026-11-20T08:00:00.000+01:00',
        eventID: 'urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8',
      },
    });
  });

  it('counts a unit it knows as alreadyKnown, keeps its status and still appends a received event', async () => {
    const order = await makeOrder(t.db, actor, [{ sku: product.sku, quantity: 1 }]);
    await captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'KNOWN-1' });
    const result = await captureEpcisDocument(t.db, actor, document([shipping([`https://id.gs1.org/01/${GTIN}/21/KNOWN-1`, `https://id.gs1.org/01/${GTIN}/21/FRESH-1`])]));
    expect(result).toMatchObject({ epcs: 2, registered: 1, alreadyKnown: 1, unmapped: [] });
    const unit = (await findSerial(t.db, actor, 'KNOWN-1')).units[0];
    expect(unit.status).toBe('packed');
    expect(unit.order?.orderNumber).toBe(order.orderNumber);
    expect(unit.events.map((e) => e.type)).toEqual(['packed', 'received']);
  });

  it('registers a unit once when two events of one document name it, with one received event per event', async () => {
    const epc = `https://id.gs1.org/01/${GTIN}/21/TWICE-1`;
    const result = await captureEpcisDocument(t.db, actor, document([shipping([epc]), shipping([epc], { bizStep: 'receiving', disposition: 'in_progress' })]));
    expect(result).toMatchObject({ events: 2, epcs: 2, registered: 1, alreadyKnown: 1 });
    const unit = (await findSerial(t.db, actor, 'TWICE-1')).units[0];
    expect(unit.events.map((e) => e.details.bizStep)).toEqual(['shipping', 'receiving']);
  });

  it('reports every EPC it cannot map with its event index and reason, and registers the rest', async () => {
    const result = await captureEpcisDocument(
      t.db,
      actor,
      document([
        shipping(['https://id.gs1.org/01/09501101530003/21/X1', 'urn:epc:id:sscc:0614141.1234567890', `https://id.gs1.org/01/${GTIN}/21/MAPPED-1`]),
        { type: 'AggregationEvent', action: 'ADD', eventTime: '2026-11-20T08:00:00Z', eventTimeZoneOffset: '+00:00', parentID: 'urn:epc:id:sscc:0614141.1234567890' },
        shipping([], { quantityList: [{ epcClass: `https://id.gs1.org/01/${GTIN}`, quantity: 5 }] }),
      ]),
    );
    expect(result).toEqual({
      events: 3,
      epcs: 3,
      registered: 1,
      alreadyKnown: 0,
      unmapped: [
        { eventIndex: 0, epc: 'https://id.gs1.org/01/09501101530003/21/X1', reason: 'no product with GTIN 09501101530003' },
        { eventIndex: 0, epc: 'urn:epc:id:sscc:0614141.1234567890', reason: 'not an SGTIN or GS1 Digital Link with (01) and (21)' },
        { eventIndex: 1, epc: null, reason: 'not an ObjectEvent (AggregationEvent)' },
        { eventIndex: 2, epc: `https://id.gs1.org/01/${GTIN}`, reason: 'a quantityList entry names a class of objects, not a serialized unit' },
      ],
    });
  });

  it('does not map a GTIN that two of the tenant’s products share', async () => {
    const { actor: other } = await makeTenant(t.db);
    const a = await makeProduct(t.db, other, { gtin: GTIN });
    const b = await makeProduct(t.db, other, { gtin: GTIN });
    const result = await captureEpcisDocument(t.db, other, document([shipping([`https://id.gs1.org/01/${GTIN}/21/AMB-1`])]));
    expect(result.unmapped).toEqual([
      { eventIndex: 0, epc: `https://id.gs1.org/01/${GTIN}/21/AMB-1`, reason: `GTIN ${GTIN} belongs to 2 products (SKUs ${[a.sku, b.sku].sort().join(', ')})` },
    ]);
    expect(result.registered).toBe(0);
  });

  it('refuses a document that is not shaped like EPCIS with VALIDATION_FAILED and writes nothing', async () => {
    await expect(
      captureEpcisDocument(t.db, actor, document([shipping([`https://id.gs1.org/01/${GTIN}/21/NEVER-1`]), shipping(['x'], { eventTime: 'today' })])),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('epcisBody.eventList[1].eventTime: must be a date-time') });
    await expect(findSerial(t.db, actor, 'NEVER-1')).rejects.toMatchObject({ code: 'SERIAL_NOT_FOUND' });
  });

  it('registers units only in the tenant that captures them', async () => {
    const { actor: other } = await makeTenant(t.db);
    const result = await captureEpcisDocument(t.db, other, document([shipping([`https://id.gs1.org/01/${GTIN}/21/NEW-1`])]));
    expect(result.unmapped[0].reason).toBe(`no product with GTIN ${GTIN}`);
  });
});

describe.skipIf(!haveSchema)("GS1's EPCIS examples", () => {
  const examples = haveSchema ? readdirSync(`${standards}examples`).filter((f) => f.endsWith('.jsonld')) : [];

  it.each(examples)('validate with our schema validator: %s', (file) => {
    expectValid(JSON.parse(readFileSync(`${standards}examples/${file}`, 'utf8')));
  });

  it('the validator refuses an event without eventTimeZoneOffset, with an EPC that is not a URI, or with an unknown bizStep', () => {
    const example = JSON.parse(readFileSync(`${standards}examples/Example_9.6.1-ObjectEvent.jsonld`, 'utf8'));
    const breakages: Array<(e: Record<string, unknown>) => void> = [
      (e) => delete e.eventTimeZoneOffset,
      (e) => (e.epcList = ['not a uri']),
      (e) => (e.bizStep = 'packingg'),
    ];
    for (const breakIt of breakages) {
      const broken = structuredClone(example);
      breakIt(broken.epcisBody.eventList[0]);
      expect(validate(broken)).toBe(false);
    }
  });

  it('capture the SGTINs of example 9.6.1 once the product with their GTIN exists', async () => {
    const { actor } = await makeTenant(t.db);
    await makeProduct(t.db, actor, { gtin: '10614141073464' });
    const example = JSON.parse(readFileSync(`${standards}examples/Example_9.6.1-ObjectEvent.jsonld`, 'utf8'));
    const result = await captureEpcisDocument(t.db, actor, example);
    expect(result).toEqual({ events: 2, epcs: 3, registered: 2, alreadyKnown: 1, unmapped: [] });
    expect((await findSerial(t.db, actor, '2018')).units[0].events.map((e) => e.details.bizStep)).toEqual(['shipping', 'receiving']);
  });
});
