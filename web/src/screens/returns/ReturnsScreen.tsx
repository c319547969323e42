import { type FormEvent, type KeyboardEvent, useCallback, useEffect, useRef, useState } from 'react';
import { addReturnItems, createReturn, disposeReturnItem, getOrder, getReturn, getSettings, listReturns, reviewReturnItem } from '../../api/endpoints.ts';
import type { Order, ReturnCondition, ReturnItem, ReturnRecord, ReturnSummary } from '../../api/types.ts';
import { NotAllowed } from '../../components/NotAllowed.tsx';
import { returnConditions } from '../../domain.ts';
import { formatDateTime, humanize, plural } from '../../format.ts';
import { Link, navigate, paths, useLocation } from '../../router.ts';
import { useCan } from '../../session.tsx';
import { useTitle } from '../../use-title.ts';
import { beep, readMuted, writeMuted } from '../packing/beep.ts';
import { isTextEntry, redirectsToScanBox, shouldReclaimFocus } from '../packing/focus-rules.ts';
import { errorFeedback } from '../packing/scan-feedback.ts';
import { EntryRecorder } from '../packing/scan-timing.ts';
import { readStation } from '../packing/station.ts';
import { alreadyScanned, COMMANDS, lastPending, readDeskScan, verdictView } from './desk.ts';

type Tone = 'ok' | 'error' | 'info';
type Feedback = { tone: Tone; text: string; code?: string };

/**
 * The returns desk, built for a keyboard-wedge scanner like the packing station: one scan box
 * takes the order number, then each returned unit (its serial, or its GS1 barcode), and the
 * desk's command barcodes (#RESTOCK, #SCRAP, #DONE, #DAMAGED ...). Each unit's verdict is shown big:
 * green MATCH, or a red word for a unit held for review.
 */
export function ReturnsScreen() {
  useTitle('Returns');
  if (!useCan('packer')) return <NotAllowed title="Returns desk" needed="packer" />;
  return <ReturnsDesk />;
}

