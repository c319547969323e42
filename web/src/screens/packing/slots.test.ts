import { describe, expect, it } from 'vitest';
import {
  decideScan,
  lineForCode,
  lineSlots,
  nextSlot,
  packingProgress,
  type PackLine,
  targetLine,
  withCapture,
  withoutCapture,
} from './slots.ts';

// GTIN-14 09501101530003 is printed as EAN-13 9501101530003.
const camera: PackLine = { sku: 'CAM-1', name: 'Camera', gtin: '09501101530003', quantity: 3, needsSerialNumber: true, serials: [] };
const lens: PackLine = { sku: 'LENS-2', name: 'Lens', gtin: '00012345678905', quantity: 2, needsSerialNumber: true, serials: [] };
const strap: PackLine = { sku: 'STRAP', name: 'Strap', gtin: null, quantity: 5, needsSerialNumber: false, serials: [] };

const fill = (line: PackLine, ...serials: string[]): PackLine => ({ ...line, serials });

describe('lineSlots', () => {
  it('gives a line of quantity 3 three slots, filled in capture order', () => {
    expect(lineSlots(fill(camera, 'A1'))).toEqual([
      { sku: 'CAM-1', index: 0, serial: 'A1' },
      { sku: 'CAM-1', index: 1, serial: null },
      { sku: 'CAM-1', index: 2, serial: null },
    ]);
  });

  it('gives a line without serial numbers no slots', () => {
    expect(lineSlots(strap)).toEqual([]);
  });
});

describe('packingProgress', () => {
  it('counts filled and total slots over serialized lines only', () => {
    expect(packingProgress([fill(camera, 'A1', 'A2'), lens, strap])).toEqual({ filled: 2, total: 5, complete: false });
  });

  it('is complete when every slot is filled', () => {
    expect(packingProgress([fill(camera, 'A', 'B', 'C'), fill(lens, 'D', 'E'), strap]).complete).toBe(true);
  });

  it('is complete for an order with no serialized line', () => {
    expect(packingProgress([strap])).toEqual({ filled: 0, total: 0, complete: true });
  });
});

describe('lineForCode', () => {
  it.each([
    ['its SKU', 'CAM-1', 'CAM-1'],
    ['its SKU in other letter case', 'cam-1', 'CAM-1'],
    ['its GTIN-14', '09501101530003', 'CAM-1'],
    ['its GTIN as EAN-13', '9501101530003', 'CAM-1'],
    ['its GTIN as UPC-A', '012345678905', 'LENS-2'],
    ['its GTIN behind a symbology identifier', ']E09501101530003', 'CAM-1'],
  ])('finds the line by %s', (_how, code, sku) => {
    expect(lineForCode([camera, lens, strap], code)?.sku).toBe(sku);
  });

  it('finds nothing for a code that is neither a SKU nor a GTIN on the order', () => {
    expect(lineForCode([camera, lens], 'SN-0001')).toBeNull();
  });
});

describe('targetLine and nextSlot', () => {
  it('sends serials to the only open line without asking for a SKU', () => {
    expect(targetLine([fill(camera, 'A', 'B', 'C'), lens, strap], null)?.sku).toBe('LENS-2');
  });

  it('asks for a line when two lines are open and none is chosen', () => {
    expect(targetLine([camera, lens], null)).toBeNull();
    expect(nextSlot([camera, lens], null)).toBeNull();
  });

  it('keeps to the chosen line while it has empty slots', () => {
    expect(nextSlot([fill(camera, 'A'), lens], 'CAM-1')).toEqual({ sku: 'CAM-1', index: 1, serial: null });
  });

  it('moves on to the last open line once the chosen line is full', () => {
    expect(targetLine([fill(camera, 'A', 'B', 'C'), lens], 'CAM-1')?.sku).toBe('LENS-2');
  });
});

