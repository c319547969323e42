import { type FormEvent, type KeyboardEvent, useCallback, useEffect, useRef, useState } from 'react';
import { isApiError } from '../../api/client.ts';
import { captureBatch, getOrder, getSettings, recordScan, removeSerial, shipOrder } from '../../api/endpoints.ts';
import type { CaptureResult, Order, OrderLine, ScanResult } from '../../api/types.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { NotAllowed } from '../../components/NotAllowed.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDateTime, plural } from '../../format.ts';
import { Link, navigate, paths, useLocation } from '../../router.ts';
import { useCan } from '../../session.tsx';
import { useTitle } from '../../use-title.ts';
import { beep, readMuted, writeMuted } from './beep.ts';
import { CameraScanner, cameraScanningAvailable } from './CameraScanner.tsx';
import { isTextEntry, redirectsToScanBox, shouldReclaimFocus } from './focus-rules.ts';
import { errorFeedback, lotExpiryText } from './scan-feedback.ts';
import { EntryRecorder } from './scan-timing.ts';
import {
  decideScan,
  isLineOpen,
  lineSlots,
  nextSlot,
  openCount,
  packingProgress,
  SHIP_ACTION,
  targetLine,
  withCapture,
  withoutCapture,
} from './slots.ts';
import { readStation, writeStation } from './station.ts';

type Tone = 'ok' | 'error' | 'info';
type Feedback = { tone: Tone; text: string; code?: string };
type LogEntry = Feedback & { id: number; at: Date };

/** Codes after which the screen reloads the order: someone else changed it, or it moved on. */
const RESYNC = new Set(['LINE_FULLY_SERIALIZED', 'ORDER_LINE_NOT_FOUND', 'ORDER_ALREADY_SHIPPED', 'ORDER_CANCELLED', 'SERIAL_NOT_REQUIRED', 'SERIAL_NOT_FOUND']);

const LOG_SIZE = 12;

/**
 * The packing station. One box takes everything a keyboard-wedge scanner (or a person) sends: an
 * order number to open the order, then SKUs or GTINs to choose a line and serial numbers to fill
 * its slots. Scans are handled one after another in arrival order, so a fast scanner cannot
 * overtake the server's answers.
 */
export function PackingScreen() {
  useTitle('Packing');
  if (!useCan('packer')) return <NotAllowed title="Packing station" needed="packer" />;
  return <PackingStation />;
}

