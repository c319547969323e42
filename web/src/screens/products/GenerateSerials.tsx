import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { generateSerials, labelSheet } from '../../api/endpoints.ts';
import type { GenerateMode, GenerateResult, LabelSymbology } from '../../api/types.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { plural } from '../../format.ts';
import { checkGenerateCount, fileNamePart, GENERATE_MAX, labelBatches, LABELS_PER_SHEET, symbologyChoices } from './generate-form.ts';

type Labels = { url: string; fileName: string; count: number };

/**
 * Generate serials (admin): count and mode → POST /products/{sku}/serials/generate, which makes
 * them from the product's saved serial format and registers them as in-stock units. The result
 * offers a label sheet (POST /products/{sku}/labels, an SVG) to open in a new tab or download.
 */
export function GenerateSerials({
  sku,
  serialFormat,
  gtin,
  onClose,
}: {
  sku: string;
  /** The saved format (not the form's unsaved text): the server generates from that. */
  serialFormat: string | null;
  gtin: string | null;
  onClose: () => void;
}) {
  const id = useId();
  const [count, setCount] = useState('10');
  const [mode, setMode] = useState<GenerateMode>('sequence');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<GenerateResult | null>(null);
  const countRef = useRef<HTMLInputElement>(null);

  useEffect(() => countRef.current?.focus(), []);

  const generate = async (event: FormEvent) => {
    event.preventDefault();
    const check = checkGenerateCount(count);
    if (!check.ok) {
      setError(new Error(check.message));
      countRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setResult(await generateSerials(sku, { count: check.count, mode }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel generate" aria-labelledby={`${id}-title`} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <h2 id={`${id}-title`}>Generate serials for {sku}</h2>
      <p className="hint">
        {serialFormat ? (
          <>
            From the saved serial format <code>{serialFormat}</code>. The serials are registered as units in stock.
          </>
        ) : (
          'This product has no saved serial format yet: set one in the form below and save it first.'
        )}
      </p>
      <form onSubmit={generate} noValidate>
        <ErrorMessage error={error} />
        <div className="generate-fields">
          <div className="field">
            <label htmlFor={`${id}-count`}>How many</label>
            <input
              id={`${id}-count`}
              ref={countRef}
              value={count}
              onChange={(e) => setCount(e.target.value)}
              inputMode="numeric"
              autoComplete="off"
              size={8}
              aria-describedby={`${id}-count-hint`}
            />
            <p className="hint" id={`${id}-count-hint`}>
              1 to {GENERATE_MAX.toLocaleString('en')}
            </p>
          </div>
          <fieldset>
            <legend>Mode</legend>
            <label className="choice">
              <input type="radio" name={`${id}-mode`} checked={mode === 'sequence'} onChange={() => setMode('sequence')} />
              Sequence
            </label>
            <label className="choice">
              <input type="radio" name={`${id}-mode`} checked={mode === 'random'} onChange={() => setMode('random')} />
              Random
            </label>
          </fieldset>
        </div>
        <p className="hint">
          Sequence counts on from the last serial generated for this product (guessable); random serials are unguessable.
        </p>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Generating…' : 'Generate'}
          </button>
          <button type="button" className="secondary" onClick={onClose}>
            Close
          </button>
        </div>
      </form>
      {result && <GeneratedSerials key={result.batch ?? `${result.first}/${result.last}`} result={result} gtin={gtin} />}
    </section>
  );
}

function GeneratedSerials({ result, gtin }: { result: GenerateResult; gtin: string | null }) {
  const id = useId();
  const batches = labelBatches(result.serials.length);
  const [batch, setBatch] = useState(0);
  const [symbology, setSymbology] = useState<LabelSymbology>('code128');
  const [labels, setLabels] = useState<Labels | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [listUrl, setListUrl] = useState<string | null>(null);

  // blob URLs hold their data until revoked: each is revoked when it is replaced or the panel closes
  useEffect(() => {
    const url = URL.createObjectURL(new Blob([`${result.serials.join('\n')}\n`], { type: 'text/plain' }));
    setListUrl(url);
    return () => URL.revokeObjectURL(url);
  }, [result]);
  useEffect(() => (labels ? () => URL.revokeObjectURL(labels.url) : undefined), [labels]);

  const print = async (event: FormEvent) => {
    event.preventDefault();
    const range = batches[batch] ?? batches[0];
    setBusy(true);
    setError(null);
    setLabels(null);
    try {
      const sheet = await labelSheet(result.sku, { serials: result.serials.slice(range.start, range.end), symbology });
      const part = batches.length > 1 ? `-${range.start + 1}-${range.end}` : '';
      setLabels({
        url: URL.createObjectURL(sheet),
        fileName: `labels-${fileNamePart(result.sku)}${part}.svg`,
        count: range.end - range.start,
      });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const shown = result.serials.length <= 1 ? result.first : `${result.first} … ${result.last}`;
  return (
    <div className="generated" aria-labelledby={`${id}-done`}>
      <div className="message message-ok" role="status">
        <p id={`${id}-done`}>
          Generated {plural(result.count, 'serial')} ({result.mode}): <span className="mono">{shown}</span>
          {result.skipped ? ` (${result.skipped} already registered were skipped)` : ''}.
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${id}-list`}>Generated serials</label>
        <textarea id={`${id}-list`} className="mono serial-list" readOnly rows={Math.min(8, result.serials.length)} value={result.serials.join('\n')} />
        {listUrl && (
          <p className="hint">
            <a href={listUrl} download={`serials-${fileNamePart(result.sku)}.txt`}>
              Download the list
            </a>
          </p>
        )}
      </div>

      <form className="print-labels" onSubmit={print} aria-label="Print labels">
        <h3>Print labels</h3>
        <ErrorMessage error={error} />
        <div className="generate-fields">
          <div className="field">
            <label htmlFor={`${id}-symbology`}>Barcode</label>
            <select id={`${id}-symbology`} value={symbology} onChange={(e) => setSymbology(e.target.value as LabelSymbology)}>
              {symbologyChoices.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                  {c.needsGtin && !gtin ? ' (needs a GTIN)' : ''}
                </option>
              ))}
            </select>
          </div>
          {batches.length > 1 && (
            <div className="field">
              <label htmlFor={`${id}-batch`}>Serials (at most {LABELS_PER_SHEET} per sheet)</label>
              <select id={`${id}-batch`} value={batch} onChange={(e) => setBatch(Number(e.target.value))}>
                {batches.map((b, i) => (
                  <option key={b.start} value={i}>
                    {b.label}
                  </option>
                ))}
              </select>
            </div>
          )}
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Making labels…' : 'Print labels'}
          </button>
          {labels && (
            <>
              <a className="button" href={labels.url} target="_blank" rel="noopener">
                Open labels
              </a>
              <a className="button secondary" href={labels.url} download={labels.fileName}>
                Download SVG
              </a>
            </>
          )}
        </div>
        {labels && (
          <p className="hint" role="status">
            A sheet of {plural(labels.count, 'label')} is ready: open it in a new tab to print it, or download it.
          </p>
        )}
      </form>
    </div>
  );
}