function ReturnsDesk() {
  const location = useLocation();
  const urlOrder = location.query.get('order')?.trim() || null;
  const urlReturn = Number(location.query.get('return')) || null;
  const isAdmin = useCan('admin');

  const [order, setOrder] = useState<Order | null>(null);
  const [ret, setRet] = useState<ReturnRecord | null>(null);
  const [shown, setShown] = useState<number | null>(null);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const [value, setValue] = useState('');
  const [chosenSku, setChosenSku] = useState<string | null>(null);
  const [condition, setCondition] = useState<ReturnCondition | ''>('');
  const [reason, setReason] = useState('');
  const [rma, setRma] = useState('');
  const [muted, setMuted] = useState(readMuted);
  const [queue, setQueue] = useState<{ review: ReturnSummary[]; recent: ReturnSummary[] } | null>(null);

  const orderRef = useRef<Order | null>(null);
  const retRef = useRef<ReturnRecord | null>(null);
  const chosenRef = useRef<string | null>(null);
  const conditionRef = useRef<ReturnCondition | ''>('');
  const reasonRef = useRef('');
  const rmaRef = useRef('');
  const mutedRef = useRef(muted);
  const fnc1Ref = useRef<string | null>(null);
  const queueRef = useRef<Promise<void>>(Promise.resolve());
  const recorderRef = useRef(new EntryRecorder());
  const enterTimeRef = useRef<number | null>(null);
  const byKeyboardRef = useRef(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const loadedRef = useRef<string | null>(null);
  conditionRef.current = condition;
  reasonRef.current = reason;
  rmaRef.current = rma;
  mutedRef.current = muted;

  useEffect(() => {
    getSettings().then(
      (settings) => {
        fnc1Ref.current = settings.gs1Fnc1Substitute;
      },
      () => undefined,
    );
  }, []);

  const refocus = useCallback(() => {
    requestAnimationFrame(() => {
      const active = document.activeElement;
      if (active === inputRef.current) return;
      if (!isTextEntry(active as HTMLInputElement | null) || active === document.body) inputRef.current?.focus();
    });
  }, []);

  const report = useCallback((tone: Tone, text: string, code?: string) => {
    setFeedback({ tone, text, code });
    if (!mutedRef.current) beep(tone === 'ok' ? 'good' : tone === 'error' ? 'bad' : 'info');
  }, []);
  const reportFailure = useCallback(
    (error: unknown) => {
      const { text, code } = errorFeedback(error);
      report('error', text, code);
    },
    [report],
  );

  const applyOrder = useCallback((next: Order | null) => {
    orderRef.current = next;
    setOrder(next);
  }, []);
  const applyReturn = useCallback((next: ReturnRecord | null) => {
    retRef.current = next;
    setRet(next);
  }, []);
  const choose = useCallback((sku: string | null) => {
    chosenRef.current = sku;
    setChosenSku(sku);
  }, []);

  const enqueue = useCallback((task: () => Promise<void> | void) => {
    queueRef.current = queueRef.current.then(task).catch(() => undefined);
    return queueRef.current;
  }, []);

  const loadQueue = useCallback(() => {
    Promise.all([listReturns({ disposition: 'review', limit: 20 }), listReturns({ limit: 10 })]).then(
      ([review, recent]) => setQueue({ review: review.items, recent: recent.items }),
      () => setQueue(null),
    );
  }, []);

  const reset = useCallback(() => {
    applyOrder(null);
    applyReturn(null);
    setShown(null);
    choose(null);
    setRma('');
    loadQueue();
  }, [applyOrder, applyReturn, choose, loadQueue]);

  /** Opens an order for a new return: it must have shipped. */
  const openOrder = useCallback(
    async (orderNumber: string) => {
      reset();
      try {
        const loaded = await getOrder(orderNumber);
        if (loaded.status !== 'shipped') {
          navigate(paths.returns(), { replace: true });
          report('error', `orderNumber: ${orderNumber} is ${loaded.status}; only a shipped order takes returns`, 'ORDER_NOT_SHIPPED');
          return;
        }
        applyOrder(loaded);
        loadedRef.current = `order:${orderNumber}`;
        navigate(paths.returns({ order: orderNumber }), { replace: true });
        report('info', `Order ${orderNumber} of ${loaded.customer.name}: scan each returned unit.`);
      } catch (error) {
        navigate(paths.returns(), { replace: true });
        reportFailure(error);
      }
    },
    [applyOrder, report, reportFailure, reset],
  );

  /** Opens an existing return (from the lists below, or a bookmark) to go on with it. */
  const openReturn = useCallback(
    async (returnId: number) => {
      try {
        const found = await getReturn(returnId);
        const loaded = await getOrder(found.orderNumber);
        applyOrder(loaded);
        applyReturn(found);
        setShown(null);
        choose(null);
        setRma(found.rmaNumber ?? '');
        loadedRef.current = `return:${returnId}`;
        report('info', `Return ${returnId} of order ${found.orderNumber}: ${plural(found.items.length, 'unit')} so far.`);
      } catch (error) {
        reportFailure(error);
      }
    },
    [applyOrder, applyReturn, choose, report, reportFailure],
  );

  // The address says what is open: ?return=<id> or ?order=<orderNumber>.
  useEffect(() => {
    const key = urlReturn ? `return:${urlReturn}` : urlOrder ? `order:${urlOrder}` : null;
    if (key === loadedRef.current) return;
    loadedRef.current = key;
    if (urlReturn) void enqueue(() => openReturn(urlReturn));
    else if (urlOrder) void enqueue(() => openOrder(urlOrder));
    else {
      reset();
      setFeedback(null);
    }
  }, [urlOrder, urlReturn, enqueue, openOrder, openReturn, reset]);

  const station = () => readStation().trim() || undefined;

  const dispose = useCallback(
    async (index: number, action: 'restock' | 'scrap') => {
      const current = retRef.current;
      if (!current) return;
      try {
        const next = await disposeReturnItem(current.id, index, action, { station: station() });
        applyReturn(next);
        const item = next.items.find((i) => i.index === index)!;
        setShown(index);
        report('ok', `${item.serial} of ${item.sku} ${action === 'restock' ? 'restocked: back in stock' : 'scrapped'}.`);
      } catch (error) {
        reportFailure(error);
      }
    },
    [applyReturn, report, reportFailure],
  );

  const sendUnit = useCallback(
    async (unit: { scan: string; sku: string | null; gs1: boolean }, scanned: boolean) => {
      const current = orderRef.current!;
      const item = {
        scan: unit.scan,
        ...(unit.gs1 || unit.sku === null ? {} : { sku: unit.sku }),
        scanned,
        ...(conditionRef.current ? { condition: conditionRef.current } : {}),
        ...(reasonRef.current.trim() ? { reason: reasonRef.current.trim() } : {}),
      };
      try {
        const existing = retRef.current;
        const next = existing
          ? await addReturnItems(existing.id, { station: station(), items: [item] })
          : await createReturn({ orderNumber: current.orderNumber, rmaNumber: rmaRef.current.trim() || null, station: station(), items: [item] });
        applyReturn(next);
        if (!existing) {
          loadedRef.current = `return:${next.id}`;
          navigate(paths.returns({ returnId: next.id }), { replace: true });
        }
        const added = next.items.find((i) => i.index === next.added?.[0]) ?? next.items[next.items.length - 1];
        setShown(added.index);
        const view = verdictView(added.verdict);
        report(view.tone === 'ok' ? 'ok' : 'error', `${view.word}: ${added.message}`);
      } catch (error) {
        reportFailure(error);
      }
    },
    [applyReturn, report, reportFailure],
  );

  const handleEntry = useCallback(
    async (raw: string, scanned: boolean) => {
      if (!orderRef.current) {
        const orderNumber = raw.trim();
        if (!orderNumber) return report('error', 'order number: scan or type the number of the order the units come back from');
        return openOrder(orderNumber);
      }
      const decision = readDeskScan({ raw, lines: orderRef.current.lines, chosenSku: chosenRef.current, fnc1Substitute: fnc1Ref.current });
      switch (decision.kind) {
        case 'refuse':
          return report('error', decision.message, decision.code);
        case 'condition':
          setCondition(decision.condition);
          return report('info', `The next units are ${decision.condition}.`);
        case 'choose':
          choose(decision.sku);
          return report('info', `${decision.sku} chosen: scan the serial numbers of its returned units.`);
        case 'command': {
          if (decision.command === 'done') {
            const finished = retRef.current;
            navigate(paths.returns(), { replace: true });
            loadedRef.current = null;
            reset();
            return report('info', finished ? `Return ${finished.id} finished. Scan the next order number.` : 'Scan the next order number.');
          }
          const index = retRef.current ? lastPending(retRef.current.items) : null;
          if (index === null) return report('error', `${decision.command}: no unit taken back waits to be restocked or scrapped`);
          return dispose(index, decision.command);
        }
        case 'unit': {
          const twice = retRef.current ? alreadyScanned(retRef.current.items, decision) : null;
          if (twice) {
            setShown(twice.index);
            return report('error', `${decision.serial} is already in this return (unit ${twice.index + 1}); scan the next unit`);
          }
          return sendUnit(decision, scanned);
        }
      }
    },
    [choose, dispose, openOrder, report, reset, sendUnit],
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const enterTime = enterTimeRef.current ?? Number.POSITIVE_INFINITY;
    enterTimeRef.current = null;
    const raw = value;
    const scanned = recorderRef.current.take(raw, enterTime);
    setValue('');
    void enqueue(() => handleEntry(raw, scanned));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      enterTimeRef.current = event.timeStamp;
      return;
    }
    if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) recorderRef.current.key(event.timeStamp);
    else if (event.key === 'Backspace' || event.key === 'Delete') recorderRef.current.edit();
    else if (event.key === 'Escape') {
      setValue('');
      recorderRef.current.reset();
    }
  };

  // The scan box keeps the focus, as at the packing station.
  useEffect(() => {
    const onPointer = () => {
      byKeyboardRef.current = false;
    };
    const onKey = (event: globalThis.KeyboardEvent) => {
      byKeyboardRef.current = true;
      const input = inputRef.current;
      const active = document.activeElement as HTMLInputElement | null;
      if (!input || active === input || isTextEntry(active)) return;
      if (redirectsToScanBox(event.key, { ctrl: event.ctrlKey, meta: event.metaKey, alt: event.altKey })) {
        input.focus();
        recorderRef.current.key(event.timeStamp);
      }
    };
    document.addEventListener('pointerdown', onPointer, true);
    document.addEventListener('keydown', onKey, true);
    window.addEventListener('focus', refocus);
    inputRef.current?.focus();
    return () => {
      document.removeEventListener('pointerdown', onPointer, true);
      document.removeEventListener('keydown', onKey, true);
      window.removeEventListener('focus', refocus);
    };
  }, [refocus]);

  const onBlur = () => {
    window.setTimeout(() => {
      const active = document.activeElement as HTMLInputElement | null;
      if (active === inputRef.current) return;
      if (shouldReclaimFocus(active, byKeyboardRef.current)) inputRef.current?.focus();
    }, 0);
  };

  const act = (task: () => Promise<void>) => void enqueue(task).then(refocus);
  // Enter in a side field (RMA, reason) goes back to the scan box.
  const backToScanBox = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    inputRef.current?.focus();
  };

  const shownItem = ret && shown !== null ? ret.items.find((i) => i.index === shown) : undefined;

  return (
    <section className="returns" aria-labelledby="returns-title">
      <div className="screen-head">
        <h1 id="returns-title">
          Returns desk
          {order && (
            <>
              {': '}
              <span className="mono">{order.orderNumber}</span>
            </>
          )}
        </h1>
        <div className="actions">
          <label className="choice compact">
            <input
              type="checkbox"
              checked={muted}
              onChange={() => {
                setMuted((m) => {
                  writeMuted(!m);
                  return !m;
                });
                refocus();
              }}
            />
            Mute sounds
          </label>
          {order && (
            <button
              type="button"
              className="secondary"
              onClick={() =>
                act(async () => {
                  await handleEntry('#DONE', false);
                })
              }
            >
              Finish return
            </button>
          )}
        </div>
      </div>

      <form className="scan-form" onSubmit={submit} autoComplete="off">
        <label htmlFor="return-scan" className="scan-label">
          {order ? 'Scan returned unit' : 'Order number'}
        </label>
        <div className="scan-row">
          <input
            id="return-scan"
            ref={inputRef}
            className="scan-input"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            onKeyDown={onKeyDown}
            onPaste={() => recorderRef.current.edit()}
            onBlur={onBlur}
            autoComplete="off"
            autoCorrect="off"
            autoCapitalize="off"
            spellCheck={false}
            aria-describedby="return-scan-help"
          />
          <button type="submit" className="primary">
            Enter
          </button>
        </div>
        <p id="return-scan-help" className="hint">
          {order
            ? `Scan the serial number (or GS1 barcode) of each unit${chosenSku ? `; plain serials go to ${chosenSku}` : ''}. Commands: ${COMMANDS.map((c) => c.code).join(' ')}.`
            : 'Scan or type the number of the shipped order the units come back from, and press Enter.'}
        </p>
      </form>

      <div aria-live="polite" aria-atomic="true" className="feedback-region">
        {feedback && (
          <div className={`feedback feedback-${feedback.tone}`} role={feedback.tone === 'error' ? 'alert' : 'status'}>
            {feedback.code && <span className="code">{feedback.code}</span>} {feedback.text}
          </div>
        )}
      </div>

      {shownItem && (
        <Verdict
          item={shownItem}
          onDispose={(action) => act(() => dispose(shownItem.index, action))}
        />
      )}

      {order && (
        <div className="return-options card">
          <div className="field">
            <label htmlFor="return-rma">RMA number (optional)</label>
            <input
              id="return-rma"
              value={rma}
              maxLength={64}
              disabled={ret !== null}
              onChange={(e) => setRma(e.target.value)}
              onKeyDown={backToScanBox}
            />
          </div>
          <div className="field">
            <label htmlFor="return-condition">Condition of the next units</label>
            <select
              id="return-condition"
              value={condition}
              onChange={(e) => {
                setCondition(e.target.value as ReturnCondition | '');
                refocus();
              }}
            >
              <option value="">not noted</option>
              {returnConditions.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </div>
          <div className="field grow">
            <label htmlFor="return-reason">Reason for the next units (optional)</label>
            <input
              id="return-reason"
              value={reason}
              maxLength={500}
              onChange={(e) => setReason(e.target.value)}
              onKeyDown={backToScanBox}
            />
          </div>
          <p className="hint">
            Order {order.orderNumber}, shipped {formatDateTime(order.shippedAt)}: {order.lines.map((l) => `${l.sku} × ${l.quantity}`).join(', ')}.{' '}
            <Link to={paths.order(order.orderNumber)}>Order details</Link>
          </p>
        </div>
      )}

      {ret && ret.items.length > 0 && (
        <ReturnItems
          ret={ret}
          isAdmin={isAdmin}
          onDispose={(index, action) => act(() => dispose(index, action))}
          onReview={(index, decision, note) =>
            act(async () => {
              try {
                const next = await reviewReturnItem(ret.id, index, { decision, note });
                applyReturn(next);
                setShown(index);
                report('ok', `Unit ${index + 1} ${decision === 'accept' ? 'accepted: taken in, restock or scrap it' : 'rejected: not taken in'}.`);
              } catch (error) {
                reportFailure(error);
              }
            })
          }
        />
      )}

      {!order && queue && <ReturnLists queue={queue} />}
    </section>
  );
}

