import { type FormEvent, type KeyboardEvent, useCallback, useEffect, useRef, useState } from 'react';
import { closeNotice, closeReceipt, getReceipt, listNotices, openReceipt, scanIntoReceipt } from '../../api/endpoints.ts';
import type { LinkedNotice, Notice, NoticeCounts, NoticeSummary, Receipt } from '../../api/types.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { NotAllowed } from '../../components/NotAllowed.tsx';
import { formatDate, formatDateTime, plural } from '../../format.ts';
import { Link, navigate, paths, useLocation } from '../../router.ts';
import { useTitle } from '../../use-title.ts';
import { useCan } from '../../session.tsx';
// The packing station's scanner handling, shared as it is: timing, focus rules, sounds, station name.
import { beep, readMuted, writeMuted } from '../packing/beep.ts';
import { isTextEntry, redirectsToScanBox, shouldReclaimFocus } from '../packing/focus-rules.ts';
import { EntryRecorder } from '../packing/scan-timing.ts';
import { readStation, writeStation } from '../packing/station.ts';
import { type Feedback, noticeCounts, refusalFeedback, scanFeedback, skusToScan } from './receiving-feedback.ts';

type LogEntry = Feedback & { id: number; at: Date };
const LOG_SIZE = 15;

/**
 * The receiving station: open a receipt (against an advance notice, or none), scan units one at a
 * time with a keyboard-wedge scanner, see expected/matched/missing/unexpected live, finish, and
 * close the notice to record its discrepancy. The server judges every scan.
 */
export function ReceivingScreen() {
  useTitle('Receiving');
  if (!useCan('packer')) return <NotAllowed title="Receiving station" needed="packer" />;
  return <ReceivingStation />;
}

function ReceivingStation() {
  const location = useLocation();
  const receiptId = location.query.get('receipt')?.trim() || null;
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);

  useEffect(() => {
    setReceipt(null);
    setLoadError(null);
    if (!receiptId) return;
    const controller = new AbortController();
    getReceipt(receiptId, { signal: controller.signal }).then(setReceipt, (error: unknown) => {
      if ((error as Error).name !== 'AbortError') setLoadError(error);
    });
    return () => controller.abort();
  }, [receiptId]);

  if (!receiptId) return <StartReceiving />;
  if (loadError) {
    return (
      <section>
        <h1>Receiving station</h1>
        <ErrorMessage error={loadError} />
        <Link to={paths.receiving()}>Start a new receipt</Link>
      </section>
    );
  }
  if (!receipt) return <p aria-busy="true">Opening receipt…</p>;
  return receipt.status === 'open' ? (
    <ScanStation key={receipt.id} receipt={receipt} onFinished={setReceipt} />
  ) : (
    <FinishedReceipt receipt={receipt} />
  );
}

function StartReceiving() {
  const [notices, setNotices] = useState<NoticeSummary[] | null>(null);
  const [noticeReference, setNoticeReference] = useState('');
  const [reference, setReference] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    listNotices({ status: 'open', limit: 100 }).then(
      (page) => setNotices(page.items),
      () => setNotices([]),
    );
  }, []);

  const start = async (notice: string) => {
    setBusy(true);
    setError(null);
    try {
      const opened = await openReceipt({
        noticeReference: notice.trim() || undefined,
        reference: reference.trim() || undefined,
        station: readStation().trim() || undefined,
      });
      navigate(paths.receiving(opened.id));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void start(noticeReference);
  };

  return (
    <section className="receiving" aria-labelledby="receiving-title">
      <h1 id="receiving-title">Receiving station</h1>
      <p>
        Receive units into stock by scanning them. Choose the advance notice (ASN) of the delivery to check it as you scan, or receive
        without one. A list of serials from a file: <Link to={paths.receiptImport}>import a CSV file</Link>.
      </p>
      <ErrorMessage error={error} />
      {notices && notices.length > 0 && (
        <div className="card">
          <h2>Open advance notices</h2>
          <ul className="notice-list">
            {notices.map((n) => (
              <li key={n.reference}>
                <button type="button" className="secondary" disabled={busy} onClick={() => void start(n.reference)}>
                  Receive {n.reference}
                </button>{' '}
                {n.supplier ? `${n.supplier} · ` : ''}
                {plural(n.expected, 'unit')} expected{n.expectedAt ? ` · due ${formatDate(n.expectedAt)}` : ''}
                {n.receipts > 0 ? ` · ${plural(n.receipts, 'receipt')} so far` : ''}
              </li>
            ))}
          </ul>
        </div>
      )}
      <form className="card form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="notice-reference">Advance notice reference (leave empty to receive without one)</label>
          <input
            id="notice-reference"
            value={noticeReference}
            onChange={(e) => setNoticeReference(e.target.value)}
            maxLength={64}
            autoComplete="off"
            spellCheck={false}
            autoFocus
          />
        </div>
        <div className="field">
          <label htmlFor="receipt-reference">Delivery note (optional)</label>
          <input id="receipt-reference" value={reference} onChange={(e) => setReference(e.target.value)} maxLength={64} autoComplete="off" />
        </div>
        <div className="actions">
          <button type="submit" className="primary big" disabled={busy}>
            {busy ? 'Opening…' : 'Start receiving'}
          </button>
        </div>
      </form>
    </section>
  );
}

