import { type FormEvent, useEffect, useState } from 'react';
import { epcisEventsUrl, reportCsvUrl, reportDaily, reportPage } from '../../api/endpoints.ts';
import { useApi } from '../../api/use-api.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Pager } from '../../components/Pager.tsx';
import { formatDateTime } from '../../format.ts';
import { Link, navigate, paths, useLocation } from '../../router.ts';
import { useTitle } from '../../use-title.ts';
import { currentCursor, readReportState, reportFilter, type ReportState, reportSearch, toSearch } from '../../url-state.ts';
import { DailyChart } from './DailyChart.tsx';
import { checkReportDraft, daysBefore, epcisExportNote, type ReportDraft } from './report-filter.ts';

const PAGE_SIZE = 50;

const draftOf = (s: ReportState): ReportDraft => ({
  shippedFrom: s.shippedFrom,
  shippedTo: s.shippedTo,
  sku: s.sku,
  orderNumber: s.orderNumber,
  customer: s.customer,
  serials: s.serials,
});

export function ReportScreen() {
  useTitle('Serial Number Report');
  const location = useLocation();
  const state = readReportState(location.query);
  const filter = reportFilter(state);
  const filterKey = toSearch(filter);
  const [draft, setDraft] = useState<ReportDraft>(() => draftOf(state));
  const [problem, setProblem] = useState<Error | null>(null);

  useEffect(() => setDraft(draftOf(readReportState(new URLSearchParams(filterKey)))), [filterKey]);

  const page = useApi(
    (signal) => reportPage({ ...filter, cursor: currentCursor(state.pages), limit: PAGE_SIZE }, { signal }),
    [location.search],
  );
  const daily = useApi((signal) => reportDaily(filter, { signal }), [filterKey]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const problems = checkReportDraft(draft);
    if (problems.length > 0) {
      setProblem(new Error(problems.map((p) => p.message).join('; ')));
      document.getElementById(`report-${problems[0].field}`)?.focus();
      return;
    }
    setProblem(null);
    navigate(paths.report + reportSearch({ ...draft, pages: [] }));
  };

  const lastDays = (days: number) => {
    const today = new Date().toISOString().slice(0, 10);
    navigate(paths.report + reportSearch({ ...draft, shippedFrom: daysBefore(today, days - 1), shippedTo: today, pages: [] }));
  };

  const set = (key: keyof ReportDraft, value: string) => setDraft((d) => ({ ...d, [key]: value }));
  const items = page.data?.items ?? [];
  const filtered = Object.keys(filter).length > 0;

  return (
    <section aria-labelledby="report-title">
      <div className="screen-head">
        <h1 id="report-title">Serial Number Report</h1>
        <div className="actions">
          <a className="button" href={reportCsvUrl(filter)} download>
            Export CSV
          </a>
          <a className="button secondary" href={epcisEventsUrl(filter)} download="epcis-events.jsonld" aria-describedby="epcis-hint">
            Export EPCIS
          </a>
        </div>
      </div>
      <p className="hint">Every serial number of shipped orders: which unit went to which customer, and when.</p>
      <p className="hint" id="epcis-hint">
        {epcisExportNote(filter)}
      </p>

      <form className="filters report-filters" role="search" aria-label="Report filters" onSubmit={apply} noValidate>
        <div className="field">
          <label htmlFor="report-shippedFrom">Shipped from</label>
          <input id="report-shippedFrom" type="date" value={draft.shippedFrom} onChange={(e) => set('shippedFrom', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="report-shippedTo">Shipped to</label>
          <input id="report-shippedTo" type="date" value={draft.shippedTo} onChange={(e) => set('shippedTo', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="report-sku">SKU</label>
          <input id="report-sku" value={draft.sku} onChange={(e) => set('sku', e.target.value)} maxLength={64} />
        </div>
        <div className="field">
          <label htmlFor="report-orderNumber">Order</label>
          <input id="report-orderNumber" value={draft.orderNumber} onChange={(e) => set('orderNumber', e.target.value)} maxLength={64} />
        </div>
        <div className="field grow">
          <label htmlFor="report-customer">Customer</label>
          <input
            id="report-customer"
            value={draft.customer}
            onChange={(e) => set('customer', e.target.value)}
            maxLength={200}
            placeholder="name, email, company or customer id"
          />
        </div>
        <div className="field grow">
          <label htmlFor="report-serials">Serials</label>
          <textarea
            id="report-serials"
            className="mono"
            rows={2}
            value={draft.serials}
            onChange={(e) => set('serials', e.target.value)}
            spellCheck={false}
            placeholder="SN0998-SN1002, SN2001"
            aria-describedby="report-serials-hint"
          />
          <p className="hint" id="report-serials-hint">
            Paste serials and ranges; a range runs by the number a serial ends with.
          </p>
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            Apply
          </button>
          <button type="button" className="secondary" onClick={() => lastDays(7)}>
            Last 7 days
          </button>
          <button type="button" className="secondary" onClick={() => lastDays(30)}>
            Last 30 days
          </button>
          {filtered && (
            <Link to={paths.report} className="button secondary">
              Clear
            </Link>
          )}
        </div>
      </form>

      <ErrorMessage error={problem} />

      <ErrorMessage error={daily.error} />
      {daily.data && daily.data.days.length > 0 && <DailyChart days={daily.data.days} />}

      <ErrorMessage error={page.error} />
      {page.loading && !page.data && <p aria-busy="true">Loading the report…</p>}
      {page.data && items.length === 0 && (
        <EmptyState title={filtered ? 'No shipped serial number matches these filters.' : 'No order with serial numbers has shipped yet.'}>
          {filtered ? (
            <p>Widen the date range or clear a filter.</p>
          ) : (
            <p>
              Serials appear here once their order ships from the <Link to={paths.packing()}>packing station</Link>.
            </p>
          )}
        </EmptyState>
      )}
      {items.length > 0 && (
        <div className="table-wrap">
          <table aria-labelledby="report-title" aria-busy={page.loading}>
            <thead>
              <tr>
                <th scope="col">Serial</th>
                <th scope="col">SKU</th>
                <th scope="col">Product</th>
                <th scope="col">Order</th>
                <th scope="col">Type</th>
                <th scope="col">Customer</th>
                <th scope="col">Shipped</th>
                <th scope="col">Capture</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r, i) => (
                <tr key={`${r.orderNumber}/${r.sku}/${r.serial}/${i}`}>
                  <td className="mono">
                    <Link to={paths.serial(r.serial)}>{r.serial}</Link>
                  </td>
                  <td className="mono">{r.sku}</td>
                  <td>{r.productName}</td>
                  <td className="mono">
                    <Link to={paths.order(r.orderNumber)}>{r.orderNumber}</Link>
                  </td>
                  <td>{r.orderType}</td>
                  <td>
                    {r.customerName}
                    {r.customerCompany && <div className="hint">{r.customerCompany}</div>}
                    {r.customerEmail && <div className="hint">{r.customerEmail}</div>}
                  </td>
                  <td>{formatDateTime(r.shippedAt)}</td>
                  <td>{r.captureMethod}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label="Report pages"
        pages={state.pages}
        nextCursor={page.data?.nextCursor}
        onMove={(pages) => navigate(paths.report + reportSearch({ ...state, pages }))}
      />
    </section>
  );
}
