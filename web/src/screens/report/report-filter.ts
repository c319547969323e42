import type { ReportFilter } from '../../api/types.ts';
import { parseSerialSelection } from '../../domain.ts';
import { REPORT_SERIALS_MAX, type ReportState } from '../../url-state.ts';

export type ReportDraft = Omit<ReportState, 'pages'>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function isCalendarDay(value: string): boolean {
  if (!DAY.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Problems with the report filters before asking the server, each naming its field; [] when fine. */
export function checkReportDraft(draft: ReportDraft): Array<{ field: keyof ReportDraft; message: string }> {
  const problems: Array<{ field: keyof ReportDraft; message: string }> = [];
  for (const field of ['shippedFrom', 'shippedTo'] as const) {
    const value = draft[field].trim();
    if (value && !isCalendarDay(value)) problems.push({ field, message: `${field}: expected a date like 2026-11-23` });
  }
  if (problems.length === 0 && draft.shippedFrom && draft.shippedTo && draft.shippedTo < draft.shippedFrom) {
    problems.push({ field: 'shippedTo', message: 'shippedTo: must not be before shippedFrom' });
  }
  for (const [field, max] of [
    ['sku', 64],
    ['orderNumber', 64],
    ['customer', 200],
  ] as const) {
    if (draft[field].trim().length > max) problems.push({ field, message: `${field}: must be at most ${max} characters` });
  }
  if (draft.serials.length > REPORT_SERIALS_MAX) {
    problems.push({ field: 'serials', message: `serials: must be at most ${REPORT_SERIALS_MAX} characters; use ranges` });
  } else {
    try {
      parseSerialSelection(draft.serials);
    } catch (error) {
      problems.push({ field: 'serials', message: (error as Error).message });
    }
  }
  return problems;
}

/** The date `days` before `today` (YYYY-MM-DD, UTC), for the quick range buttons. */
export function daysBefore(today: string, days: number): string {
  const date = new Date(`${today}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - days);
  return date.toISOString().slice(0, 10);
}

/** What Export EPCIS holds for these filters, said next to the link. */
export function epcisExportNote(filter: ReportFilter): string {
  const parts = ["Export EPCIS: the serialized units' events (received, generated, packed, shipped …) as an EPCIS 2.0 JSON-LD document"];
  if (filter.shippedFrom || filter.shippedTo) parts.push(', for the same days by event time');
  if (filter.sku) parts.push(`, SKU ${filter.sku} only`);
  if (filter.orderNumber || filter.customer) parts.push('; the order and customer filters do not apply to it');
  if (filter.serials) parts.push('; the serials filter does not apply to it');
  return `${parts.join('')}.`;
}
