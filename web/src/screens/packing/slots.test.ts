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
      { sku: 'CAM-1', index: 0, serial: 'A1', lot: null, expiry: null },
      { sku: 'CAM-1', index: 1, serial: null, lot: null, expiry: null },
      { sku: 'CAM-1', index: 2, serial: null, lot: null, expiry: null },
    ]);
  });

  it('shows the lot and expiry of a GS1 capture in its slot', () => {
    const line: PackLine = {
      ...fill(camera, 'A1', 'G1'),
      captures: [{ serial: 'A1', lot: null, expiry: null }, { serial: 'G1', lot: 'LOT7', expiry: '2027-12-31' }],
    };
    expect(lineSlots(line).map(({ serial, lot, expiry }) => ({ serial, lot, expiry }))).toEqual([
      { serial: 'A1', lot: null, expiry: null },
      { serial: 'G1', lot: 'LOT7', expiry: '2027-12-31' },
      { serial: null, lot: null, expiry: null },
    ]);
  });

  it('shows no lot from a capture that does not name the slot serial', () => {
    const line: PackLine = { ...fill(camera, 'A1'), captures: [{ serial: 'OTHER', lot: 'LOT7' }] };
    expect(lineSlots(line)[0].lot).toBeNull();
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
    expect(nextSlot([fill(camera, 'A'), lens], 'CAM-1')).toEqual({ sku: 'CAM-1', index: 1, serial: null, lot: null, expiry: null });
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

  it('sends a GS1 barcode with GTIN and serial whole for that GTIN line, whatever line is chosen', () => {
    expect(decideScan([camera, lens], 'LENS-2', '(01)09501101530003(21)SN-77(10)LOT7(17)271231')).toEqual({
      kind: 'scan',
      sku: 'CAM-1',
      data: '(01)09501101530003(21)SN-77(10)LOT7(17)271231',
      serial: 'SN-77',
      index: 0,
    });
  });

  it('sends a GS1 element string with its symbology identifier and GS separator unchanged', () => {
    const data = ']d201095011015300031721123110LOT7\x1D21GS1SERIAL1';
    expect(decideScan([fill(camera, 'A1'), lens], null, `  ${data} `)).toEqual({
      kind: 'scan',
      sku: 'CAM-1',
      data,
      serial: 'GS1SERIAL1',
      index: 1,
    });
  });

  it('sends a GS1 Digital Link for the line of its GTIN', () => {
    expect(decideScan([camera, lens], null, 'https://id.gs1.org/01/09501101530003/21/DL-1?10=LOT7')).toMatchObject({
      kind: 'scan',
      sku: 'CAM-1',
      serial: 'DL-1',
    });
  });

  it('sends a GS1 scan for the chosen line when two lines carry its GTIN', () => {
    const twin: PackLine = { ...camera, sku: 'CAM-1-BUNDLE' };
    expect(decideScan([camera, twin], 'CAM-1-BUNDLE', '(01)09501101530003(21)SN-78')).toMatchObject({ kind: 'scan', sku: 'CAM-1-BUNDLE' });
    expect(decideScan([camera, twin], null, '(01)09501101530003(21)SN-78')).toMatchObject({ kind: 'scan', sku: 'CAM-1' });
  });

  it('chooses the line of a GS1 barcode that carries a GTIN but no serial', () => {
    expect(decideScan([camera, lens], null, '(01)09501101530003(10)LOT7')).toEqual({ kind: 'select', sku: 'CAM-1' });
  });

  it('refuses a GS1 barcode for a line whose slots are all filled before sending it', () => {
    expect(decideScan([fill(camera, 'A', 'B', 'C'), lens], null, '(01)09501101530003(21)X')).toMatchObject({
      kind: 'refuse',
      message: expect.stringContaining('already has all 3 serial numbers'),
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
    expect(decision).toMatchObject({ kind: 'refuse', code: 'SCAN_INVALID', message: expect.stringContaining('expected 14') });
  });

  it('refuses a GS1 barcode with a wrong check digit as SCAN_INVALID, naming the position and the rule', () => {
    const decision = decideScan([camera], null, '(01)09501101530004(21)X');
    expect(decision).toMatchObject({ kind: 'refuse', code: 'SCAN_INVALID' });
    expect(decision).toMatchObject({ message: expect.stringMatching(/position \d+ \(check-digit\)$/) });
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

  it('keeps the accepted capture with its lot and expiry when the line lists its captures', () => {
    const line: PackLine = { ...camera, captures: [] };
    const [next] = withCapture([line], 'CAM-1', 'G1', { serial: 'G1', lot: 'LOT7', expiry: '2027-12-31' });
    expect(next.captures).toEqual([{ serial: 'G1', lot: 'LOT7', expiry: '2027-12-31' }]);
    expect(lineSlots(next)[0]).toMatchObject({ serial: 'G1', lot: 'LOT7' });
  });

  it('removes the capture beside its serial, so the slots after it keep their own lots', () => {
    const line: PackLine = {
      ...fill(camera, 'A', 'B'),
      captures: [{ serial: 'A', lot: 'L-A' }, { serial: 'B', lot: 'L-B' }],
    };
    const [next] = withoutCapture([line], 'CAM-1', 'A');
    expect(next.captures).toEqual([{ serial: 'B', lot: 'L-B' }]);
    expect(lineSlots(next)[0]).toMatchObject({ serial: 'B', lot: 'L-B' });
  });

  it('removes the latest capture of a serial from its line and frees its slot', () => {
    const lines = withoutCapture([fill(camera, 'A', 'B', 'A')], 'CAM-1', 'A');
    expect(lines[0].serials).toEqual(['A', 'B']);
    expect(nextSlot(lines, null)).toEqual({ sku: 'CAM-1', index: 2, serial: null, lot: null, expiry: null });
  });

  it('leaves the lines as they are when the serial is not on that line', () => {
    const lines = [fill(camera, 'A')];
    expect(withoutCapture(lines, 'CAM-1', 'Z')[0].serials).toEqual(['A']);
  });
});

describe('decideScan with an FNC1 substitute', () => {
  it("sends an element string that uses the tenant's substitute whole to the server for its GTIN's line", () => {
    const lines = [{ sku: 'CAM', name: 'Camera', quantity: 1, needsSerialNumber: true, serials: [], gtin: '09501101530003' }];
    const decision = decideScan(lines, null, '010950110153000321ABC^10LOT', '^');
    expect(decision).toMatchObject({ kind: 'scan', sku: 'CAM', data: '010950110153000321ABC^10LOT' });
    expect(decideScan(lines, null, '010950110153000321ABC^10LOT')).toMatchObject({ kind: 'capture', serial: '010950110153000321ABC^10LOT' });
  });
});

describe('lists, ranges and scan-to-ship at the station', () => {
  it('sends a range for the target line as one list', () => {
    expect(decideScan([camera], null, 'SN0001-SN0003')).toEqual({ kind: 'list', sku: 'CAM-1', serials: ['SN0001', 'SN0002', 'SN0003'] });
  });

  it('sends a comma-separated list (what a pasted column becomes) and a run as lists', () => {
    expect(decideScan([camera], null, 'A1, A2')).toEqual({ kind: 'list', sku: 'CAM-1', serials: ['A1', 'A2'] });
    expect(decideScan([camera], null, '10+2')).toEqual({ kind: 'list', sku: 'CAM-1', serials: ['10', '11'] });
  });

  it('keeps a hyphenated serial, a serial with a space and an ambiguous one as single serials', () => {
    expect(decideScan([camera], null, 'SN-2024-00001')).toMatchObject({ kind: 'capture', serial: 'SN-2024-00001' });
    expect(decideScan([camera], null, 'AB 12')).toMatchObject({ kind: 'capture', serial: 'AB 12' });
    expect(decideScan([camera], null, '2024-00001')).toMatchObject({ kind: 'capture', serial: '2024-00001' });
  });

  it('refuses a list longer than the empty slots of the line, sending nothing', () => {
    expect(decideScan([fill(camera, 'X')], null, 'SN1-SN3')).toMatchObject({ kind: 'refuse', message: expect.stringContaining('only 2 empty slots') });
  });

  it('asks for the line of a list when two lines are open', () => {
    expect(decideScan([camera, lens], null, 'A1, A2')).toMatchObject({ kind: 'refuse', message: expect.stringContaining('choose the line') });
  });

  it('ships on an empty entry or the ship action once every slot is filled, and refuses the action before', () => {
    const full = [fill(camera, 'A', 'B', 'C'), strap];
    expect(decideScan(full, null, '')).toEqual({ kind: 'ship' });
    expect(decideScan(full, null, 'ut:ship')).toEqual({ kind: 'ship' });
    expect(decideScan([fill(camera, 'A'), strap], null, 'UT:SHIP')).toMatchObject({ kind: 'refuse', message: 'not ready to ship: 2 serial numbers to go' });
    expect(decideScan([fill(camera, 'A')], null, '')).toMatchObject({ kind: 'refuse' });
  });
});
