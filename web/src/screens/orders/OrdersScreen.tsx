import { type FormEvent, useEffect, useState } from 'react';
import { listOrders } from '../../api/endpoints.ts';
import { useApi } from '../../api/use-api.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Pager } from '../../components/Pager.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDateTime } from '../../format.ts';
import { Link, navigate, paths, useLocation } from '../../router.ts';
import { useCan } from '../../session.tsx';
import { useTitle } from '../../use-title.ts';
import {
  currentCursor,
  type OrderListState,
  orderListSearch,
  type OrderStatusFilter,
  readOrderListState,
} from '../../url-state.ts';

const PAGE_SIZE = 50;

export function OrdersScreen() {
  useTitle('Orders');
  const location = useLocation();
  const state = readOrderListState(location.query);
  const isAdmin = useCan('admin');
  const [draft, setDraft] = useState(state.q);
  useEffect(() => setDraft(state.q), [state.q]);

  const page = useApi(
    (signal) =>
      listOrders(
        { status: state.status || undefined, q: state.q.trim() || undefined, cursor: currentCursor(state.pages), limit: PAGE_SIZE },
        { signal },
      ),
    [location.search],
  );
  const items = page.data?.items ?? [];
  const go = (next: Partial<OrderListState>) => navigate(paths.orders + orderListSearch({ ...state, pages: [], ...next }));
  const search = (event: FormEvent) => {
    event.preventDefault();
    go({ q: draft });
  };
  const filtered = state.q !== '' || state.status !== '';

  return (
    <section aria-labelledby="orders-title">
      <div className="screen-head">
        <h1 id="orders-title">Orders</h1>
        {isAdmin && (
          <div className="actions">
            <Link to={paths.orderImport} className="button secondary">
              Import CSV
            </Link>
          </div>
        )}
      </div>
      <form className="filters" role="search" aria-label="Filter orders" onSubmit={search}>
        <div className="field">
          <label htmlFor="orders-status">Status</label>
          <select id="orders-status" value={state.status} onChange={(e) => go({ status: e.target.value as OrderStatusFilter })}>
            <option value="">any</option>
            <option value="open">open</option>
            <option value="shipped">shipped</option>
            <option value="cancelled">cancelled</option>
          </select>
        </div>
        <div className="field grow">
          <label htmlFor="orders-q">Search order number or customer</label>
          <input id="orders-q" type="search" value={draft} onChange={(e) => setDraft(e.target.value)} />
        </div>
        <button type="submit">Search</button>
      </form>
      <ErrorMessage error={page.error} />
      {page.loading && !page.data && <p aria-busy="true">Loading orders…</p>}
      {page.data && items.length === 0 && (
        <EmptyState title={filtered ? 'No order matches these filters.' : 'There are no orders yet.'}>
          {filtered ? (
            <button type="button" className="link-button" onClick={() => navigate(paths.orders)}>
              Clear the filters
            </button>
          ) : (
            <p>
              Orders arrive from your shop through the API
              {isAdmin ? (
                <>
                  {' '}
                  or a <Link to={paths.orderImport}>CSV import</Link>
                </>
              ) : (
                ' or a CSV import by an admin'
              )}
              ; they appear here once created.
            </p>
          )}
        </EmptyState>
      )}
      {items.length > 0 && (
        <div className="table-wrap">
          <table aria-labelledby="orders-title" aria-busy={page.loading}>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Customer</th>
                <th scope="col">Created</th>
                <th scope="col">Shipped</th>
              </tr>
            </thead>
            <tbody>
              {items.map((o) => (
                <tr key={o.orderNumber}>
                  <td className="mono">
                    <Link to={paths.order(o.orderNumber)}>{o.orderNumber}</Link>
                  </td>
                  <td>{o.type}</td>
                  <td>
                    <StatusBadge status={o.status} />
                  </td>
                  <td>
                    {o.customer.name}
                    {o.customer.company ? ` · ${o.customer.company}` : ''}
                  </td>
                  <td>{formatDateTime(o.createdAt)}</td>
                  <td>{formatDateTime(o.shippedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager label="Order pages" pages={state.pages} nextCursor={page.data?.nextCursor} onMove={(pages) => go({ ...state, pages })} />
    </section>
  );
}
