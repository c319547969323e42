import { type ParsedScan, parseScan } from '../core/gs1/index.ts';

/** Parses a GS1 scan (element string, human-readable or Digital Link) with the current year. */
export function parseGs1Scan(data: string, options: { fnc1Substitute?: string } = {}): ParsedScan {
  return parseScan(data, { ...options, referenceYear: new Date().getUTCFullYear() });
}