function PackingStation() {
  const location = useLocation();
  const urlOrder = location.query.get('order')?.trim() || null;

  const [order, setOrder] = useState<Order | null>(null);
  const [lines, setLines] = useState<OrderLine[]>([]);
  const [activeSku, setActiveSku] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [value, setValue] = useState('');
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const [log, setLog] = useState<LogEntry[]>([]);
  const [lastFilled, setLastFilled] = useState<{ sku: string; index: number } | null>(null);
  const [muted, setMuted] = useState(readMuted);
  const [station, setStation] = useState(readStation);
  const [shipOpen, setShipOpen] = useState(false);
  const [cameraOpen, setCameraOpen] = useState(false);
  const [cameraAvailable] = useState(cameraScanningAvailable);

  // The queue of scans reads the latest state through refs, not through a stale render's closure.
  const orderRef = useRef<Order | null>(null);
  const linesRef = useRef<OrderLine[]>([]);
  const activeRef = useRef<string | null>(null);
  const mutedRef = useRef(muted);
  const stationRef = useRef(station);
  const currentNumberRef = useRef<string | null>(null);
  const queueRef = useRef<Promise<void>>(Promise.resolve());
  const recorderRef = useRef(new EntryRecorder());
  const inputRef = useRef<HTMLInputElement>(null);
  const byKeyboardRef = useRef(false);
  const logId = useRef(0);
  const enterTimeRef = useRef<number | null>(null);
  // What the tenant's scanners send for FNC1 instead of the GS character (Settings), if anything.
  const fnc1Ref = useRef<string | null>(null);
  mutedRef.current = muted;
  stationRef.current = station;

  useEffect(() => {
    getSettings().then(
      (settings) => {
        fnc1Ref.current = settings.gs1Fnc1Substitute;
      },
      () => undefined, // without settings, GS1 scans are read with the GS separator only
    );
  }, []);

  const isOpen = order !== null && order.status === 'open';
  const progress = packingProgress(lines);

  const refocus = useCallback(() => {
    requestAnimationFrame(() => {
      const active = document.activeElement;
      if (active === inputRef.current) return;
      if (!isTextEntry(active as HTMLInputElement | null) || active === document.body) inputRef.current?.focus();
    });
  }, []);

  const report = useCallback((tone: Tone, text: string, code?: string) => {
    setFeedback({ tone, text, code });
    logId.current += 1;
    const entry = { tone, text, code, id: logId.current, at: new Date() };
    setLog((l) => [entry, ...l].slice(0, LOG_SIZE));
    if (!mutedRef.current) beep(tone === 'ok' ? 'good' : tone === 'error' ? 'bad' : 'info');
  }, []);

  const applyLines = useCallback((next: OrderLine[]) => {
    linesRef.current = next;
    setLines(next);
  }, []);

  const setActive = useCallback((sku: string | null) => {
    activeRef.current = sku;
    setActiveSku(sku);
  }, []);

  const applyOrder = useCallback(
    (next: Order | null) => {
      orderRef.current = next;
      setOrder(next);
      applyLines(next?.lines ?? []);
      if (!next || !next.lines.some((l) => l.sku === activeRef.current)) setActive(null);
    },
    [applyLines, setActive],
  );

  const enqueue = useCallback((task: () => Promise<void> | void) => {
    queueRef.current = queueRef.current.then(task).catch(() => undefined);
    return queueRef.current;
  }, []);

  const loadOrder = useCallback(
    async (orderNumber: string, quiet = false) => {
      setLoading(true);
      setLoadError(null);
      try {
        const loaded = await getOrder(orderNumber);
        if (currentNumberRef.current !== orderNumber) return;
        applyOrder(loaded);
        if (quiet) return;
        if (loaded.status !== 'open') {
          report('info', `Order ${orderNumber} is ${loaded.status}: nothing to pack. Scan the next order number.`);
        } else {
          const p = packingProgress(loaded.lines);
          report(
            'info',
            p.total === 0
              ? `Order ${orderNumber} opened: nothing on it needs a serial number.`
              : `Order ${orderNumber} opened: ${p.filled} of ${plural(p.total, 'serial')} captured.`,
          );
        }
      } catch (error) {
        if (currentNumberRef.current !== orderNumber) return;
        applyOrder(null);
        setLoadError(error);
        report('error', (error as Error).message, isApiError(error) ? error.code : undefined);
      } finally {
        setLoading(false);
      }
    },
    [applyOrder, report],
  );

  // The order in the address (?order=...) is the one open here: Back, bookmarks and links work.
  useEffect(() => {
    if (urlOrder === currentNumberRef.current) return;
    currentNumberRef.current = urlOrder;
    setShipOpen(false);
    setLastFilled(null);
    if (!urlOrder) {
      applyOrder(null);
      setLoadError(null);
      return;
    }
    void enqueue(() => loadOrder(urlOrder));
  }, [urlOrder, applyOrder, enqueue, loadOrder]);

  const openOrder = useCallback(
    async (orderNumber: string) => {
      currentNumberRef.current = orderNumber;
      setShipOpen(false);
      setLastFilled(null);
      navigate(paths.packing(orderNumber));
      await loadOrder(orderNumber);
    },
    [loadOrder],
  );

  /** A refusal from the server, as the feedback line shows it. */
  const reportFailure = useCallback(
    (error: unknown) => {
      const { text, code } = errorFeedback(error);
      report('error', text, code);
    },
    [report],
  );

  /** The server said the scan was a packing slip: open that order (the one open now keeps its captures). */
  const switchToScannedOrder = useCallback(
    async (details: { orderNumber?: unknown } | undefined) => {
      const current = orderRef.current;
      const scanned = typeof details?.orderNumber === 'string' ? details.orderNumber : null;
      if (!scanned || !current) return;
      if (scanned === current.orderNumber) {
        report('info', `Order ${scanned} is already open here: scan its serial numbers.`);
        return;
      }
      const p = packingProgress(linesRef.current);
      const left = current.status === 'open' && p.total > p.filled ? ` Order ${current.orderNumber} stays open with ${p.filled} of ${plural(p.total, 'serial')}.` : '';
      await openOrder(scanned);
      if (left && orderRef.current?.orderNumber === scanned) report('info', `Switched to order ${scanned}.${left}`);
    },
    [openOrder, report],
  );

  /**
   * Sends one capture to the station scan route (.../scans): a GS1 scan whole (the server keeps its
   * lot and expiry), a plain serial for its line. On 201 the slot `index` of the line fills. Any
   * refusal reloads the order, so slots filled from another tab or station show up at once; a
   * scanned packing slip (SCANNED_ORDER_NUMBER) opens that order instead.
   */
  const capture = useCallback(
    async (target: { sku: string; serial: string; index: number; data?: string }, scanned: boolean) => {
      const orderNumber = orderRef.current!.orderNumber;
      const station = stationRef.current.trim() || undefined;
      try {
        const result: CaptureResult & Partial<ScanResult> = await recordScan(orderNumber, {
          data: target.data ?? target.serial,
          sku: target.sku,
          scanned,
          station,
        });
        if (currentNumberRef.current !== orderNumber) return;
        const extra = { lot: result.lot ?? null, expiry: result.expiry ?? null };
        const next = withCapture(linesRef.current, result.sku, result.serial, {
          serial: result.serial,
          captureMethod: scanned ? 'scanned' : 'typed',
          capturedAt: new Date().toISOString(),
          capturedBy: null,
          station: station ?? null,
          ...extra,
        });
        applyLines(next);
        setActive(result.sku);
        setLastFilled({ sku: result.sku, index: target.index });
        const done = packingProgress(next).complete;
        const carried = lotExpiryText(extra);
        report(
          'ok',
          `${result.serial} captured for ${result.sku} (${result.captured} of ${result.quantity})${carried ? `, ${carried}` : ''}${done ? '. Every serial is captured: ship the order.' : ''}`,
        );
        const local = next.find((l) => l.sku === result.sku)?.serials.length;
        if (local !== result.captured) await loadOrder(orderNumber, true);
      } catch (error) {
        if (isApiError(error) && error.code === 'SCANNED_ORDER_NUMBER') {
          await switchToScannedOrder(error.details as { orderNumber?: unknown } | undefined);
          return;
        }
        reportFailure(error);
        if (isApiError(error)) await loadOrder(orderNumber, true);
      }
    },
    [applyLines, loadOrder, report, reportFailure, setActive, switchToScannedOrder],
  );

  /** A list or range for one line, sent as one batch: every serial is captured, or none. */
  const captureList = useCallback(
    async (target: { sku: string; serials: string[] }, scanned: boolean) => {
      const orderNumber = orderRef.current!.orderNumber;
      const station = stationRef.current.trim() || undefined;
      try {
        const result = await captureBatch(orderNumber, {
          items: target.serials.map((serial) => ({ sku: target.sku, serial, scanned })),
          station,
        });
        if (currentNumberRef.current !== orderNumber) return;
        await loadOrder(orderNumber, true);
        setActive(target.sku);
        const line = result.lines.find((l) => l.sku === target.sku);
        const done = linesRef.current.length > 0 && packingProgress(linesRef.current).complete;
        report(
          'ok',
          `${plural(result.captured, 'serial')} captured for ${target.sku}${line ? ` (${line.captured} of ${line.quantity})` : ''}${done ? '. Every serial is captured: ship the order.' : ''}`,
        );
      } catch (error) {
        reportFailure(error);
        if (isApiError(error)) await loadOrder(orderNumber, true);
      }
    },
    [loadOrder, report, reportFailure, setActive],
  );

  /** Ships a complete order straight from the scan box (Enter on an empty box, or the ship action barcode). */
  const shipNow = useCallback(async () => {
    const orderNumber = orderRef.current!.orderNumber;
    try {
      const shipped = await shipOrder(orderNumber, { station: stationRef.current.trim() || undefined });
      if (currentNumberRef.current !== orderNumber) return;
      applyOrder(shipped);
      setShipOpen(false);
      report('ok', `Order ${orderNumber} shipped. Scan the next order number.`);
    } catch (error) {
      reportFailure(error);
      if (isApiError(error)) await loadOrder(orderNumber, true);
    }
  }, [applyOrder, loadOrder, report, reportFailure]);

  /** One entry from the scan box (or the camera). */
  const handleEntry = useCallback(
    async (raw: string, scanned: boolean) => {
      const current = orderRef.current;
      if (!current || current.status !== 'open') {
        const orderNumber = raw.trim();
        if (!orderNumber) {
          report('error', 'order number: scan or type the number of the order to pack');
          return;
        }
        await openOrder(orderNumber);
        return;
      }
      const decision = decideScan(linesRef.current, activeRef.current, raw, fnc1Ref.current);
      if (decision.kind === 'refuse') {
        report('error', decision.message, decision.code);
      } else if (decision.kind === 'ship') {
        await shipNow();
      } else if (decision.kind === 'list') {
        await captureList(decision, scanned);
      } else if (decision.kind === 'select') {
        setActive(decision.sku);
        const line = linesRef.current.find((l) => l.sku === decision.sku)!;
        report('info', `${line.sku} (${line.name}) chosen: scan its serial numbers, ${openCount(line)} to go.`);
      } else {
        await capture(decision, scanned);
      }
    },
    [capture, captureList, openOrder, report, setActive, shipNow],
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // The Enter key's own time when the form was submitted with it; the button is a typed entry.
    const enterTime = enterTimeRef.current ?? Number.POSITIVE_INFINITY;
    enterTimeRef.current = null;
    const raw = value;
    const scanned = recorderRef.current.take(raw, enterTime);
    setValue('');
    void enqueue(() => handleEntry(raw, scanned));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      enterTimeRef.current = event.timeStamp; // the form's submit follows
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

  // Keep the scan box focused: after clicks and taps elsewhere, after the window regains focus,
  // and when a scanner starts typing while a button has focus.
  useEffect(() => {
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
    const onWindowFocus = () => refocus();
    document.addEventListener('pointerdown', onPointer, true);
    document.addEventListener('keydown', onKey, true);
    window.addEventListener('focus', onWindowFocus);
    return () => {
      document.removeEventListener('pointerdown', onPointer, true);
      document.removeEventListener('keydown', onKey, true);
      window.removeEventListener('focus', onWindowFocus);
    };
  }, [refocus]);

  const onBlur = () => {
    window.setTimeout(() => {
      const active = document.activeElement as HTMLElement | null;
      if (active === inputRef.current) return;
      if (shouldReclaimFocus(active as HTMLInputElement | null, byKeyboardRef.current)) inputRef.current?.focus();
    }, 0);
  };

  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  const remove = (sku: string, serial: string) => {
    void enqueue(async () => {
      const orderNumber = orderRef.current?.orderNumber;
      if (!orderNumber) return;
      try {
        await removeSerial(orderNumber, { sku, serial, station: stationRef.current.trim() || undefined });
        applyLines(withoutCapture(linesRef.current, sku, serial));
        setLastFilled(null);
        report('info', `${serial} removed from ${sku}: scan the right serial into the free slot.`);
      } catch (error) {
        reportFailure(error);
        if (isApiError(error) && RESYNC.has(error.code)) await loadOrder(orderNumber, true);
      }
    }).then(refocus);
  };

  const chooseLine = (sku: string) => {
    setActive(sku);
    const line = linesRef.current.find((l) => l.sku === sku);
    if (line) report('info', `${line.sku} (${line.name}) chosen: scan its serial numbers, ${openCount(line)} to go.`);
    refocus();
  };

  const onShipped = (shipped: Order) => {
    applyOrder(shipped);
    setShipOpen(false);
    report('ok', `Order ${shipped.orderNumber} shipped. Scan the next order number.`);
    refocus();
  };

  const closeOrder = () => {
    currentNumberRef.current = null;
    applyOrder(null);
    setFeedback(null);
    setShipOpen(false);
    navigate(paths.packing());
    refocus();
  };

  const toggleMuted = () => {
    setMuted((m) => {
      writeMuted(!m);
      return !m;
    });
    refocus();
  };

  const slotTarget = isOpen ? nextSlot(lines, activeSku) : null;
  const target = isOpen ? targetLine(lines, activeSku) : null;
  const inputLabel = isOpen ? 'Scan serial, SKU or GTIN' : 'Order number';

  return (
    <section className="packing" aria-labelledby="packing-title">
      <div className="screen-head">
        <h1 id="packing-title">
          Packing station
          {order && (
            <>
              {': '}
              <span className="mono">{order.orderNumber}</span>
            </>
          )}
        </h1>
        <div className="actions">
          <label className="choice compact">
            <input type="checkbox" checked={muted} onChange={toggleMuted} />
            Mute sounds
          </label>
          {cameraAvailable && (
            <button type="button" className="secondary" onClick={() => setCameraOpen((o) => !o)} aria-expanded={cameraOpen}>
              {cameraOpen ? 'Close camera' : 'Scan with camera'}
            </button>
          )}
          {order && (
            <button type="button" className="secondary" onClick={closeOrder}>
              Change order
            </button>
          )}
        </div>
      </div>

      <div className="scan-dock">
        <form className="scan-form" onSubmit={submit} autoComplete="off">
          <label htmlFor="scan-input" className="scan-label">
            {inputLabel}
          </label>
          <div className="scan-row">
            <input
              id="scan-input"
              ref={inputRef}
              className="scan-input"
              value={value}
              onChange={(e) => setValue(e.target.value)}
              onKeyDown={onKeyDown}
              onPaste={(e) => {
                recorderRef.current.edit();
                // A column pasted from a spreadsheet: the one-line box would drop its line breaks and
                // glue the serials together with spaces, so keep them apart with commas.
                const text = e.clipboardData.getData('text');
                if (/[\r\n\t]/.test(text.trim())) {
                  e.preventDefault();
                  const items = text.split(/[\r\n\t]+/).map((item) => item.trim()).filter(Boolean);
                  setValue((v) => [v.trim(), ...items].filter(Boolean).join(', '));
                }
              }}
              onCut={() => recorderRef.current.edit()}
              onBlur={onBlur}
              autoComplete="off"
              autoCorrect="off"
              autoCapitalize="off"
              spellCheck={false}
              enterKeyHint="enter"
              aria-describedby="scan-help"
            />
            <button type="submit" className="primary">
              Enter
            </button>
          </div>
          <p id="scan-help" className="hint">
            {isOpen
              ? target
                ? `Serials go to ${target.sku}, slot ${slotTarget ? slotTarget.index + 1 : ''} of ${target.quantity}. Scan another SKU or GTIN to switch lines.`
                : progress.complete
                  ? `Every serial is captured: press Enter (or scan ${SHIP_ACTION}) to ship the order.`
                  : 'Several lines need serials: scan the SKU or GTIN of the product first (or choose its line below).'
              : 'Scan or type the order number and press Enter.'}
          </p>
        </form>

        <div aria-live="polite" aria-atomic="true" className="feedback-region">
          {feedback && (
            <div className={`feedback feedback-${feedback.tone}`} role={feedback.tone === 'error' ? 'alert' : 'status'}>
              {feedback.code && <span className="code">{feedback.code}</span>} {feedback.text}
            </div>
          )}
        </div>
      </div>

      {cameraOpen && (
        <CameraScanner
          onCode={(code) => void enqueue(() => handleEntry(code, true))}
          onClose={() => {
            setCameraOpen(false);
            refocus();
          }}
        />
      )}


      {loading && !order && <p aria-busy="true">Opening order…</p>}
      {!order && !loading && !loadError && (
        <div className="empty-state">
          <p className="empty-title">No order open.</p>
          <p className="empty-next">
            Scan the order number from the packing slip, or pick an open order from the <Link to={`${paths.orders}?status=open`}>orders list</Link>.
          </p>
        </div>
      )}

      {order && (
        <>
          <div className="order-summary card">
            <div>
              <StatusBadge status={order.status} /> {order.type} · {order.customer.name}
              {order.customer.company ? ` · ${order.customer.company}` : ''}
            </div>
            {progress.total > 0 && (
              <div className="progress">
                <label htmlFor="packing-progress">
                  {progress.filled} of {plural(progress.total, 'serial')} captured
                </label>
                <progress id="packing-progress" max={progress.total} value={progress.filled} />
              </div>
            )}
            <Link to={paths.order(order.orderNumber)}>Order details</Link>
          </div>

          {order.status === 'shipped' && (
            <div className="message message-ok" role="status">
              <p>
                Shipped {formatDateTime(order.shippedAt)}
                {order.carrier ? ` with ${order.carrier}` : ''}
                {order.trackingNumber ? `, tracking ${order.trackingNumber}` : ''}.
              </p>
            </div>
          )}

          <ol className="pack-lines">
            {lines.map((line) => {
              const slots = lineSlots(line);
              const isTarget = target?.sku === line.sku;
              return (
                <li key={line.sku} className={`pack-line card${isTarget ? ' target' : ''}${isLineOpen(line) ? '' : ' done'}`}>
                  <div className="pack-line-head">
                    <h2>
                      <span className="mono">{line.sku}</span> <span className="line-name">{line.name}</span>
                    </h2>
                    <span className="line-count">
                      {line.needsSerialNumber ? `${Math.min(line.serials.length, line.quantity)} of ${line.quantity}` : `× ${line.quantity}`}
                    </span>
                    {isOpen && isLineOpen(line) && (
                      <button type="button" className="secondary" aria-pressed={activeSku === line.sku} onClick={() => chooseLine(line.sku)}>
                        {activeSku === line.sku ? 'Scanning into this line' : 'Scan into this line'}
                      </button>
                    )}
                  </div>
                  {!line.needsSerialNumber ? (
                    <p className="hint">No serial number needed.</p>
                  ) : (
                    <ul className="slots" aria-label={`Serial slots for ${line.sku}`}>
                      {slots.map((slot) => {
                        const isNext = slotTarget?.sku === slot.sku && slotTarget.index === slot.index;
                        const isNew = lastFilled?.sku === slot.sku && lastFilled.index === slot.index;
                        return (
                          <li
                            key={slot.index}
                            className={`slot${slot.serial !== null ? ' filled' : ''}${isNext ? ' next' : ''}${isNew ? ' new' : ''}`}
                          >
                            <span className="slot-number">{slot.index + 1}</span>
                            {slot.serial !== null ? (
                              <>
                                <span className="slot-body">
                                  <span className="slot-serial mono">{slot.serial}</span>
                                  {(slot.lot || slot.expiry) && <span className="slot-lot">{lotExpiryText(slot)}</span>}
                                </span>
                                {isOpen && (
                                  <button
                                    type="button"
                                    className="remove"
                                    aria-label={`Remove serial ${slot.serial} from ${line.sku}`}
                                    onClick={() => remove(line.sku, slot.serial!)}
                                  >
                                    Remove
                                  </button>
                                )}
                              </>
                            ) : (
                              <span className="slot-empty">{isNext ? 'next scan goes here' : 'empty'}</span>
                            )}
                          </li>
                        );
                      })}
                    </ul>
                  )}
                </li>
              );
            })}
          </ol>

          {isOpen && (
            <div className="ship-area">
              {!shipOpen ? (
                <>
                  <button
                    type="button"
                    className="primary big"
                    disabled={!progress.complete}
                    aria-describedby="ship-help"
                    onClick={() => setShipOpen(true)}
                  >
                    Ship
                  </button>
                  <p id="ship-help" className="hint">
                    {progress.complete
                      ? 'Every serial is captured.'
                      : `Ship is available once every slot is filled: ${progress.total - progress.filled} to go.`}
                  </p>
                </>
              ) : (
                <ShipForm
                  orderNumber={order.orderNumber}
                  station={station}
                  onShipped={onShipped}
                  onCancel={() => {
                    setShipOpen(false);
                    refocus();
                  }}
                  onError={reportFailure}
                />
              )}
            </div>
          )}
        </>
      )}

      <details className="station-settings">
        <summary>Station</summary>
        <div className="field">
          <label htmlFor="station-name">Station name (kept with each capture)</label>
          <input
            id="station-name"
            value={station}
            maxLength={100}
            onChange={(e) => setStation(e.target.value)}
            onBlur={() => writeStation(station)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                writeStation(station);
                inputRef.current?.focus();
              }
            }}
          />
        </div>
      </details>

      {log.length > 0 && (
        <section className="scan-log" aria-label="Recent scans">
          <h2>Recent scans</h2>
          <ol>
            {log.map((entry) => (
              <li key={entry.id} className={`log-${entry.tone}`}>
                <time dateTime={entry.at.toISOString()}>{entry.at.toLocaleTimeString()}</time> {entry.text}
              </li>
            ))}
          </ol>
        </section>
      )}
    </section>
  );
}

