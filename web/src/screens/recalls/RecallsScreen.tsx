import { listRecalls } from '../../api/endpoints.ts';
import type { RecallStatus } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Pager } from '../../components/Pager.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDateTime } from '../../format.ts';
import { Link, navigate, paths, useLocation } from '../../router.ts';
import { useCan } from '../../session.tsx';
import { useTitle } from '../../use-title.ts';
import { currentCursor, readPages, toSearch, writeCursorStack } from '../../url-state.ts';

/** Every recall, newest first, with its status; admins start new ones here. */
export function RecallsScreen() {
  useTitle('Recalls');
  const location = useLocation();
  const raw = location.query.get('status');
  const status: RecallStatus | '' = raw === 'open' || raw === 'closed' ? raw : '';
  const pages = readPages(location.query);
  const isAdmin = useCan('admin');
  const page = useApi(
    (signal) => listRecalls({ status: status || undefined, cursor: currentCursor(pages), limit: 50 }, { signal }),
    [location.search],
  );
  const go = (next: { status?: string; pages?: string[] }) =>
    navigate(paths.recalls + toSearch({ status: next.status ?? status, cursor: writeCursorStack(next.pages ?? []) }));
  const items = page.data?.items ?? [];

  return (
    <section aria-labelledby="recalls-title">
      <div className="screen-head">
        <h1 id="recalls-title">Recalls</h1>
        {isAdmin && (
          <div className="actions">
            <Link to={paths.recallNew} className="button">
              New recall
            </Link>
          </div>
        )}
      </div>
      <p className="hint">A recall holds the units it selects: they are not packed, shipped, restocked or received until cleared.</p>
      <div className="filters">
        <div className="field">
          <label htmlFor="recalls-status">Status</label>
          <select id="recalls-status" value={status} onChange={(e) => go({ status: e.target.value })}>
            <option value="">any</option>
            <option value="open">open</option>
            <option value="closed">closed</option>
          </select>
        </div>
      </div>
      <ErrorMessage error={page.error} />
      {page.loading && !page.data && <p aria-busy="true">Loading recalls…</p>}
      {page.data && items.length === 0 && (
        <EmptyState title={status ? `No ${status} recall.` : 'There are no recalls.'}>
          {isAdmin ? <Link to={paths.recallNew}>Start a recall</Link> : <p>An admin starts recalls.</p>}
        </EmptyState>
      )}
      {items.length > 0 && (
        <div className="table-wrap">
          <table aria-labelledby="recalls-title">
            <thead>
              <tr>
                <th scope="col">Recall</th>
                <th scope="col">SKU</th>
                <th scope="col">Status</th>
                <th scope="col">Units</th>
                <th scope="col">Started</th>
                <th scope="col">Closed</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={paths.recall(r.id)}>{r.name}</Link>
                  </td>
                  <td className="mono">{r.sku}</td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td>{r.units}</td>
                  <td>{formatDateTime(r.createdAt)}</td>
                  <td>{formatDateTime(r.closedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager label="Recall pages" pages={pages} nextCursor={page.data?.nextCursor} onMove={(next) => go({ pages: next })} />
    </section>
  );
}
