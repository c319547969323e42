import { describe, expect, it } from 'vitest';
import { checkProductForm, emptyProductForm } from './product-form.ts';

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
