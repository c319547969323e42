import { sql } from 'kysely';
/**
 * A fuzz of every operation in our OpenAPI document (GET /docs/json): path parameters, query strings
 * and bodies are generated from each operation's own schema — valid-ish values (mostly the seeded
 * SKUs, order numbers and serials, so handlers get past their 404s), boundary values, wrong types,
 * missing and extra fields, huge numbers, NUL, lone surrogates, very long strings, odd Unicode, empty
 * and malformed bodies, wrong content types — and sent as an admin (by API key, sometimes by session
 * cookie, now and then with odd Authorization, Cookie and Origin headers). Every answer must be below 500,
 * a 4xx must carry a coded error body, and the connection must not be dropped (app.inject rejects
 * with LIGHT_ECONNRESET when a response stream is destroyed part-way; that is what a client sees as
 * a dropped connection).
 *
 * Reproduce a failure with the seed fast-check prints: FUZZ_SEED=<seed> npx vitest run src/http/openapi-fuzz.test.ts
 * Run longer with FUZZ_RUNS=<runs per operation>.
 */
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/db.ts';
import { bearer } from '../../test/app.ts';
import { encodeCursor } from '../core/cursor.ts';
import { createTenant } from '../services/tenants.service.ts';
import { createUser } from '../services/users.service.ts';
import { buildApp } from './app.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_123);
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
/** Sign-in hashes every password with scrypt, by design slow (about 70 ms): fewer runs there. */
const runsFor = (path: string) => (path.endsWith('/auth/sign-in') ? Math.ceil(RUNS / 5) : RUNS);

// ---------------------------------------------------------------------------------------------
// The app, a tenant with an admin key, and data for the handlers to find.

const logs: string[] = [];
const t = await createTestDatabase();
const app = await buildApp({
  db: t.db,
  pool: t.pool,
  logger: { level: 'warn', stream: { write: (line: string) => void logs.push(line) } },
});
await app.ready();
const tenant = await createTenant(t.db, { name: 'Fuzz' });
const admin = bearer(tenant.apiKey);

/** Answers per operation and status (with FUZZ_STATS=1 they are printed: how deep the fuzz got). */
const answers: Record<string, Record<string, number>> = {};
afterAll(async () => {
  if (process.env.FUZZ_STATS) console.log(JSON.stringify(answers, null, 1));
  await app.close();
  await t.close();
});

const GTIN = '09506000134352';
const EMAIL = 'fuzz@example.com';
const PASSWORD = 'fuzz password 1';

async function call(method: string, url: string, payload?: unknown) {
  const res = await app.inject({ method: method as 'POST', url: `/api/v1${url}`, headers: admin, payload: payload as object });
  return { status: res.statusCode, body: res.body, json: () => res.json() };
}

/** Seeds a call and insists it worked: a fuzz that only ever meets 404s proves nothing. */
async function seed(method: string, url: string, payload: unknown, status: number) {
  const res = await call(method, url, payload);
  expect(res.status, `${method} ${url}: ${res.body}`).toBe(status);
  return res.json();
}

const products = {
  'FZ-SER': { name: 'Fuzz camera', gtin: GTIN, needsSerialNumber: true, serialFormat: 'FZ-{#:6}' },
  'FZ-PLAIN': { name: 'Fuzz bag', gtin: null, needsSerialNumber: false, serialFormat: null },
  'FZ-FREE': { name: 'Fuzz lens', gtin: null, needsSerialNumber: true, serialFormat: null },
};
for (const [sku, fields] of Object.entries(products)) await seed('POST', '/products', { sku, ...fields }, 201);
const order = (orderNumber: string, lines: Array<{ sku: string; quantity: number }>) => ({
  orderNumber,
  type: 'B2B',
  customer: { name: 'Ada Fuzz', email: 'ada@example.com', company: 'Fuzz Ltd', externalId: 'C-1' },
  lines,
});
let opened = 0;
/**
 * Puts the seeded products and settings back and opens orders of its own for each operation, so
 * one that changes a format, cancels or ships does not starve the next of answers past 404/409.
 */