describe('decideScan', () => {
  it('puts a serial into the next empty slot of the only serialized line', () => {
    expect(decideScan([fill(camera, 'A1'), strap], null, '  A2 ')).toEqual({ kind: 'capture', sku: 'CAM-1', serial: 'A2', index: 1 });
  });

  it('chooses a line when a SKU is scanned while two lines are open', () => {
    expect(decideScan([camera, lens], null, 'LENS-2')).toEqual({ kind: 'select', sku: 'LENS-2' });
  });

  it('chooses a line when its product barcode (EAN-13) is scanned', () => {
    expect(decideScan([camera, lens], null, '9501101530003')).toEqual({ kind: 'select', sku: 'CAM-1' });
  });

  it('treats a product barcode as choosing its line even when only that line is open, never as a serial', () => {
    expect(decideScan([camera], null, '9501101530003')).toEqual({ kind: 'select', sku: 'CAM-1' });
  });

  it('refuses a serial while two lines are open and none is chosen, naming the lines', () => {
    const decision = decideScan([camera, lens], null, 'SN-1');
    expect(decision.kind).toBe('refuse');
    expect(decision).toMatchObject({ message: expect.stringContaining('CAM-1, LENS-2') });
  });

  it('sends a serial to the chosen line', () => {
    expect(decideScan([camera, lens], 'LENS-2', 'L-9')).toEqual({ kind: 'capture', sku: 'LENS-2', serial: 'L-9', index: 0 });
  });

  it('captures a GS1 barcode with GTIN and serial into that GTIN line, whatever line is chosen', () => {
    expect(decideScan([camera, lens], 'LENS-2', '(01)09501101530003(21)SN-77')).toEqual({
      kind: 'capture',
      sku: 'CAM-1',
      serial: 'SN-77',
      index: 0,
    });
  });

  it('refuses a GS1 barcode whose GTIN is not on the order', () => {
    expect(decideScan([lens], null, '(01)09501101530003(21)X')).toEqual({
      kind: 'refuse',
      message: 'GTIN 09501101530003 is not on this order',
    });
  });

  it('refuses a malformed GS1 barcode with the parser message', () => {
    const decision = decideScan([camera], null, '(01)0950110153000');
    expect(decision).toMatchObject({ kind: 'refuse', message: expect.stringContaining('expected 14') });
  });

  it('refuses to choose a line that needs no serial numbers', () => {
    expect(decideScan([camera, strap], null, 'STRAP')).toEqual({ kind: 'refuse', message: 'STRAP does not need serial numbers' });
  });

  it('refuses to choose a line whose slots are all filled', () => {
    const decision = decideScan([fill(lens, 'A', 'B'), camera], null, 'LENS-2');
    expect(decision).toMatchObject({ kind: 'refuse', message: expect.stringContaining('already has all 2 serial numbers') });
  });

  it('refuses a serial once every slot is filled, saying to ship', () => {
    expect(decideScan([fill(lens, 'A', 'B')], null, 'C')).toMatchObject({
      kind: 'refuse',
      message: expect.stringContaining('ship the order'),
    });
  });

  it('refuses an empty entry and a serial longer than 64 characters with the serial rule message', () => {
    expect(decideScan([camera], null, '   ').kind).toBe('refuse');
    expect(decideScan([camera], null, 'X'.repeat(65))).toEqual({
      kind: 'refuse',
      message: 'serial: must be at most 64 characters, got 65',
    });
  });
});

describe('withCapture and withoutCapture', () => {
  it('adds an accepted serial to its line only', () => {
    const lines = withCapture([camera, lens], 'LENS-2', 'L1');
    expect(lines.map((l) => l.serials)).toEqual([[], ['L1']]);
  });

  it('removes the latest capture of a serial from its line and frees its slot', () => {
    const lines = withoutCapture([fill(camera, 'A', 'B', 'A')], 'CAM-1', 'A');
    expect(lines[0].serials).toEqual(['A', 'B']);
    expect(nextSlot(lines, null)).toEqual({ sku: 'CAM-1', index: 2, serial: null });
  });

  it('leaves the lines as they are when the serial is not on that line', () => {
    const lines = [fill(camera, 'A')];
    expect(withoutCapture(lines, 'CAM-1', 'Z')[0].serials).toEqual(['A']);
  });
});