function Counts({ received, alreadyInStock, notice }: { received: number; alreadyInStock: number; notice: NoticeCounts | null }) {
  return (
    <dl className="counts receiving-counts" aria-label="Counts">
      {notice && (
        <>
          <div>
            <dt>Expected</dt>
            <dd data-count="expected">{notice.expected}</dd>
          </div>
          <div className="count-ok">
            <dt>Matched</dt>
            <dd data-count="matched">{notice.matched}</dd>
          </div>
          <div className={notice.missing > 0 ? 'count-warn' : ''}>
            <dt>Missing</dt>
            <dd data-count="missing">{notice.missing}</dd>
          </div>
          <div className={notice.unexpected > 0 ? 'count-warn' : ''}>
            <dt>Unexpected</dt>
            <dd data-count="unexpected">{notice.unexpected}</dd>
          </div>
        </>
      )}
      <div>
        <dt>Received here</dt>
        <dd data-count="received">{received}</dd>
      </div>
      <div>
        <dt>Already in stock</dt>
        <dd data-count="already-in-stock">{alreadyInStock}</dd>
      </div>
    </dl>
  );
}

function NoticeTable({ notice, lists }: { notice: LinkedNotice | Notice; lists?: boolean }) {
  return (
    <div className="table-wrap">
      <table>
        <caption>Notice {notice.reference} by SKU</caption>
        <thead>
          <tr>
            <th scope="col">SKU</th>
            <th scope="col">Expected</th>
            <th scope="col">Matched</th>
            <th scope="col">Missing</th>
            <th scope="col">Unexpected</th>
            {lists && <th scope="col">Serials missing / unexpected</th>}
          </tr>
        </thead>
        <tbody>
          {notice.lines.map((l) => (
            <tr key={l.sku}>
              <td>
                <span className="mono">{l.sku}</span> {l.name}
              </td>
              <td>{l.expected}</td>
              <td>{l.matched}</td>
              <td>{l.missing}</td>
              <td>{l.unexpected}</td>
              {lists && (
                <td className="mono">
                  {l.missingSerials && l.missingSerials.length > 0 && <div>missing: {l.missingSerials.join(', ')}{l.missing > l.missingSerials.length ? ' …' : ''}</div>}
                  {l.unexpectedSerials && l.unexpectedSerials.length > 0 && (
                    <div>unexpected: {l.unexpectedSerials.join(', ')}{l.unexpected > l.unexpectedSerials.length ? ' …' : ''}</div>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ScanStation({ receipt, onFinished }: { receipt: Receipt; onFinished: (receipt: Receipt) => void }) {
  const [value, setValue] = useState('');
  const [sku, setSku] = useState<string | null>(null);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const [log, setLog] = useState<LogEntry[]>([]);
  const [counts, setCounts] = useState({ received: receipt.received, alreadyInStock: receipt.alreadyInStock });
  const [notice, setNotice] = useState<LinkedNotice | null>(receipt.notice);
  const [muted, setMuted] = useState(readMuted);
  const [station, setStation] = useState(() => readStation() || receipt.station || '');
  const [finishing, setFinishing] = useState(false);
  const [finishError, setFinishError] = useState<unknown>(null);

  const inputRef = useRef<HTMLInputElement>(null);
  const skuRef = useRef<string | null>(null);
  const mutedRef = useRef(muted);
  const stationRef = useRef(station);
  const queueRef = useRef<Promise<void>>(Promise.resolve());
  const recorderRef = useRef(new EntryRecorder());
  const enterTimeRef = useRef<number | null>(null);
  const byKeyboardRef = useRef(false);
  const logId = useRef(0);
  mutedRef.current = muted;
  stationRef.current = station;

  const choose = useCallback((next: string | null) => {
    skuRef.current = next;
    setSku(next);
  }, []);

  const report = useCallback((entry: Feedback) => {
    setFeedback(entry);
    logId.current += 1;
    setLog((l) => [{ ...entry, id: logId.current, at: new Date() }, ...l].slice(0, LOG_SIZE));
    if (!mutedRef.current) beep(entry.tone === 'ok' ? 'good' : entry.tone === 'error' ? 'bad' : 'info');
  }, []);

  const handle = useCallback(
    async (raw: string, scanned: boolean) => {
      const data = raw.trim();
      if (!data) return;
      try {
        const result = await scanIntoReceipt(receipt.id, {
          data,
          sku: skuRef.current ?? undefined,
          scanned,
          station: stationRef.current.trim() || undefined,
        });
        if (result.kind === 'product') choose(result.sku);
        else {
          setCounts({ received: result.receipt.received, alreadyInStock: result.receipt.alreadyInStock });
          if (result.notice) setNotice(result.notice);
        }
        report(scanFeedback(result, receipt.noticeReference));
      } catch (error) {
        report(refusalFeedback(error));
      }
    },
    [receipt.id, receipt.noticeReference, choose, report],
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const enterTime = enterTimeRef.current ?? Number.POSITIVE_INFINITY;
    enterTimeRef.current = null;
    const raw = value;
    const scanned = recorderRef.current.take(raw, enterTime);
    setValue('');
    queueRef.current = queueRef.current.then(() => handle(raw, scanned)).catch(() => undefined);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      enterTimeRef.current = event.timeStamp;
      return;
    }
    if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) recorderRef.current.key(event.timeStamp);
    else if (event.key === 'Backspace' || event.key === 'Delete' || ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'v')) {
      recorderRef.current.edit();
    } else if (event.key === 'Escape') {
      setValue('');
      recorderRef.current.reset();
    }
  };

  // Keep the scan box focused, as at the packing station.
  useEffect(() => {
    inputRef.current?.focus();
    const onPointer = () => {
      byKeyboardRef.current = false;
    };
    const onKey = (event: globalThis.KeyboardEvent) => {
      byKeyboardRef.current = true;
      const input = inputRef.current;
      const active = document.activeElement as HTMLElement | null;
      if (!input || active === input || isTextEntry(active as HTMLInputElement | null)) return;
      if (redirectsToScanBox(event.key, { ctrl: event.ctrlKey, meta: event.metaKey, alt: event.altKey })) {
        input.focus();
        recorderRef.current.key(event.timeStamp);
      }
    };
    document.addEventListener('pointerdown', onPointer, true);
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('pointerdown', onPointer, true);
      document.removeEventListener('keydown', onKey, true);
    };
  }, []);

  const onBlur = () => {
    window.setTimeout(() => {
      const active = document.activeElement as HTMLElement | null;
      if (active === inputRef.current) return;
      if (shouldReclaimFocus(active as HTMLInputElement | null, byKeyboardRef.current)) inputRef.current?.focus();
    }, 0);
  };

  const finish = async () => {
    setFinishing(true);
    setFinishError(null);
    await queueRef.current; // every scan sent before Finish is answered first
    try {
      onFinished(await closeReceipt(receipt.id));
    } catch (error) {
      setFinishError(error);
      setFinishing(false);
    }
  };

  const toggleMuted = () =>
    setMuted((m) => {
      writeMuted(!m);
      return !m;
    });

  const skus = skusToScan(notice);
  const chosenName = sku ? (notice?.lines.find((l) => l.sku === sku)?.name ?? null) : null;

  return (
    <section className="receiving" aria-labelledby="receiving-title">
      <div className="screen-head">
        <h1 id="receiving-title">
          Receiving{receipt.noticeReference ? <>: notice <span className="mono">{receipt.noticeReference}</span></> : ' (no notice)'}
        </h1>
        <div className="actions">
          <label className="choice compact">
            <input type="checkbox" checked={muted} onChange={toggleMuted} />
            Mute sounds
          </label>
        </div>
      </div>
      <p className="hint">
        Receipt {receipt.reference ? <span className="mono">{receipt.reference}</span> : 'without a delivery note'} · opened{' '}
        {formatDateTime(receipt.createdAt)}
      </p>

      <form className="scan-form" onSubmit={submit} autoComplete="off">
        <label htmlFor="receiving-scan" className="scan-label">
          Scan serial, SKU or barcode
        </label>
        <div className="scan-row">
          <input
            id="receiving-scan"
            ref={inputRef}
            className="scan-input"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            onKeyDown={onKeyDown}
            onPaste={() => recorderRef.current.edit()}
            onCut={() => recorderRef.current.edit()}
            onBlur={onBlur}
            autoComplete="off"
            autoCorrect="off"
            autoCapitalize="off"
            spellCheck={false}
            enterKeyHint="enter"
            aria-describedby="receiving-help"
          />
          <button type="submit" className="primary">
            Enter
          </button>
        </div>
        <p id="receiving-help" className="hint">
          {sku
            ? `Serials go to ${sku}${chosenName ? ` (${chosenName})` : ''}. Scan another product's SKU or barcode to switch.`
            : receipt.noticeReference
              ? "Serials on the notice find their SKU; for others, scan the product's SKU or barcode first. GS1 barcodes carry their product."
              : "Scan the product's SKU or barcode first, then its serials. GS1 barcodes carry their product."}
        </p>
      </form>

      <div aria-live="polite" aria-atomic="true" className="feedback-region">
        {feedback && (
          <div className={`feedback feedback-big feedback-${feedback.tone}`} role={feedback.tone === 'error' ? 'alert' : 'status'}>
            <span className="feedback-title">
              {feedback.title}
              {feedback.code && <span className="code">{feedback.code}</span>}
            </span>
            <span className="feedback-text">{feedback.text}</span>
          </div>
        )}
      </div>

      <div className="card">
        <Counts received={counts.received} alreadyInStock={counts.alreadyInStock} notice={noticeCounts(notice)} />
        {(skus.length > 0 || sku) && (
          <div className="actions sku-choice" role="group" aria-label="Product to scan into">
            {skus.map((s) => (
              <button key={s.sku} type="button" className="secondary" aria-pressed={sku === s.sku} onClick={() => choose(s.sku)}>
                {s.sku} ({s.missing} missing)
              </button>
            ))}
            {sku && (
              <button type="button" className="secondary" onClick={() => choose(null)}>
                Clear product
              </button>
            )}
          </div>
        )}
      </div>

      {notice && <NoticeTable notice={notice} />}

      <div className="ship-area">
        <ErrorMessage error={finishError} />
        <button type="button" className="primary big" disabled={finishing} onClick={() => void finish()}>
          {finishing ? 'Finishing…' : 'Finish receipt'}
        </button>
      </div>

      <details className="station-settings">
        <summary>Station</summary>
        <div className="field">
          <label htmlFor="receiving-station">Station name (kept with each received unit)</label>
          <input
            id="receiving-station"
            value={station}
            maxLength={100}
            onChange={(e) => setStation(e.target.value)}
            onBlur={() => writeStation(station)}
          />
        </div>
      </details>

      {log.length > 0 && (
        <section className="scan-log" aria-label="Recent scans">
          <h2>Recent scans</h2>
          <ol>
            {log.map((entry) => (
              <li key={entry.id} className={`log-${entry.tone}`}>
                <time dateTime={entry.at.toISOString()}>{entry.at.toLocaleTimeString()}</time> {entry.code ? `${entry.code}: ` : ''}
                {entry.text}
              </li>
            ))}
          </ol>
        </section>
      )}
    </section>
  );
}

function FinishedReceipt({ receipt }: { receipt: Receipt }) {
  const [notice, setNotice] = useState<Notice | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const linked = notice ?? receipt.notice;

  const close = async () => {
    if (!receipt.noticeReference) return;
    setBusy(true);
    setError(null);
    try {
      setNotice(await closeNotice(receipt.noticeReference));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="receiving" aria-labelledby="receiving-title">
      <h1 id="receiving-title">Receipt finished</h1>
      <div className="message message-ok" role="status">
        <p>
          {plural(receipt.received, 'unit')} received{receipt.alreadyInStock > 0 ? `, ${receipt.alreadyInStock} already in stock` : ''}
          {receipt.noticeReference ? ` against notice ${receipt.noticeReference}` : ''}.
        </p>
      </div>
      <div className="card">
        <Counts received={receipt.received} alreadyInStock={receipt.alreadyInStock} notice={linked ? linked.totals : null} />
      </div>
      {receipt.lines.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption>This receipt by SKU</caption>
            <thead>
              <tr>
                <th scope="col">SKU</th>
                <th scope="col">Received</th>
                <th scope="col">Already in stock</th>
                {receipt.noticeReference && <th scope="col">Not on the notice</th>}
              </tr>
            </thead>
            <tbody>
              {receipt.lines.map((l) => (
                <tr key={l.sku}>
                  <td>
                    <span className="mono">{l.sku}</span> {l.name}
                  </td>
                  <td>{l.received}</td>
                  <td>{l.alreadyInStock}</td>
                  {receipt.noticeReference && <td className="mono">{(l.unexpectedSerials ?? []).join(', ') || '—'}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {linked && <NoticeTable notice={linked} lists={notice !== null} />}
      <ErrorMessage error={error} />
      {notice ? (
        <div className="message message-ok" role="status">
          <p>
            Notice {notice.reference} closed: {notice.totals.missing} missing, {notice.totals.unexpected} unexpected recorded.
          </p>
        </div>
      ) : (
        receipt.notice?.status === 'open' && (
          <div className="actions">
            <button type="button" className="primary" disabled={busy} onClick={() => void close()}>
              {busy ? 'Closing…' : `Close notice ${receipt.noticeReference} and record the discrepancy`}
            </button>
            <span className="hint">Close it once the whole delivery is received; other receipts of it are finished too.</span>
          </div>
        )
      )}
      <p>
        <Link to={paths.receiving()}>Start another receipt</Link>
      </p>
    </section>
  );
}