async function resetState() {
  for (const [sku, fields] of Object.entries(products)) await seed('PATCH', `/products/${sku}`, fields, 200);
  // Every setting back to its default: a fuzzed PATCH may have turned on requireReceivedSerials,
  // say, and the next operation's seeding would then be refused.
  const defaults = { allowDuplicateSerialsInOrder: false, gs1Fnc1Substitute: null, duplicateScope: 'sku', requireReceivedSerials: false, orderNumberFormat: null };
  await seed('PATCH', '/settings', defaults, 200);
  // Fuzzed wrong current passwords (POST /auth/password) count as failed sign-ins of our user: forget
  // them, or the sign-in below would be refused for the rest of the window.
  await sql`DELETE FROM sign_in_failures; DELETE FROM address_failures; DELETE FROM api_key_failures`.execute(t.owner);
  await signIn();
  opened += 1;
  const open = `FZ-OPEN-${opened}`;
  await seed('POST', '/orders', order(open, [{ sku: 'FZ-SER', quantity: 50 }, { sku: 'FZ-PLAIN', quantity: 1 }, { sku: 'FZ-FREE', quantity: 50 }]), 201);
  // A unit is out in one order at a time (duplicate scope sku): each fresh order packs its own.
  await seed('POST', '/orders/' + open + '/serials', { sku: 'FZ-SER', serial: `FZ-${String(100000 + opened)}` }, 201);
  await seed('POST', '/orders', order(`FZ-SPARE-${opened}`, [{ sku: 'FZ-FREE', quantity: 50 }]), 201);
  known.orderNumber = [open, open, `FZ-SPARE-${opened}`, 'FZ-SHIP', 'FZ-CANCEL'];
}
await seed('POST', '/orders', order('FZ-SHIP', [{ sku: 'FZ-SER', quantity: 3 }]), 201);
await seed('POST', '/orders', order('FZ-CANCEL', [{ sku: 'FZ-SER', quantity: 1 }]), 201);
await seed('POST', '/orders/FZ-SHIP/serials', { sku: 'FZ-SER', serial: 'FZ-000901' }, 201);
await seed('POST', '/orders/FZ-SHIP/serials/batch', { items: [{ sku: 'FZ-SER', serial: 'FZ-000902', scanned: true }] }, 201);
await seed('POST', '/orders/FZ-SHIP/scans', { data: `(01)${GTIN}(21)FZ-000904` }, 201);
await seed('POST', '/orders/FZ-SHIP/ship', { carrier: 'DHL', trackingNumber: 'T-1' }, 200);
await seed('POST', '/orders/FZ-CANCEL/cancel', undefined, 200);
const generated = (await seed('POST', '/products/FZ-SER/serials/generate', { count: 3, mode: 'sequence' }, 201)) as { serials: string[] };
expect(generated.serials).toHaveLength(3);
await createUser(t.db, { tenantId: tenant.tenantId, email: EMAIL, password: PASSWORD, role: 'admin' });
/** The web app's way in: a session cookie, got by signing in (again after the fuzz signs it out). */
let session: Record<string, string> = {};
async function signIn() {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: EMAIL, password: PASSWORD } });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((c) => c.name === 'unitrace_session');
  expect(cookie).toBeDefined();
  session = { cookie: `unitrace_session=${cookie!.value}` };
}
const cursors = [
  (await seed('GET', '/orders?limit=1', undefined, 200)).nextCursor,
  (await seed('GET', '/products?limit=1', undefined, 200)).nextCursor,
  (await seed('GET', '/serials?prefix=FZ&limit=1', undefined, 200)).nextCursor,
] as string[];
expect(cursors.every((c) => typeof c === 'string')).toBe(true);
// Cursors are opaque, but anyone can write one: dates outside what the database takes, NUL, numbers
// past bigint.
cursors.push(
  encodeCursor(['0000-01-01T00:00:00.000Z', 1, 1]),
  encodeCursor(['+275760-09-13T00:00:00.000Z', 1, 1]),
  encodeCursor(['2026-11-23T00:00:00.000Z', 2 ** 53, -1]),
  encodeCursor(['FZ\u0000', 1]),
  encodeCursor(['\ud800']),
  encodeCursor([-1]),
  encodeCursor([1e300]),
);
const report = await seed('GET', '/reports/serial-numbers?limit=1', undefined, 200);
expect(report.items).toHaveLength(1);
cursors.push(report.nextCursor);

/** Prefixes of new values, and how often (of 10 known ones) to make one. */
const fresher: Record<string, [string, number]> = { orderNumber: ['FZ-NEW-', 9], serial: ['FZ-NEW-', 3], sku: ['FZ-NEW-', 1] };

