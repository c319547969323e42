import { type FormEvent, useState } from 'react';
import { clearRecallUnits, closeRecall, getRecall, recallCustomers, recallCustomersCsvUrl } from '../../api/endpoints.ts';
import type { Recall } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Notice } from '../../components/Notice.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { parseSerialSelection } from '../../domain.ts';
import { takeFlash } from '../../flash.ts';
import { formatDateTime, plural } from '../../format.ts';
import { Link, paths } from '../../router.ts';
import { useCan } from '../../session.tsx';
import { useTitle } from '../../use-title.ts';
import { progressRows, statusRows } from './recall-form.ts';

function criteriaText(r: Recall): string {
  const parts: string[] = [];
  const c = r.criteria;
  const list = [...c.serials, ...c.ranges.map((x) => `${x.from}-${x.to}`)];
  if (list.length > 0) parts.push(`serials ${list.slice(0, 12).join(', ')}${list.length > 12 ? ` and ${list.length - 12} more` : ''}`);
  if (c.lot) parts.push(`lot ${c.lot}`);
  if (c.shippedFrom || c.shippedTo) parts.push(`shipped ${c.shippedFrom ?? '…'} to ${c.shippedTo ?? '…'}`);
  return parts.join('; ');
}

/** A recall: what it selected, where its units are now, the customers to contact; clearing and closing for admins. */
export function RecallScreen({ id }: { id: number }) {
  const recall = useApi((signal) => getRecall(id, { signal }), [id]);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const customers = useApi((signal) => recallCustomers(id, { limit: 50, cursor }, { signal }), [id, cursor]);
  const isAdmin = useCan('admin');
  const [notice, setNotice] = useState<string | null>(() => takeFlash());
  const [error, setError] = useState<unknown>(null);
  const [clearText, setClearText] = useState('');
  const [clearReason, setClearReason] = useState('');
  const [closeNote, setCloseNote] = useState('');
  const [busy, setBusy] = useState(false);
  useTitle(recall.data ? `Recall: ${recall.data.name}` : 'Recall');

  if (recall.error) {
    return (
      <section>
        <p className="breadcrumb">
          <Link to={paths.recalls}>Recalls</Link>
        </p>
        <h1>Recall {id}</h1>
        <ErrorMessage error={recall.error} />
      </section>
    );
  }
  const r = recall.data;
  if (!r) return <p aria-busy="true">Loading the recall…</p>;

  const act = async (run: () => Promise<string>) => {
    setError(null);
    setNotice(null);
    setBusy(true);
    try {
      setNotice(await run());
      recall.reload();
      customers.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const clear = (event: FormEvent) => {
    event.preventDefault();
    void act(async () => {
      const { serials, ranges } = parseSerialSelection(clearText);
      const result = await clearRecallUnits(id, { serials, ranges, reason: clearReason });
      setClearText('');
      return `${plural(result.cleared, 'unit')} cleared, ${result.released} released.`;
    });
  };

  const close = () =>
    act(async () => {
      await closeRecall(id, closeNote.trim());
      return 'Recall closed. Units that were not cleared stay held.';
    });

  return (
    <section aria-labelledby="recall-title">
      <p className="breadcrumb">
        <Link to={paths.recalls}>Recalls</Link>
      </p>
      <div className="screen-head">
        <h1 id="recall-title">
          {r.name} <StatusBadge status={r.status} />
        </h1>
        <div className="actions">
          <a className="button" href={recallCustomersCsvUrl(r.id)} download>
            Download contact list (CSV)
          </a>
        </div>
      </div>
      <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>
      <ErrorMessage error={error} />

      <dl className="facts card">
        <div>
          <dt>SKU</dt>
          <dd className="mono">
            {r.sku} · {r.productName}
          </dd>
        </div>
        <div>
          <dt>Reason</dt>
          <dd>{r.reason}</dd>
        </div>
        <div>
          <dt>Selected</dt>
          <dd>{criteriaText(r)}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>
            {formatDateTime(r.createdAt)} by {r.createdBy}
          </dd>
        </div>
        {r.closedAt && (
          <div>
            <dt>Closed</dt>
            <dd>
              {formatDateTime(r.closedAt)} by {r.closedBy}
              {r.closeNote ? `: ${r.closeNote}` : ''}
            </dd>
          </div>
        )}
      </dl>

      <div className="card" role="region" aria-labelledby="progress-title">
        <h2 id="progress-title">Progress: {plural(r.progress.units, 'unit')}</h2>
        <dl className="counts" aria-label="Progress">
          {progressRows(r.progress).map((row) => (
            <div key={row.label}>
              <dt>{row.label}</dt>
              <dd>{row.value}</dd>
              {row.hint && <p className="hint">{row.hint}</p>}
            </div>
          ))}
        </dl>
        <h3>When it was saved</h3>
        <dl className="counts" aria-label="When it was saved">
          {statusRows(r.atRecall).map((row) => (
            <div key={row.label}>
              <dt>{row.label}</dt>
              <dd>{row.value}</dd>
            </div>
          ))}
        </dl>
      </div>

      <div className="card" role="region" aria-labelledby="customers-title">
        <h2 id="customers-title">Customers to contact</h2>
        <p className="hint">Customers who still have units of this recall (shipped to them, not returned, not cleared).</p>
        <ErrorMessage error={customers.error} />
        {customers.data && customers.data.items.length === 0 && <EmptyState title="No customer has a unit of this recall." />}
        {customers.data && customers.data.items.length > 0 && (
          <div className="table-wrap">
            <table aria-labelledby="customers-title">
              <thead>
                <tr>
                  <th scope="col">Customer</th>
                  <th scope="col">Email</th>
                  <th scope="col">Orders</th>
                  <th scope="col">Units</th>
                  <th scope="col">Serials</th>
                </tr>
              </thead>
              <tbody>
                {customers.data.items.map((c) => (
                  <tr key={`${c.name}/${c.email}/${c.externalId}/${c.orders[0]}`}>
                    <td>
                      {c.name}
                      {c.company && <div className="hint">{c.company}</div>}
                      {c.externalId && <div className="hint">id {c.externalId}</div>}
                    </td>
                    <td>{c.email ?? '—'}</td>
                    <td className="mono">
                      {c.orders.map((o, i) => (
                        <span key={o}>
                          {i > 0 && ' '}
                          <Link to={paths.order(o)}>{o}</Link>
                        </span>
                      ))}
                    </td>
                    <td>{c.units}</td>
                    <td className="mono">
                      {c.serials.slice(0, 20).join(' ')}
                      {c.serials.length > 20 && ` … and ${c.serials.length - 20} more`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {(cursor || customers.data?.nextCursor) && (
          <div className="actions">
            {cursor && (
              <button type="button" className="secondary" onClick={() => setCursor(undefined)}>
                First page
              </button>
            )}
            {customers.data?.nextCursor && (
              <button type="button" className="secondary" onClick={() => setCursor(customers.data!.nextCursor!)}>
                Next customers →
              </button>
            )}
          </div>
        )}
      </div>

      {isAdmin && r.status === 'open' && (
        <>
          <form className="card" onSubmit={clear} aria-labelledby="clear-title">
            <h2 id="clear-title">Clear units</h2>
            <p className="hint">
              Cleared units stay in this recall's record and are released (unless another recall holds them): for units inspected and found
              fine, or selected by mistake.
            </p>
            <div className="field">
              <label htmlFor="clear-serials">Serials and ranges to clear</label>
              <textarea id="clear-serials" className="mono serial-list" rows={3} value={clearText} onChange={(e) => setClearText(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="clear-reason">Why</label>
              <input id="clear-reason" value={clearReason} onChange={(e) => setClearReason(e.target.value)} maxLength={2000} />
            </div>
            <button type="submit" disabled={busy}>
              Clear
            </button>
          </form>
          <div className="card" role="region" aria-labelledby="close-title">
            <h2 id="close-title">Close the recall</h2>
            <p className="hint">Closing keeps the record and releases nothing: units not cleared stay recalled.</p>
            <div className="field">
              <label htmlFor="close-note">Note</label>
              <input id="close-note" value={closeNote} onChange={(e) => setCloseNote(e.target.value)} maxLength={2000} />
            </div>
            <button type="button" className="secondary" onClick={close} disabled={busy}>
              Close recall
            </button>
          </div>
        </>
      )}
    </section>
  );
}