function ShipForm({
  orderNumber,
  station,
  onShipped,
  onCancel,
  onError,
}: {
  orderNumber: string;
  station: string;
  onShipped: (order: Order) => void;
  onCancel: () => void;
  onError: (error: unknown) => void;
}) {
  const [carrier, setCarrier] = useState('');
  const [tracking, setTracking] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const carrierRef = useRef<HTMLInputElement>(null);
  useEffect(() => carrierRef.current?.focus(), []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const shipped = await shipOrder(orderNumber, {
        carrier: carrier.trim() || null,
        trackingNumber: tracking.trim() || null,
        station: station.trim() || undefined,
      });
      onShipped(shipped);
    } catch (e) {
      setError(e);
      onError(e);
      setBusy(false);
    }
  };

  return (
    <form className="panel ship-form" onSubmit={submit} aria-labelledby="ship-title" onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <h2 id="ship-title">Ship order {orderNumber}</h2>
      <ErrorMessage error={error} />
      <div className="field">
        <label htmlFor="ship-carrier">Carrier (optional)</label>
        <input id="ship-carrier" ref={carrierRef} value={carrier} onChange={(e) => setCarrier(e.target.value)} maxLength={100} />
      </div>
      <div className="field">
        <label htmlFor="ship-tracking">Tracking number (optional)</label>
        <input
          id="ship-tracking"
          value={tracking}
          onChange={(e) => setTracking(e.target.value)}
          maxLength={100}
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      <div className="actions">
        <button type="submit" className="primary big" disabled={busy}>
          {busy ? 'Shipping…' : 'Confirm shipment'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Back
        </button>
      </div>
    </form>
  );
}
