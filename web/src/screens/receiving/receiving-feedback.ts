import { isApiError } from '../../api/client.ts';
import type { LinkedNotice, NoticeCounts, ReceivingScanResult } from '../../api/types.ts';

/**
 * Words and colours for the receiving station's answers, pure so they are tested without a
 * browser. Green: received (and expected, on a notice). Amber: here, but worth a look: not on the
 * notice (unexpected, still received), or in stock already (nothing changed). Red: refused.
 */

export type Tone = 'ok' | 'warn' | 'error' | 'info';
export type Feedback = { tone: Tone; title: string; text: string; code?: string };

const lotExpiry = (r: { lot: string | null; expiry: string | null }) =>
  [r.lot ? `lot ${r.lot}` : '', r.expiry ? `expiry ${r.expiry}` : ''].filter(Boolean).join(', ');

export function scanFeedback(result: ReceivingScanResult, noticeReference: string | null): Feedback {
  if (result.kind === 'product') {
    return { tone: 'info', title: `${result.sku} chosen`, text: `${result.sku} (${result.name}): scan its serial numbers.` };
  }
  const carried = lotExpiry(result);
  const suffix = carried ? ` (${carried})` : '';
  if (result.outcome === 'already_in_stock') {
    return {
      tone: 'warn',
      title: 'Already in stock',
      text: `${result.serial} of ${result.sku} was in stock already: nothing changed${result.expected === false ? '; it is not on the notice either' : ''}.`,
    };
  }
  if (result.expected === false) {
    return {
      tone: 'warn',
      title: 'Received: not on the notice',
      text: `${result.serial} of ${result.sku} is received${suffix}, but notice ${noticeReference ?? ''} did not expect it (unexpected).`,
    };
  }
  return {
    tone: 'ok',
    title: 'Received',
    text: `${result.serial} received for ${result.sku}${suffix}${result.expected ? ', as expected' : ''}.`,
  };
}

/** A refusal: the server's code (SERIAL_RECALLED, SERIAL_ALREADY_SHIPPED ...) and message; the order when it names one. */
export function refusalFeedback(error: unknown): Feedback {
  const text = error instanceof Error ? error.message : String(error);
  if (!isApiError(error)) return { tone: 'error', title: 'Refused', text };
  const orderNumber = typeof error.details?.orderNumber === 'string' ? error.details.orderNumber : null;
  const rule = error.code === 'SCAN_INVALID' && typeof error.details?.rule === 'string' ? ` (${error.details.rule})` : '';
  return {
    tone: 'error',
    title: orderNumber && !text.includes(orderNumber) ? `Refused: order ${orderNumber}` : 'Refused',
    text: `${text}${rule}`,
    code: error.code,
  };
}

/** The counts the station shows big: with a notice, expected/matched/missing/unexpected. */
export function noticeCounts(notice: LinkedNotice | null): NoticeCounts | null {
  return notice ? notice.totals : null;
}

/** The SKUs a station may scan into on a notice, with what is still missing of each, most missing first. */
export function skusToScan(notice: LinkedNotice | null): Array<{ sku: string; name: string; missing: number }> {
  if (!notice) return [];
  return notice.lines
    .filter((l) => l.expected > 0)
    .map((l) => ({ sku: l.sku, name: l.name, missing: l.missing }))
    .sort((a, b) => b.missing - a.missing || (a.sku < b.sku ? -1 : 1));
}
