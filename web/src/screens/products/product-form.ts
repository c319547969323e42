import type { ProductInput } from '../../api/types.ts';
import { checkProduct, Problems } from '../../domain.ts';

/** What the product form holds: text as typed, and the checkbox. */
export type ProductForm = { sku: string; name: string; gtin: string; needsSerialNumber: boolean; serialFormat: string };

export const emptyProductForm: ProductForm = { sku: '', name: '', gtin: '', needsSerialNumber: false, serialFormat: '' };

export type ProductFormCheck =
  | { ok: true; input: ProductInput }
  | { ok: false; errors: Partial<Record<keyof ProductForm, string>>; summary: string };

/**
 * Checks the form with the server's own field rules (src/core/validate.ts), so a person sees the
 * same message before sending as the server would answer. The GTIN is sent as 14 digits.
 */
export function checkProductForm(form: ProductForm): ProductFormCheck {
  const problems = new Problems();
  const checked = checkProduct(problems, '', {
    sku: form.sku,
    name: form.name,
    gtin: form.gtin,
    needsSerialNumber: form.needsSerialNumber,
    serialFormat: form.serialFormat,
  });
  if (!problems.ok) {
    const errors: Partial<Record<keyof ProductForm, string>> = {};
    for (const p of problems.list) errors[p.field as keyof ProductForm] ??= p.message;
    return { ok: false, errors, summary: problems.list.map((p) => p.message).join('; ') };
  }
  return { ok: true, input: checked };
}

export function formFromProduct(p: ProductInput): ProductForm {
  return {
    sku: p.sku,
    name: p.name,
    gtin: p.gtin ?? '',
    needsSerialNumber: p.needsSerialNumber,
    serialFormat: p.serialFormat ?? '',
  };
}

/** Examples shown under the serial format field (docs/serial-formats.md has the whole language). */
export const serialFormatExamples: ReadonlyArray<{ format: string; meaning: string }> = [
  { format: 'SN-{YYYY}-{#####}', meaning: 'SN-2026-00001, SN-2026-00002 …: the year and a 5-digit counter' },
  { format: '{9:15} ; check=luhn', meaning: '15 digits, the last a Luhn check digit (IMEI-like)' },
  { format: 're:[A-Z]{2}[0-9]{6}', meaning: 'a regular expression: checks serials, cannot generate them' },
];

/** The form field a server error code is about, when it is about one field. */
export function fieldOfError(code: string): keyof ProductForm | null {
  switch (code) {
    case 'PRODUCT_ALREADY_EXISTS':
      return 'sku';
    case 'SERIAL_FORMAT_INVALID':
      return 'serialFormat';
    default:
      return null;
  }
}