function Verdict({ item, onDispose }: { item: ReturnItem; onDispose: (action: 'restock' | 'scrap') => void }) {
  const view = verdictView(item.verdict);
  return (
    <div className={`verdict verdict-${view.tone}`} aria-label={`Verdict for ${item.serial}`}>
      <p className="verdict-word">{view.word}</p>
      <p className="verdict-unit">
        <span className="mono">{item.serial}</span> · {item.sku}
        {item.condition ? ` · ${item.condition}` : ''}
      </p>
      <p className="verdict-reason">{item.message}</p>
      {item.disposition === 'pending' ? (
        <div className="actions">
          <button type="button" className="primary big" onClick={() => onDispose('restock')}>
            Restock
          </button>
          <button type="button" className="secondary big" onClick={() => onDispose('scrap')}>
            Scrap
          </button>
          <span className="hint">or scan #RESTOCK / #SCRAP</span>
        </div>
      ) : item.disposition === 'review' ? (
        <p className="verdict-next">Held for review: put it in the review area; an admin decides.</p>
      ) : (
        <p className="verdict-next">Now {humanize(item.disposition)}.</p>
      )}
    </div>
  );
}

function ReturnItems({
  ret,
  isAdmin,
  onDispose,
  onReview,
}: {
  ret: ReturnRecord;
  isAdmin: boolean;
  onDispose: (index: number, action: 'restock' | 'scrap') => void;
  onReview: (index: number, decision: 'accept' | 'reject', note: string) => void;
}) {
  return (
    <section className="card" aria-labelledby="return-items-title">
      <h2 id="return-items-title">
        Return {ret.id}
        {ret.rmaNumber ? ` (RMA ${ret.rmaNumber})` : ''}: {plural(ret.items.length, 'unit')}
      </h2>
      <div className="table-wrap">
        <table aria-label="Returned units">
          <thead>
            <tr>
              <th>#</th>
              <th>SKU</th>
              <th>Serial</th>
              <th>Verdict</th>
              <th>Condition</th>
              <th>Now</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {ret.items.map((item) => {
              const view = verdictView(item.verdict);
              return (
                <tr key={item.index}>
                  <td>{item.index + 1}</td>
                  <td className="mono">{item.sku}</td>
                  <td className="mono">
                    <Link to={paths.serial(item.serial)}>{item.serial}</Link>
                  </td>
                  <td>
                    <span className={`verdict-chip verdict-chip-${view.tone}`} title={item.message}>
                      {view.word}
                    </span>
                  </td>
                  <td>{item.condition ?? '—'}</td>
                  <td>{humanize(item.disposition)}</td>
                  <td>
                    {item.disposition === 'pending' && (
                      <div className="actions">
                        <button type="button" className="secondary" aria-label={`Restock ${item.serial}`} onClick={() => onDispose(item.index, 'restock')}>
                          Restock
                        </button>
                        <button type="button" className="secondary" aria-label={`Scrap ${item.serial}`} onClick={() => onDispose(item.index, 'scrap')}>
                          Scrap
                        </button>
                      </div>
                    )}
                    {item.disposition === 'review' && isAdmin && <ReviewForm item={item} onReview={onReview} />}
                    {item.disposition === 'review' && !isAdmin && <span className="hint">an admin decides</span>}
                    {item.review && (
                      <span className="hint">
                        {item.review.decision === 'accept' ? 'accepted' : 'rejected'}: {item.review.note}
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ReviewForm({ item, onReview }: { item: ReturnItem; onReview: (index: number, decision: 'accept' | 'reject', note: string) => void }) {
  const [note, setNote] = useState('');
  const id = `review-note-${item.index}`;
  return (
    <form className="review-form" onSubmit={(e) => e.preventDefault()}>
      <label htmlFor={id} className="visually-hidden">
        Review note for {item.serial}
      </label>
      <input id={id} value={note} maxLength={1000} placeholder="Review note (required)" onChange={(e) => setNote(e.target.value)} />
      <button type="button" className="secondary" disabled={!note.trim()} onClick={() => onReview(item.index, 'accept', note)} aria-label={`Accept ${item.serial}`}>
        Accept
      </button>
      <button type="button" className="secondary" disabled={!note.trim()} onClick={() => onReview(item.index, 'reject', note)} aria-label={`Reject ${item.serial}`}>
        Reject
      </button>
    </form>
  );
}

function ReturnLists({ queue }: { queue: { review: ReturnSummary[]; recent: ReturnSummary[] } }) {
  const list = (items: ReturnSummary[], label: string, empty: string) => (
    <section className="card" aria-label={label}>
      <h2>{label}</h2>
      {items.length === 0 ? (
        <p className="hint">{empty}</p>
      ) : (
        <ul className="return-list">
          {items.map((r) => (
            <li key={r.id}>
              <Link to={paths.returns({ returnId: r.id })}>Return {r.id}</Link> of order <span className="mono">{r.orderNumber}</span>
              {r.rmaNumber ? ` (RMA ${r.rmaNumber})` : ''}: {plural(r.items, 'unit')}, {r.matched} matched
              {r.inReview ? `, ${r.inReview} held for review` : ''} · {formatDateTime(r.createdAt)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
  return (
    <>
      {list(queue.review, 'Held for review', 'No returned unit waits for review.')}
      {list(queue.recent, 'Recent returns', 'No returns yet.')}
    </>
  );
}