/** Values the handlers know, by field name: most generated requests use them so they get past 404. */
const known: Record<string, string[]> = {
  sku: ['FZ-SER', 'FZ-PLAIN', 'FZ-FREE'],
  skus: ['FZ-SER', 'FZ-PLAIN'],
  orderNumber: [] as string[],
  serial: ['FZ-000901', 'FZ-000902', 'FZ-000903', ...generated.serials],
  serials: ['FZ-000901', ...generated.serials],
  prefix: ['FZ', 'FZ-0009'],
  cursor: cursors,
  data: [`(01)${GTIN}(21)FZ-000950`, `]C101${GTIN}21FZ-000951`, `https://id.gs1.org/01/${GTIN}/21/FZ-000952`, 'FZ-000953'],
  email: [EMAIL, 'ada@example.com'],
  password: [PASSWORD],
  gtin: [GTIN, '4006381333931', '012345678905'],
  serialFormat: ['FZ-{#:6}', 'SN-{YYYY}-{9:5}', 're:[A-Z]{2}[0-9]{6,10}', '{X:1-40} ; length=6-20 ; charset=cset39'],
  shippedFrom: ['2020-01-01', '2026-11-23T10:00:00Z', '0000-01-01', '0001-01-01T00:00:00+14:00'],
  shippedTo: ['2099-12-31', '2026-11-23T10:00:00+01:00', '9999-12-31', '9999-12-31T23:59:59.999-12:00'],
  from: ['2020-01-01', '2026-11-23T10:00:00Z', '0000-01-01', '0001-01-01T00:00:00+14:00'],
  to: ['2099-12-31', '9999-12-31', '9999-12-31T23:59:59.999-12:00'],
  customer: ['Ada', 'C-1', 'example.com'],
  text: ['FZ-000901\nFZ-000902', 'SN0001-SN0005', '10+3'],
  fnc1Substitute: ['^', '~'],
  station: ['S1'],
  name: ['Ada Fuzz', 'Fuzz lens'],
  q: ['FZ', 'Ada'],
  url: ['https://hooks.example.com/unitrace', 'http://127.0.0.1:1/hook', 'https://10.0.0.1/x'],
};

// ---------------------------------------------------------------------------------------------
// Generators derived from a JSON schema (as @fastify/swagger writes it: OpenAPI 3.0).

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  nullable?: boolean;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  pattern?: string;
  additionalProperties?: boolean;
};

/** null most of the time, a value 1 time in 12. */
const rarely = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.oneof({ weight: 11, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });

const codeUnit = fc.nat(0xffff).map((c) => String.fromCharCode(c));

/** Text PostgreSQL cannot store: NUL and lone surrogates, alone or inside a value we know. */
const unstorable: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('', 'FZ-SER', 'FZ-000901', 'FZ-OPEN-1', 'LS-', '(01)09506000134352(21)'),
    fc.constantFrom('\u0000', '\ud800', '\udfff', '\udc00\ud800', '\u0000\u0000'),
    fc.constantFrom('', '-1', 'x'),
  )
  .map(([a, b, c]) => a + b + c);

/** Text PostgreSQL cannot store, text that is merely odd, and text that is very long. */
const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: unstorable },
  fc.constantFrom(
    '\u0000',
    'FZ-SER\u0000',
    'a\u0000b',
    '\ud800',
    'LS-\ud800-1',
    '\udc00x',
    '\udbff\udfff',
    '',
    ' ',
    '  FZ-SER  ',
    '\t\r\n',
    '\u0007',
    '\u007f\u0085',
    '\u2028\u2029',
    '\u202eevil',
    '\ufeffBOM',
    '\u200b',
    'e\u0301\u0301\u0301',
    '💩🏳️‍🌈',
    '%00',
    '%ED%A0%80',
    "'; DROP TABLE orders; --",
    '../../etc/passwd',
    '\\',
    '"',
    '{"a":1}',
    '=1+1',
    'null',
    'true',
    '-1',
    '1e999',
    'NaN',
    '0000-01-01',
    '9999-12-31',
    '275760-09-13',
    '2026-02-30',
    '2026-11-23T25:61:61Z',
    '-000001-01-01T00:00:00Z',
    '0001-01-01T00:00:00+14:00',
    '9999-12-31T23:59:59.999999-12:00',
    'FZ-{#:40}',
    're:(a+)+$',
    '{',
  ),
  fc.string({ unit: codeUnit, maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(65, 201, 1000, 8001, 70_000).chain((n) => fc.constantFrom('x', '\u0000', '💩', 'é').map((c) => c.repeat(n))),
);

const hugeNumber = fc.constantFrom(0, -1, -0, 1.5, 2 ** 31, 2 ** 53, 2 ** 63, 1e21, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2);

function wrongType(schema: Schema): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(null, true, false, 0, '', [], {}, [null], { a: 1 }),
    hugeNumber,
    schema.type === 'string' ? fc.integer() : fc.string({ maxLength: 5 }),
  );
}

