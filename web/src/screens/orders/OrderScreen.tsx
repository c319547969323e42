import { type FormEvent, useState } from 'react';
import { cancelOrder, correctSerial, getOrder } from '../../api/endpoints.ts';
import type { Order, OrderLine } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDateTime } from '../../format.ts';
import { Link, paths } from '../../router.ts';
import { useCan } from '../../session.tsx';
import { useTitle } from '../../use-title.ts';

export function OrderScreen({ orderNumber }: { orderNumber: string }) {
  useTitle(`Order ${orderNumber}`);
  const canPack = useCan('packer');
  const isAdmin = useCan('admin');
  const order = useApi((signal) => getOrder(orderNumber, { signal }), [orderNumber]);
  const [error, setError] = useState<unknown>(null);
  const [confirming, setConfirming] = useState(false);
  const o = order.data;

  const cancel = async () => {
    setError(null);
    try {
      order.setData(await cancelOrder(orderNumber));
      setConfirming(false);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section aria-labelledby="order-title">
      <p className="breadcrumb">
        <Link to={paths.orders}>← Orders</Link>
      </p>
      <div className="screen-head">
        <h1 id="order-title">
          Order <span className="mono">{orderNumber}</span>
        </h1>
        {o && (
          <div className="actions">
            {o.status === 'open' && canPack && (
              <Link to={paths.packing(o.orderNumber)} className="button primary">
                Pack this order
              </Link>
            )}
            {o.status === 'open' && isAdmin && !confirming && (
              <button type="button" className="secondary" onClick={() => setConfirming(true)}>
                Cancel order…
              </button>
            )}
          </div>
        )}
      </div>
      <ErrorMessage error={order.error ?? error} />
      {confirming && (
        <div className="panel" role="group" aria-labelledby="cancel-title">
          <h2 id="cancel-title">Cancel order {orderNumber}?</h2>
          <p>Units already captured go back to stock. This cannot be undone.</p>
          <div className="actions">
            <button type="button" className="danger" onClick={() => void cancel()}>
              Yes, cancel the order
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)} autoFocus>
              Keep it
            </button>
          </div>
        </div>
      )}
      {order.loading && !o && <p aria-busy="true">Loading order…</p>}
      {o && (
        <>
          <dl className="facts card">
            <div>
              <dt>Status</dt>
              <dd>
                <StatusBadge status={o.status} />
              </dd>
            </div>
            <div>
              <dt>Type</dt>
              <dd>{o.type}</dd>
            </div>
            <div>
              <dt>Customer</dt>
              <dd>
                {o.customer.name}
                {o.customer.company && <div>{o.customer.company}</div>}
                {o.customer.email && <div>{o.customer.email}</div>}
                {o.customer.externalId && <div className="hint">customer id {o.customer.externalId}</div>}
              </dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>{formatDateTime(o.createdAt)}</dd>
            </div>
            <div>
              <dt>Carrier</dt>
              <dd>{o.carrier ?? '—'}</dd>
            </div>
            <div>
              <dt>Tracking number</dt>
              <dd className="mono">{o.trackingNumber ?? '—'}</dd>
            </div>
            <div>
              <dt>Shipped</dt>
              <dd>{formatDateTime(o.shippedAt)}</dd>
            </div>
            {o.shippedBy && (
              <div>
                <dt>Shipped by</dt>
                <dd>{o.shippedBy}</dd>
              </div>
            )}
          </dl>

          <h2>Lines</h2>
          {o.lines.map((line) => (
            <div className="card line-card" key={line.sku}>
              <h3>
                <span className="mono">{line.sku}</span> {line.name} × {line.quantity}
              </h3>
              {!line.needsSerialNumber ? (
                <p className="hint">No serial numbers needed.</p>
              ) : line.captures.length === 0 ? (
                <p className="hint">
                  No serials captured yet (0 of {line.quantity}).
                  {o.status === 'open' && canPack && (
                    <>
                      {' '}
                      <Link to={paths.packing(o.orderNumber)}>Capture them at the packing station.</Link>
                    </>
                  )}
                </p>
              ) : (
                <>
                  <CapturesTable line={line} />
                  <CorrectionsList line={line} />
                  {o.status === 'shipped' && isAdmin && (
                    <CorrectionForm orderNumber={o.orderNumber} line={line} onCorrected={(next) => order.setData(next)} />
                  )}
                </>
              )}
            </div>
          ))}
        </>
      )}
    </section>
  );
}

