import { describe, expect, it } from 'vitest';
import { returnVerdicts } from '../../domain.ts';
import { alreadyScanned, lastPending, readDeskScan, verdictView } from './desk.ts';

const lines = [
  { sku: 'CAM-100', needsSerialNumber: true, gtin: '09501101530003' },
  { sku: 'LENS-200', needsSerialNumber: true, gtin: null },
];
const read = (raw: string, chosenSku: string | null = null, fnc1Substitute: string | null = null) =>
  readDeskScan({ raw, lines, chosenSku, fnc1Substitute, referenceYear: 2026 });

describe('readDeskScan', () => {
  it.each([
    ['#RESTOCK', { kind: 'command', command: 'restock' }],
    ['#scrap', { kind: 'command', command: 'scrap' }],
    [' #Done ', { kind: 'command', command: 'done' }],
    ['#DAMAGED', { kind: 'condition', condition: 'damaged' }],
    ['#opened', { kind: 'condition', condition: 'opened' }],
    ['CAM-100', { kind: 'choose', sku: 'CAM-100' }],
    ['9501101530003', { kind: 'choose', sku: 'CAM-100' }],
    ['(01)09501101530003', { kind: 'choose', sku: 'CAM-100' }],
    ['SN-0001', { kind: 'unit', scan: 'SN-0001', sku: null, serial: 'SN-0001', gs1: false }],
    ['(01)09501101530003(21)GS1-7(10)LOT7', { kind: 'unit', scan: '(01)09501101530003(21)GS1-7(10)LOT7', sku: 'CAM-100', serial: 'GS1-7', gs1: true }],
    ['010950110153000321X9^10L', { kind: 'unit', scan: '010950110153000321X9^10L', sku: 'CAM-100', serial: 'X9', gs1: true }],
  ])('reads %s', (raw, expected) => {
    expect(read(raw, null, '^')).toEqual(expected);
  });

  it('sends a plain serial with the SKU chosen before it', () => {
    expect(read('SN-9', 'LENS-200')).toEqual({ kind: 'unit', scan: 'SN-9', sku: 'LENS-200', serial: 'SN-9', gs1: false });
  });

  it('sends a GS1 unit of a product not on the order for the server to judge', () => {
    expect(read('(01)04006381333931(21)Z1')).toEqual({ kind: 'unit', scan: '(01)04006381333931(21)Z1', sku: null, serial: 'Z1', gs1: true });
  });

  it.each([
    ['', /empty/],
    ['#EXPLODE', /not a command here/],
    ['(01)09501101530004(21)X', /\(check-digit\)$/],
    ['(01)04006381333931', /GTIN 04006381333931 is on no line of this order/],
  ])('refuses %j', (raw, message) => {
    const scan = read(raw);
    expect(scan.kind).toBe('refuse');
    expect(scan.kind === 'refuse' && scan.message).toMatch(message);
  });
});

describe('alreadyScanned', () => {
  const items = [{ index: 0, sku: 'CAM-100', serial: 'A' }];
  it('finds a unit scanned twice into one return, by serial (and SKU when known)', () => {
    expect(alreadyScanned(items, { sku: null, serial: 'A' })?.index).toBe(0);
    expect(alreadyScanned(items, { sku: 'CAM-100', serial: 'A' })?.index).toBe(0);
    expect(alreadyScanned(items, { sku: 'LENS-200', serial: 'A' })).toBeNull();
    expect(alreadyScanned(items, { sku: null, serial: 'B' })).toBeNull();
  });
});

describe('verdictView', () => {
  it('shows a match green and every other verdict red, each with its own word', () => {
    const views = returnVerdicts.map(verdictView);
    expect(views.filter((v) => v.tone === 'ok').map((v) => v.word)).toEqual(['MATCH']);
    expect(new Set(views.map((v) => v.word)).size).toBe(returnVerdicts.length);
    expect(verdictView('wrong_serial')).toEqual({ word: 'WRONG SERIAL', tone: 'bad' });
  });
});

describe('lastPending', () => {
  it('is the newest unit taken back and not yet restocked or scrapped', () => {
    expect(
      lastPending([
        { index: 0, disposition: 'pending' },
        { index: 1, disposition: 'review' },
        { index: 2, disposition: 'restocked' },
      ]),
    ).toBe(0);
    expect(lastPending([{ index: 0, disposition: 'scrapped' }])).toBeNull();
  });
});