function boundary(schema: Schema): fc.Arbitrary<unknown> {
  const values: unknown[] = [];
  if (schema.type === 'integer' || schema.type === 'number') {
    if (schema.minimum !== undefined) values.push(schema.minimum, schema.minimum - 1);
    if (schema.maximum !== undefined) values.push(schema.maximum + 1);
    values.push(0, 0.5, -1, 1e20);
  }
  if (schema.type === 'string') {
    if (schema.maxLength !== undefined) values.push('x'.repeat(schema.maxLength), 'x'.repeat(schema.maxLength + 1));
    if (schema.minLength) values.push('x'.repeat(schema.minLength - 1));
  }
  if (schema.type === 'array') {
    values.push([]);
    if (schema.maxItems !== undefined && schema.maxItems <= 60_000) {
      values.push(new Array(schema.maxItems + 1).fill(schema.items?.type === 'object' ? { sku: 'FZ-SER', serial: 'x' } : 'FZ-000901'));
    }
  }
  return values.length > 0 ? fc.constantFrom(...values) : wrongType(schema);
}

function validString(schema: Schema, name: string): fc.Arbitrary<string> {
  if (schema.enum) return fc.constantFrom(...(schema.enum as string[]));
  if (schema.format === 'uuid') return fc.oneof(fc.uuid(), fc.constant(tenant.tenantId));
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern), { maxLength: schema.maxLength ?? 20 });
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 30, 30);
  const plain = fc.string({ minLength: min, maxLength: Math.max(min, max), unit: 'grapheme-ascii' });
  const values = known[name];
  if (!values) return plain;
  // New SKUs and order numbers too, so creating ones gets past 409 ALREADY_EXISTS.
  const fresh = fresher[name];
  return fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom(...values) },
    { weight: fresh ? fresh[1] : 0, arbitrary: fresh ? fc.nat().map((n) => `${fresh[0]}${n}`) : plain },
    { weight: 1, arbitrary: plain },
  );
}

/**
 * A value for one schema: mostly valid-ish, sometimes hostile, a wrong type or a boundary, at any
 * depth; with `validOnly`, valid-ish all the way down (for `mutated` to spoil in one place).
 */
function valueFor(schema: Schema, name: string, depth = 0, validOnly = false): fc.Arbitrary<unknown> {
  if (schema.anyOf || schema.oneOf) {
    return fc.oneof(...(schema.anyOf ?? schema.oneOf)!.map((s) => valueFor(s, name, depth, validOnly)));
  }
  let valid: fc.Arbitrary<unknown>;
  switch (schema.type) {
    case 'string':
      valid = validString(schema, name);
      break;
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? -1000;
      valid = fc.integer({ min, max: Math.min(schema.maximum ?? 1000, min + 5) });
      break;
    }
    case 'boolean':
      valid = fc.boolean();
      break;
    case 'array': {
      const item = valueFor(schema.items ?? {}, name, depth + 1, validOnly);
      valid = fc.array(item, { minLength: schema.minItems ?? 0, maxLength: Math.max(schema.minItems ?? 0, 2) });
      break;
    }
    case 'object':
      valid = depth > 4 ? fc.constant({}) : objectFor(schema, depth, validOnly);
      break;
    default:
      valid = fc.jsonValue({ maxDepth: 2 });
  }
  if (schema.nullable) valid = fc.oneof(valid, fc.constant(null));
  if (validOnly) return valid;
  return fc.oneof(
    { weight: 30, arbitrary: valid },
    { weight: 2, arbitrary: hostileString },
    { weight: 1, arbitrary: wrongType(schema) },
    { weight: 1, arbitrary: boundary(schema) },
  );
}

