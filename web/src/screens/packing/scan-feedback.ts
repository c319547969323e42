import { isApiError } from '../../api/client.ts';

/**
 * Words for the packing station's answers: what a capture carried besides its serial, and why the
 * server refused one, in its own code and message (plus the rule a GS1 scan broke).
 */

/** "lot LOT7, expiry 2027-12-31"; '' when the capture has neither (a plain serial). */
export function lotExpiryText(capture: { lot?: string | null; expiry?: string | null }): string {
  const parts: string[] = [];
  if (capture.lot) parts.push(`lot ${capture.lot}`);
  if (capture.expiry) parts.push(`expiry ${capture.expiry}`);
  return parts.join(', ');
}

/**
 * A refusal as the feedback line shows it. SCAN_INVALID carries {position, rule}: the message
 * names the position already, so the rule is added ("check-digit", "date" ...).
 */
export function errorFeedback(error: unknown): { text: string; code?: string } {
  const text = error instanceof Error ? error.message : String(error);
  if (!isApiError(error)) return { text };
  const rule = error.code === 'SCAN_INVALID' ? error.details?.rule : undefined;
  return { text: typeof rule === 'string' && !text.includes(`(${rule})`) ? `${text} (${rule})` : text, code: error.code };
}
