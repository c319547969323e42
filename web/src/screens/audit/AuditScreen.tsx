import { type FormEvent, useEffect, useState } from 'react';
import { listAudit } from '../../api/endpoints.ts';
import type { AuditEntry } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { NotAllowed } from '../../components/NotAllowed.tsx';
import { Pager } from '../../components/Pager.tsx';
import { formatDateTime } from '../../format.ts';
import { Link, navigate, paths, useLocation } from '../../router.ts';
import { useCan } from '../../session.tsx';
import { useTitle } from '../../use-title.ts';
import { type AuditState, auditFilter, auditSearch, currentCursor, readAuditState } from '../../url-state.ts';
import { changeLines, describeAction } from './audit-entry.ts';

const PAGE_SIZE = 50;

const SUBJECTS = [
  ['', 'anything'],
  ['product', 'products'],
  ['settings', 'settings'],
  ['order', 'orders'],
  ['api_key', 'API keys'],
  ['user', 'users'],
] as const;

export function AuditScreen() {
  useTitle('Audit trail');
  if (!useCan('admin')) return <NotAllowed title="Audit trail" needed="admin" />;
  return <AuditList />;
}

/** Who changed what, newest first; the filters and the page live in the address. */
function AuditList() {
  const location = useLocation();
  const state = readAuditState(location.query);
  const [draft, setDraft] = useState(state);
  useEffect(() => setDraft(state), [location.search]); // eslint-disable-line react-hooks/exhaustive-deps

  const page = useApi(
    (signal) => listAudit({ ...auditFilter(state), cursor: currentCursor(state.pages), limit: PAGE_SIZE }, { signal }),
    [location.search],
  );
  const items = page.data?.items ?? [];
  const go = (next: Partial<AuditState>) => navigate(paths.audit + auditSearch({ ...state, pages: [], ...next }));
  const apply = (event: FormEvent) => {
    event.preventDefault();
    go({ ...draft, pages: [] });
  };
  const filtered = Object.keys(auditFilter(state)).length > 0;
  const field = (key: keyof Omit<AuditState, 'pages'>) => ({
    id: `audit-${key}`,
    value: draft[key],
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value }),
  });

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit trail</h1>
      <p className="hint">Every change of products, settings, orders, API keys and users, with who made it. Entries are never changed or removed.</p>
      <form className="filters" role="search" aria-label="Filter the audit trail" onSubmit={apply}>
        <div className="field">
          <label htmlFor="audit-subject">About</label>
          <select {...field('subject')}>
            {!SUBJECTS.some(([value]) => value === draft.subject) && <option value={draft.subject}>{draft.subject}</option>}
            {SUBJECTS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-actor">By (email)</label>
          <input type="search" {...field('actor')} placeholder="lena@example.com" />
        </div>
        <div className="field">
          <label htmlFor="audit-from">From</label>
          <input type="date" {...field('from')} />
        </div>
        <div className="field">
          <label htmlFor="audit-to">To</label>
          <input type="date" {...field('to')} />
        </div>
        <button type="submit">Apply</button>
        {filtered && (
          <Link to={paths.audit} className="button secondary">
            Clear
          </Link>
        )}
      </form>
      <ErrorMessage error={page.error} />
      {page.loading && !page.data && <p aria-busy="true">Loading the audit trail…</p>}
      {page.data && items.length === 0 && (
        <EmptyState title={filtered ? 'No change matches these filters.' : 'Nothing has been changed yet.'}>
          {filtered && (
            <button type="button" className="link-button" onClick={() => navigate(paths.audit)}>
              Clear the filters
            </button>
          )}
        </EmptyState>
      )}
      {items.length > 0 && (
        <div className="table-wrap">
          <table aria-labelledby="audit-title" aria-busy={page.loading}>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">About</th>
                <th scope="col">Changes</th>
              </tr>
            </thead>
            <tbody>
              {items.map((entry) => (
                <AuditRow key={entry.id} entry={entry} onSubject={(subject) => go({ subject })} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager label="Audit trail pages" pages={state.pages} nextCursor={page.data?.nextCursor} onMove={(pages) => go({ ...state, pages })} />
    </section>
  );
}

function AuditRow({ entry, onSubject }: { entry: AuditEntry; onSubject: (subject: string) => void }) {
  const { subject } = entry;
  const lines = changeLines(entry);
  return (
    <tr>
      <td>{formatDateTime(entry.at)}</td>
      <td>{entry.actor}</td>
      <td>{describeAction(entry.action)}</td>
      <td>
        {subject.type === 'product' && subject.id ? (
          <Link to={paths.productEdit(subject.id)}>{subject.name}</Link>
        ) : subject.type === 'order' && subject.id ? (
          <Link to={paths.order(subject.id)}>{subject.name}</Link>
        ) : (
          (subject.name ?? subject.type.replace('_', ' '))
        )}
        {subject.id && (
          <>
            {' '}
            <button type="button" className="link-button hint" onClick={() => onSubject(`${subject.type}:${subject.id}`)}>
              (all changes)
            </button>
          </>
        )}
      </td>
      <td>
        {lines.length > 0 && (
          <ul className="audit-changes">
            {lines.map((line) => (
              <li key={line.field}>
                {line.field}: {line.from !== null && <><del>{line.from}</del> → </>}
                {line.to}
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}