function objectFor(schema: Schema, depth: number, validOnly: boolean): fc.Arbitrary<Record<string, unknown>> {
  const props = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const parts = props.map(([key, s]) =>
    fc.tuple(fc.constant(key), valueFor(s, key, depth + 1, validOnly), fc.integer({ min: validOnly ? 1 : 0, max: 39 })),
  );
  const extra = validOnly ? fc.constant(null) : rarely(fc.tuple(fc.constantFrom('extra', '__proto__', 'constructor', 'a\u0000b', '\ud800', 'sku '), fc.jsonValue({ maxDepth: 1 })));
  return fc.tuple(fc.tuple(...parts), extra).map(([entries, more]) => {
    const out: Record<string, unknown> = {};
    for (const [key, value, dice] of entries) {
      // required fields are left out 1 time in 40, optional ones half the time
      if (required.has(key) ? dice === 0 : dice < 20) continue;
      out[key] = value;
    }
    if (more) Object.defineProperty(out, more[0], { value: more[1], enumerable: true, writable: true, configurable: true });
    return out;
  });
}

/**
 * Spoils a document in one place (sometimes none, sometimes two): a string gets NUL or a lone
 * surrogate put inside it, or is replaced by hostile text or a wrong type; anything else is
 * replaced or removed. Strings are chosen three times as often as other places.
 */
function mutated(example: unknown): fc.Arbitrary<unknown> {
  const places: Array<{ path: Array<string | number>; text: string | null }> = [];
  const walk = (value: unknown, path: Array<string | number>) => {
    if (path.length > 0) {
      const place = { path, text: typeof value === 'string' ? value : null };
      places.push(place);
      if (place.text !== null) places.push(place, place);
    }
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  walk(example, []);
  if (places.length === 0) return fc.constant(example);
  const bad = fc.constantFrom('\u0000', '\ud800', '\udc00', '\udfff\ud800');
  const change = fc.tuple(
    fc.nat(places.length - 1),
    fc.oneof(
      { weight: 2, arbitrary: fc.tuple(bad, fc.nat()).map(([b, at]) => (text: string | null) => (text === null ? b : text.slice(0, at % (text.length + 1)) + b + text.slice(at % (text.length + 1)))) },
      { weight: 2, arbitrary: hostileString.map((v) => () => v) },
      { weight: 1, arbitrary: fc.oneof(wrongType({}), hugeNumber, fc.constant(undefined)).map((v) => () => v) },
    ),
  );
  const changes = fc.oneof(
    { weight: 2, arbitrary: fc.constant([]) },
    { weight: 5, arbitrary: fc.array(change, { minLength: 1, maxLength: 1 }) },
    { weight: 2, arbitrary: fc.array(change, { minLength: 2, maxLength: 2 }) },
  );
  return changes.map((list) => {
    const doc = structuredClone(example);
    for (const [index, spoil] of list) {
      const { path, text } = places[index];
      let parent = doc as Record<string | number, unknown>;
      for (const part of path.slice(0, -1)) parent = (parent?.[part] ?? null) as Record<string | number, unknown>;
      if (parent && typeof parent === 'object') parent[path[path.length - 1]] = spoil(text);
    }
    return doc;
  });
}

// ---------------------------------------------------------------------------------------------
// Encoding into a request.

/** Percent-encodes UTF-16 code units as (W)TF-8 bytes, so a lone surrogate becomes %ED%A0%80. */
function percentEncode(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (/[A-Za-z0-9._~-]/.test(ch)) {
      out += ch;
      continue;
    }
    const bytes =
      cp < 0x80
        ? [cp]
        : cp < 0x800
          ? [0xc0 | (cp >> 6), 0x80 | (cp & 63)]
          : cp < 0x10000
            ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]
            : [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
    out += bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return out;
}

const asText = (value: unknown): string =>
  typeof value === 'string' ? value : value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);

/** Raw URL pieces no encoder would write. */
const rawUrlPiece = fc.constantFrom('%', '%zz', '%ED%A0%80', '%C0%80', '%2F', '%252F', '..', '%FF', '%E2%82', '+', '%20', 'a%00');

type Operation = {
  method: string;
  path: string;
  pathParams: Array<{ name: string; schema: Schema }>;
  queryParams: Array<{ name: string; schema: Schema; required: boolean }>;
  body: { schema: Schema; example?: unknown } | null;
  description: string;
  /** needs no key (sign-in and the session routes): its 401s come from the handler */
  public: boolean;
};

type Request = { method: string; url: string; headers: Record<string, string>; payload?: string | Buffer };

