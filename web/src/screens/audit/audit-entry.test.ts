import { describe, expect, it } from 'vitest';
import { changeLines, describeAction } from './audit-entry.ts';

describe('audit entry wording', () => {
  it('names actions in plain words, unknown ones readably', () => {
    expect(describeAction('product.updated')).toBe('Product changed');
    expect(describeAction('order.serial_corrected')).toBe('Serial corrected');
    expect(describeAction('webhook.rotated_secret')).toBe('Webhook rotated secret');
  });

  it('lists each changed field from before to after, with readable names and values', () => {
    expect(changeLines({ before: { name: 'Camera', needsSerialNumber: false }, after: { name: 'Action camera', needsSerialNumber: true } })).toEqual([
      { field: 'name', from: 'Camera', to: 'Action camera' },
      { field: 'needs serial number', from: 'no', to: 'yes' },
    ]);
  });

  it('shows what a creation made (no before), and empty values as a dash', () => {
    expect(changeLines({ before: null, after: { gtin: null, role: 'packer' } })).toEqual([
      { field: 'GTIN', from: null, to: '—' },
      { field: 'role', from: null, to: 'packer' },
    ]);
  });

  it('words order lines and customers, and does not strike a value that stayed', () => {
    expect(
      changeLines({
        before: { sku: 'CAM', serial: 'A1' },
        after: { sku: 'CAM', serial: 'B1', lines: [{ sku: 'CAM', quantity: 2 }], customer: { name: 'Ada', email: null, company: 'Acme' } },
      }),
    ).toEqual([
      { field: 'sku', from: null, to: 'CAM' },
      { field: 'serial', from: 'A1', to: 'B1' },
      { field: 'lines', from: null, to: 'CAM × 2' },
      { field: 'customer', from: null, to: 'Ada, Acme' },
    ]);
  });
});
