/** Reading spreadsheet-ish values from CSV cells. */

const TRUE = new Set(['true', 'yes', 'y', '1', 'x']);
const FALSE = new Set(['false', 'no', 'n', '0', '']);

export function parseCsvBoolean(value: string | undefined): boolean | null {
  const v = (value ?? '').trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return null;
}

export function parseCsvQuantity(value: string | undefined): number | null {
  const v = (value ?? '').trim();
  return /^\d{1,9}$/.test(v) ? Number(v) : null;
}

/** Header names compared loosely: "Needs serial number", "needs_serial_number" and "needsSerialNumber" match. */
export function headerKey(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_-]+/g, '');
}