function pathArb(op: Operation): fc.Arbitrary<string> {
  // Mostly what exists, so the handler runs; then anything the schema allows or not.
  const segments = op.pathParams.map((p) =>
    fc.oneof(
      { weight: known[p.name] ? 8 : 0, arbitrary: fc.constantFrom(...(known[p.name] ?? [''])).map(percentEncode) },
      { weight: 4, arbitrary: valueFor(p.schema, p.name).map((v) => percentEncode(asText(v))) },
      { weight: 1, arbitrary: rawUrlPiece },
    ),
  );
  return fc.tuple(...segments).map((values) => {
    let i = 0;
    return op.path.replace(/\{[^}]+\}/g, () => values[i++] || '%20');
  });
}

function queryArb(op: Operation): fc.Arbitrary<string> {
  const params = op.queryParams.map((p) =>
    fc.option(
      fc.oneof(
        { weight: 10, arbitrary: valueFor(p.schema, p.name).map((v) => [`${p.name}=${percentEncode(asText(v))}`]) },
        { weight: 1, arbitrary: rawUrlPiece.map((raw) => [`${p.name}=${raw}`]) },
        { weight: 1, arbitrary: fc.constant([p.name]) },
        { weight: 1, arbitrary: fc.tuple(hostileString, hostileString).map(([a, b]) => [`${p.name}=${percentEncode(a)}`, `${p.name}=${percentEncode(b)}`]) },
      ),
      { freq: p.required ? 20 : 2 },
    ),
  );
  const extra = rarely(
    fc.oneof(
      hostileString.map((v) => [`extra=${percentEncode(v)}`]),
      fc.constant(['%00=1']),
      fc.constant(['&&&=']),
      fc.constant(['a[b]=1']),
    ),
  );
  const mixed = fc.tuple(fc.tuple(...params), extra).map(([values, more]) => [...values.flatMap((v) => v ?? []), ...(more ?? [])]);
  // A valid query spoilt in one place, the likelier to reach the handler (and the database).
  const schema: Schema = {
    type: 'object',
    properties: Object.fromEntries(op.queryParams.map((p) => [p.name, p.schema])),
    required: op.queryParams.filter((p) => p.required).map((p) => p.name),
  };
  const spoilt = valueFor(schema, 'query', 0, true)
    .chain(mutated)
    .map((query) =>
      Object.entries(query as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${percentEncode(asText(v))}`),
    );
  return fc
    .oneof({ weight: 1, arbitrary: mixed }, { weight: 2, arbitrary: spoilt })
    .map((parts) => (parts.length > 0 ? `?${parts.join('&')}` : ''));
}

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8'];

/** Bodies nobody should send: malformed JSON, wrong types of content, nothing at all. */
const oddBody: fc.Arbitrary<{ contentType?: string; payload?: string | Buffer }> = fc.oneof(
  fc.constantFrom(
    { contentType: 'application/json', payload: '' },
    { contentType: 'application/json', payload: '{' },
    { contentType: 'application/json', payload: '{"a":' },
    { contentType: 'application/json', payload: '[1,]' },
    { contentType: 'application/json', payload: 'null' },
    { contentType: 'application/json', payload: '"\\ud800"' },
    { contentType: 'application/json', payload: '1e999' },
    { contentType: 'application/json', payload: '{"__proto__":{"x":1}}' },
    { contentType: 'application/json', payload: '{"constructor":{"prototype":{"x":1}}}' },
    { contentType: 'application/json', payload: `${'['.repeat(20_000)}${']'.repeat(20_000)}` },
    { contentType: 'application/json', payload: `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}` },
    { contentType: 'application/json', payload: Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]) },
    { contentType: 'application/json; charset=utf-16', payload: '{}' },
    { contentType: 'text/plain', payload: '{}' },
    { contentType: 'text/plain', payload: '' },
    { contentType: 'text/csv', payload: '{"a":1}' },
    { contentType: 'application/csv', payload: 'sku,name\n"' },
    { contentType: 'application/xml', payload: '<a/>' },
    { contentType: 'application/x-www-form-urlencoded', payload: 'a=1' },
    { contentType: 'multipart/form-data; boundary=x', payload: '--x--' },
    { contentType: 'application/ld+json', payload: '{}' },
    { contentType: 'ñ/ñ', payload: '{}' },
    { contentType: '', payload: '{}' },
    { payload: '{}' },
    {},
  ),
  fc.jsonValue({ maxDepth: 3 }).map((v) => ({ contentType: 'application/json', payload: JSON.stringify(v) ?? 'null' })),
);

/** A CSV file for the import routes, with the columns the operation's description names. */
function csvBody(op: Operation): fc.Arbitrary<{ contentType?: string; payload?: string | Buffer }> {
  const columns = /header ([\w,]+)/.exec(op.description)?.[1].split(',') ?? ['sku', 'name'];
  const cellFor = (column: string) =>
    fc.oneof(
      { weight: 6, arbitrary: column === 'quantity' ? fc.constantFrom('1', '2', '0', '-1', '1e3', '99999999999') : validString({ maxLength: 20 }, column) },
      { weight: 1, arbitrary: fc.constantFrom('B2C', 'B2B', 'yes', 'no', 'x') },
      { weight: 2, arbitrary: hostileString },
    );
  const quote = (cell: string, mode: number) =>
    mode === 0 ? `"${cell.replaceAll('"', '""')}"` : mode === 1 ? cell : mode === 2 ? `"${cell}` : `${cell}"x`;
  const row = fc.tuple(...columns.map(cellFor), fc.constantFrom(0, 0, 0, 1, 1, 2, 3), fc.integer({ min: -1, max: 1 }));
  return fc
    .tuple(
      fc.shuffledSubarray(columns, { minLength: 1 }),
      fc.array(row, { maxLength: 6 }),
      fc.constantFrom('\n', '\r\n', '\r'),
      fc.constantFrom('', '\ufeff', '\u0000'),
      fc.constantFrom('text/csv', 'text/csv; charset=utf-8', 'application/csv', 'text/csv; charset=latin1'),
    )
    .map(([header, rows, eol, start, contentType]) => {
      const lines = [header.join(',')];
      for (const r of rows) {
        const mode = r[columns.length] as number;
        const width = header.length + (r[columns.length + 1] as number);
        const cells = header.map((c) => r[columns.indexOf(c)] as string).slice(0, Math.max(width, 0));
        lines.push(cells.map((c) => quote(c, mode)).join(','));
      }
      return { contentType, payload: start + lines.join(eol) + eol };
    });
}

function bodyArb(op: Operation): fc.Arbitrary<{ contentType?: string; payload?: string | Buffer }> {
  const odd = { weight: 2, arbitrary: oddBody };
  if (/text\/csv/.test(op.description)) return fc.oneof({ weight: 8, arbitrary: csvBody(op) }, odd);
  if (!op.body) return fc.oneof({ weight: 3, arbitrary: fc.constant({}) }, odd);
  const schema = op.body.schema;
  // Hostile anywhere, or a valid request spoilt in one to three places (the likelier to pass the
  // schema and reach a handler with one bad value).
  const generated =
    op.body.example !== undefined
      ? mutated(op.body.example)
      : fc.oneof({ weight: 1, arbitrary: valueFor(schema, 'body') }, { weight: 3, arbitrary: valueFor(schema, 'body', 0, true).chain(mutated) });
  return fc.oneof(
    {
      weight: 10,
      arbitrary: fc.tuple(generated, fc.constantFrom(...JSON_TYPES)).map(([value, contentType]) => ({
        contentType,
        payload: JSON.stringify(value) ?? '',
      })),
    },
    odd,
  );
}

/** Authorization, Cookie and Origin headers no client should send. */
const oddAuth = (): fc.Arbitrary<Record<string, string>> =>
  fc.oneof(
    hostileString.map((v) => ({ authorization: `Bearer ${v}` })),
    hostileString.map((v) => ({ authorization: v })),
    hostileString.map((v) => ({ cookie: `unitrace_session=${v}` })),
    fc.constant({ authorization: `Bearer ${tenant.apiKey}\u0000` }),
    fc.constant({ authorization: `Bearer ${tenant.apiKey}`, origin: 'http://\u0000\ud800' }),
    fc.constant({ ...session, origin: 'https://evil.example' }),
    fc.constant({}),
  );

/** Mostly the admin's API key, sometimes the admin's session cookie, now and then odd headers. */
const auth = (): fc.Arbitrary<Record<string, string>> =>
  fc.oneof(
    { weight: 16, arbitrary: fc.constant(admin) },
    { weight: 3, arbitrary: fc.constant(session) },
    { weight: 1, arbitrary: oddAuth() },
  );

function requestArb(op: Operation): fc.Arbitrary<Request> {
  return fc.tuple(pathArb(op), queryArb(op), bodyArb(op), auth()).map(([path, query, body, who]) => {
    const headers: Record<string, string> = { ...who };
    if (body.contentType !== undefined) headers['content-type'] = body.contentType;
    return { method: op.method, url: path + query, headers, payload: op.method === 'GET' ? undefined : body.payload };
  });
}

const show = (req: Request) =>
  JSON.stringify({ ...req, payload: typeof req.payload === 'string' && req.payload.length > 300 ? `${req.payload.slice(0, 300)}…` : req.payload });

// ---------------------------------------------------------------------------------------------

type SpecOperation = {
  description?: string;
  parameters?: Array<{ in: string; name: string; schema: Schema; required?: boolean }>;
  requestBody?: { content: Record<string, { schema: Schema; example?: unknown }> };
  security?: unknown[];
};
const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, SpecOperation>> };

