import { type FormEvent, useEffect, useRef, useState } from 'react';
import { bulkEditProducts, listProducts } from '../../api/endpoints.ts';
import { useApi } from '../../api/use-api.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Pager } from '../../components/Pager.tsx';
import { takeFlash } from '../../flash.ts';
import { plural } from '../../format.ts';
import { Link, navigate, paths, useLocation } from '../../router.ts';
import { useCan } from '../../session.tsx';
import { useTitle } from '../../use-title.ts';
import {
  type NeedsSerialFilter,
  type ProductListState,
  productListApiQuery,
  productListSearch,
  readProductListState,
} from '../../url-state.ts';
import { pageSelection, toggleAll, toggleOne } from './selection.ts';

const PAGE_SIZE = 50;

export function ProductsScreen() {
  useTitle('Products');
  const location = useLocation();
  const state = readProductListState(location.query);
  const isAdmin = useCan('admin');
  const [draft, setDraft] = useState(state.q);
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [bulkOpen, setBulkOpen] = useState(false);
  const [notice, setNotice] = useState<string | null>(() => takeFlash());

  useEffect(() => setDraft(state.q), [state.q]);

  const page = useApi(
    (signal) => listProducts({ ...productListApiQuery(state), limit: PAGE_SIZE }, { signal }),
    [location.search],
  );
  const items = page.data?.items ?? [];
  const skus = items.map((p) => p.sku);
  const headerState = pageSelection(selected, skus);

  const go = (next: Partial<ProductListState>) =>
    navigate(paths.products + productListSearch({ ...state, pages: [], ...next }));

  const search = (event: FormEvent) => {
    event.preventDefault();
    go({ q: draft });
  };

  const selectAllRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (selectAllRef.current) selectAllRef.current.indeterminate = headerState === 'some';
  }, [headerState]);

  const filtered = state.q !== '' || state.needsSerial !== 'any';

  return (
    <section aria-labelledby="products-title">
      <div className="screen-head">
        <h1 id="products-title">Products</h1>
        {isAdmin && (
          <div className="actions">
            <Link to={paths.productNew} className="button">
              Add product
            </Link>
            <Link to={paths.productImport} className="button secondary">
              Import CSV
            </Link>
          </div>
        )}
      </div>

      <form className="filters" role="search" aria-label="Filter products" onSubmit={search}>
        <div className="field">
          <label htmlFor="products-needs-serial">Needs serial number</label>
          <select
            id="products-needs-serial"
            value={state.needsSerial}
            onChange={(e) => go({ needsSerial: e.target.value as NeedsSerialFilter })}
          >
            <option value="any">any</option>
            <option value="yes">yes</option>
            <option value="no">no</option>
          </select>
        </div>
        <div className="field grow">
          <label htmlFor="products-q">Search SKU or name</label>
          <input id="products-q" type="search" value={draft} onChange={(e) => setDraft(e.target.value)} />
        </div>
        <button type="submit">Search</button>
      </form>

      <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>

      {isAdmin && (
        <div className="toolbar">
          <span aria-live="polite">{selected.size > 0 ? `${plural(selected.size, 'product')} selected` : 'Select products to edit several at once'}</span>
          <button type="button" disabled={selected.size === 0} onClick={() => setBulkOpen(true)} aria-expanded={bulkOpen}>
            Bulk edit
          </button>
          {selected.size > 0 && (
            <button type="button" className="link-button" onClick={() => setSelected(new Set())}>
              Clear selection
            </button>
          )}
        </div>
      )}

      {bulkOpen && (
        <BulkEditPanel
          skus={[...selected]}
          onClose={() => setBulkOpen(false)}
          onDone={(updated, value) => {
            setBulkOpen(false);
            setSelected(new Set());
            setNotice(`${plural(updated, 'product')} changed: needs serial number is now ${value ? 'Yes' : 'No'}.`);
            page.reload();
          }}
        />
      )}

      <ErrorMessage error={page.error} />
      {page.loading && !page.data && <p aria-busy="true">Loading products…</p>}
      {page.data && items.length === 0 && (
        <EmptyState title={filtered ? 'No product matches these filters.' : 'There are no products yet.'}>
          {filtered ? (
            <button type="button" className="link-button" onClick={() => navigate(paths.products)}>
              Clear the filters
            </button>
          ) : isAdmin ? (
            <p>
              <Link to={paths.productNew}>Add a product</Link> or <Link to={paths.productImport}>import a CSV file</Link>.
            </p>
          ) : (
            <p>An admin adds products; ask one to add or import them.</p>
          )}
        </EmptyState>
      )}
      {items.length > 0 && (
        <div className="table-wrap">
          <table aria-labelledby="products-title" aria-busy={page.loading}>
            <thead>
              <tr>
                {isAdmin && (
                  <th scope="col" className="check">
                    <input
                      ref={selectAllRef}
                      type="checkbox"
                      aria-label="Select all products on this page"
                      checked={headerState === 'all'}
                      onChange={() => setSelected(toggleAll(selected, skus))}
                    />
                  </th>
                )}
                <th scope="col">SKU</th>
                <th scope="col">Name</th>
                <th scope="col">GTIN</th>
                <th scope="col">Needs serial number</th>
                <th scope="col">Serial format</th>
                {isAdmin && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.sku} className={selected.has(p.sku) ? 'selected' : undefined}>
                  {isAdmin && (
                    <td className="check">
                      <input
                        type="checkbox"
                        aria-label={`Select ${p.sku}`}
                        checked={selected.has(p.sku)}
                        onChange={() => setSelected(toggleOne(selected, p.sku))}
                      />
                    </td>
                  )}
                  <td className="mono">{p.sku}</td>
                  <td>{p.name}</td>
                  <td className="mono">{p.gtin ?? '—'}</td>
                  <td>{p.needsSerialNumber ? 'Yes' : 'No'}</td>
                  <td className="mono">{p.serialFormat ?? '—'}</td>
                  {isAdmin && (
                    <td>
                      <Link to={paths.productEdit(p.sku)} aria-label={`Edit ${p.sku}`}>
                        Edit
                      </Link>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager label="Product pages" pages={state.pages} nextCursor={page.data?.nextCursor} onMove={(pages) => go({ ...state, pages })} />
    </section>
  );
}

function BulkEditPanel({
  skus,
  onClose,
  onDone,
}: {
  skus: string[];
  onClose: () => void;
  onDone: (updated: number, value: boolean) => void;
}) {
  const [value, setValue] = useState<'yes' | 'no' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const firstRef = useRef<HTMLInputElement>(null);
  useEffect(() => firstRef.current?.focus(), []);

  const process = async (event: FormEvent) => {
    event.preventDefault();
    if (value === null) {
      setError(new Error('needs serial number: choose Yes or No'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const answer = await bulkEditProducts(skus, value === 'yes');
      onDone(answer.updated, value === 'yes');
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <form className="panel" aria-labelledby="bulk-title" onSubmit={process} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <h2 id="bulk-title">Bulk edit {plural(skus.length, 'product')}</h2>
      <ErrorMessage error={error} />
      <fieldset>
        <legend>Needs serial number</legend>
        <label className="choice">
          <input ref={firstRef} type="radio" name="bulk-needs-serial" checked={value === 'yes'} onChange={() => setValue('yes')} />
          Yes
        </label>
        <label className="choice">
          <input type="radio" name="bulk-needs-serial" checked={value === 'no'} onChange={() => setValue('no')} />
          No
        </label>
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Processing…' : 'Process'}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
