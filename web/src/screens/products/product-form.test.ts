import { describe, expect, it } from 'vitest';
import { compileSerialFormat, generateSequential } from '../../../../src/core/serial-format/index.ts';
import { checkProductForm, emptyProductForm, fieldOfError, serialFormatExamples } from './product-form.ts';

describe('checkProductForm', () => {
  it('accepts a complete product and sends its GTIN as 14 digits', () => {
    const result = checkProductForm({
      sku: ' CAM-1 ',
      name: 'Camera',
      gtin: '9501101530003',
      needsSerialNumber: true,
      serialFormat: '',
    });
    expect(result).toEqual({
      ok: true,
      input: { sku: 'CAM-1', name: 'Camera', gtin: '09501101530003', needsSerialNumber: true, serialFormat: null },
    });
  });

  it('names each missing required field with the server wording', () => {
    const result = checkProductForm(emptyProductForm);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({ sku: 'sku: required', name: 'name: required' });
    expect(result.summary).toBe('sku: required; name: required');
  });

  it('refuses a GTIN with a wrong check digit', () => {
    const result = checkProductForm({ ...emptyProductForm, sku: 'A', name: 'B', gtin: '9501101530004' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.gtin).toMatch(/^gtin: must be a GTIN-8, UPC-A, EAN-13 or GTIN-14/);
  });

  it('refuses a name longer than 200 characters', () => {
    const result = checkProductForm({ ...emptyProductForm, sku: 'A', name: 'n'.repeat(201) });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.name).toBe('name: must be at most 200 characters, got 201');
  });
});

describe('serialFormatExamples', () => {
  it('are formats the server accepts', () => {
    for (const { format } of serialFormatExamples) expect(() => compileSerialFormat(format)).not.toThrow();
  });

  it('tell the truth about what the first one generates', () => {
    const format = compileSerialFormat(serialFormatExamples[0].format);
    expect(generateSequential(format, 1, 2, { year: 2026 })).toEqual(['SN-2026-00001', 'SN-2026-00002']);
    expect(serialFormatExamples[0].meaning).toContain('SN-2026-00001, SN-2026-00002');
  });

  it('check what they say: a Luhn check digit, two letters and six digits', () => {
    const luhn = compileSerialFormat(serialFormatExamples[1].format);
    expect(luhn.test('490154203237518').ok).toBe(true);
    expect(luhn.test('490154203237519').ok).toBe(false);
    const regex = compileSerialFormat(serialFormatExamples[2].format);
    expect(regex.kind).toBe('regex');
    expect(regex.test('AB123456').ok).toBe(true);
    expect(regex.test('AB12345').ok).toBe(false);
  });
});

describe('fieldOfError', () => {
  it('puts a refused serial format and a taken SKU at their fields, and nothing else', () => {
    expect(fieldOfError('SERIAL_FORMAT_INVALID')).toBe('serialFormat');
    expect(fieldOfError('PRODUCT_ALREADY_EXISTS')).toBe('sku');
    expect(fieldOfError('VALIDATION_FAILED')).toBeNull();
  });
});