const operations: Operation[] = Object.entries(spec.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({
    method: method.toUpperCase(),
    path,
    pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema })),
    queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema, required: !!p.required })),
    body: op.requestBody?.content['application/json'] ?? null,
    description: op.description ?? '',
    public: Array.isArray(op.security) && op.security.length === 0,
  })),
);

describe('every operation of the OpenAPI document, fuzzed', () => {
  it('covers the whole API', () => {
    expect(operations.length).toBeGreaterThanOrEqual(30);
  });

  for (const op of operations) {
    it(`${op.method} ${op.path} answers every generated request below 500, coded, without dropping the connection`, async () => {
      await resetState();
      let reachedHandler = 0;
      await fc.assert(
        fc.asyncProperty(requestArb(op), async (req) => {
          const before = logs.length;
          let res: LightMyRequestResponse;
          try {
            res = await app.inject(req as InjectOptions);
          } catch (error) {
            throw new Error(`connection dropped (${(error as { code?: string }).code}): ${show(req)}\n${logs.slice(before).join('')}`);
          }
          const context = `${show(req)}\n-> ${res.statusCode} ${res.body.slice(0, 400)}\n${logs.slice(before).join('').slice(0, 3000)}`;
          expect(res.statusCode, context).toBeLessThan(500);
          let body: { error?: { code?: unknown; message?: unknown } } = {};
          if (res.statusCode >= 400) {
            try {
              body = JSON.parse(res.body);
            } catch {
              // not JSON: the assertion below says so
            }
          }
          const code = String(body.error?.code);
          const tally = (answers[`${op.method} ${op.path}`] ??= {});
          const key = `${res.statusCode} ${res.statusCode >= 400 ? code : ''}`.trim();
          tally[key] = (tally[key] ?? 0) + 1;
          // Past the schema and the key: a success, or a refusal only the handler could make.
          const fromHandler =
            res.statusCode < 300 ||
            [409, 422].includes(res.statusCode) ||
            (res.statusCode === 404 && code !== 'NOT_FOUND') ||
            // refusals only a handler makes: a wrong current password, a limit, no session to act on
            (res.statusCode === 400 && /^(currentPassword|newPassword):/.test(String(body.error?.message))) ||
            res.statusCode === 429 ||
            (res.statusCode === 403 && /^session:/.test(String(body.error?.message))) ||
            (res.statusCode === 401 && op.public);
          if (fromHandler) reachedHandler += 1;
          if (res.statusCode >= 400) {
            expect(code, context).toMatch(/^[A-Z_]+$/);
            expect(typeof body.error?.message, context).toBe('string');
            // The database's data-exception net (errors.ts) is a last resort; reaching it means an
            // input was not validated where it came in.
            expect(String(body.error?.message), context).not.toMatch(/^request: a value is malformed/);
          } else if (/ld\+json/.test(String(res.headers['content-type']))) {
            expect(() => JSON.parse(res.body), context).not.toThrow();
          } else if (/text\/csv/.test(String(res.headers['content-type']))) {
            expect(res.body.endsWith('\n'), context).toBe(true);
          }
        }),
        { numRuns: runsFor(op.path), seed: SEED },
      );
      // Passing on 401s, 404s and 400s alone would prove little.
      expect(reachedHandler, 'generated requests that got past validation to the handler').toBeGreaterThan(0);
    }, 120_000);
  }
});
