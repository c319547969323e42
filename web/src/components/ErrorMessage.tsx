import { isApiError } from '../api/client.ts';

type LineError = { line?: number; field?: string; message: string };

function detailLines(details: Record<string, unknown> | undefined): string[] {
  if (!details) return [];
  const out: string[] = [];
  if (Array.isArray(details.errors)) {
    for (const e of details.errors as LineError[]) {
      if (!e || typeof e.message !== 'string') continue;
      out.push(typeof e.line === 'number' ? `line ${e.line}: ${e.message}` : e.message);
    }
    // a VALIDATION_FAILED message already joins the field messages: only list them when several
    if (out.length === 1 && typeof (details.errors as LineError[])[0]?.field === 'string') return [];
  }
  if (Array.isArray(details.skus)) out.push(`SKUs: ${(details.skus as string[]).join(', ')}`);
  if (Array.isArray(details.lines)) {
    for (const l of details.lines as Array<{ sku?: string; missing?: number; captured?: number; quantity?: number }>) {
      if (l && typeof l.sku === 'string') out.push(`${l.sku}: ${l.missing} missing (${l.captured} of ${l.quantity})`);
    }
  }
  return out;
}

/**
 * Shows why something failed in the server's own words (or the app's, for checks it makes before
 * asking), with the itemised details an error carries: CSV lines, unknown SKUs, lines short of serials.
 */
export function ErrorMessage({ error, id }: { error: unknown; id?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const code = isApiError(error) ? error.code : null;
  const lines = isApiError(error) ? detailLines(error.details) : [];
  const shown = lines.slice(0, 200);
  return (
    <div className="message message-error" role="alert" id={id}>
      <p>
        {code && <span className="code">{code}</span>} {message}
      </p>
      {shown.length > 1 || (shown.length === 1 && !message.includes(shown[0])) ? (
        <ul>
          {shown.map((line, i) => (
            <li key={i}>{line}</li>
          ))}
          {lines.length > shown.length && <li>… and {lines.length - shown.length} more</li>}
        </ul>
      ) : null}
    </div>
  );
}