/** The serials captured for one line; Lot and Expiry columns when a GS1 scan brought them. */
function CapturesTable({ line }: { line: OrderLine }) {
  const lots = line.captures.some((c) => c.lot || c.expiry);
  return (
    <div className="table-wrap">
      <table>
        <caption>
          Serials captured: {line.captured} of {line.quantity}
        </caption>
        <thead>
          <tr>
            <th scope="col">Serial</th>
            <th scope="col">Method</th>
            <th scope="col">Captured</th>
            <th scope="col">By</th>
            <th scope="col">Station</th>
            {lots && <th scope="col">Lot</th>}
            {lots && <th scope="col">Expiry</th>}
          </tr>
        </thead>
        <tbody>
          {line.captures.map((c, i) => (
            <tr key={`${c.serial}-${i}`}>
              <td className="mono">
                <Link to={paths.serial(c.serial)}>{c.serial}</Link>
              </td>
              <td>{c.captureMethod}</td>
              <td>{formatDateTime(c.capturedAt)}</td>
              <td>{c.capturedBy ?? '—'}</td>
              <td>{c.station ?? '—'}</td>
              {lots && <td className="mono">{c.lot ?? '—'}</td>}
              {lots && <td>{c.expiry ?? '—'}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The line's serials corrected after shipping: the wrong one struck through, what replaced it, why and by whom. */
function CorrectionsList({ line }: { line: OrderLine }) {
  const corrections = line.corrections ?? [];
  if (corrections.length === 0) return null;
  return (
    <div className="corrections">
      <h4>Corrections</h4>
      <ul aria-label={`Corrections of ${line.sku}`}>
        {corrections.map((c, i) => (
          <li key={`${c.serial}-${i}`}>
            <del className="mono" aria-label={`${c.serial} (corrected)`}>
              <Link to={paths.serial(c.serial)}>{c.serial}</Link>
            </del>{' '}
            → <Link to={paths.serial(c.newSerial)}>{c.newSerial}</Link>
            <span className="correction-reason"> — {c.reason}</span>
            <span className="hint">
              {' '}
              ({c.correctedBy}, {formatDateTime(c.correctedAt)})
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** For admins on a shipped order: replace a serial that proved wrong (the server judges the new one). */
function CorrectionForm({ orderNumber, line, onCorrected }: { orderNumber: string; line: OrderLine; onCorrected: (order: Order) => void }) {
  const [open, setOpen] = useState(false);
  const [serial, setSerial] = useState(line.serials[0] ?? '');
  const [newSerial, setNewSerial] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const id = (name: string) => `correct-${line.sku}-${name}`;

  if (!open) {
    return (
      <p>
        {done && <span role="status">{done} </span>}
        <button type="button" className="secondary" onClick={() => { setOpen(true); setDone(null); setSerial(line.serials[0] ?? ''); }}>
          Correct a serial of {line.sku}…
        </button>
      </p>
    );
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const next = await correctSerial(orderNumber, { sku: line.sku, serial, newSerial: newSerial.trim(), reason: reason.trim() });
      setDone(`Corrected: ${serial} is now ${newSerial.trim()}.`);
      setOpen(false);
      setNewSerial('');
      setReason('');
      onCorrected(next);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="panel correction-form" aria-label={`Correct a serial of ${line.sku}`} onSubmit={(e) => void submit(e)}>
      <p className="hint">
        The order has shipped. If a serial proved wrong (another unit&apos;s label was scanned), give the right one and why: the
        wrong unit goes back to where it was, and both units&apos; histories keep the correction.
      </p>
      <div className="field">
        <label htmlFor={id('serial')}>Wrong serial</label>
        <select id={id('serial')} value={serial} onChange={(e) => setSerial(e.target.value)}>
          {line.serials.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={id('new')}>Right serial</label>
        <input id={id('new')} value={newSerial} onChange={(e) => setNewSerial(e.target.value)} required autoComplete="off" spellCheck={false} />
      </div>
      <div className="field grow">
        <label htmlFor={id('reason')}>Reason</label>
        <input id={id('reason')} value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={500} />
      </div>
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || !newSerial.trim() || !reason.trim()}>
          Save correction
        </button>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
