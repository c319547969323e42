import { type FormEvent, type ReactElement, useMemo, useState } from 'react';
import { createRecall, previewRecall } from '../../api/endpoints.ts';
import type { RecallPreview } from '../../api/types.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { NotAllowed } from '../../components/NotAllowed.tsx';
import { setFlash } from '../../flash.ts';
import { plural } from '../../format.ts';
import { Link, navigate, paths } from '../../router.ts';
import { useCan } from '../../session.tsx';
import { useTitle } from '../../use-title.ts';
import { type DraftProblem, describeList, emptyRecallDraft, type RecallDraft, readRecall, readSelection, selectionKey, statusRows } from './recall-form.ts';

/**
 * Starting a recall: choose the SKU and the units (pasted serials and ranges, lot, ship dates),
 * see what it would hold (the preview changes nothing), then save it, which holds the units.
 */
export function NewRecallScreen() {
  useTitle('New recall');
  const isAdmin = useCan('admin');
  const [draft, setDraft] = useState<RecallDraft>(emptyRecallDraft);
  const [problems, setProblems] = useState<DraftProblem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [preview, setPreview] = useState<{ key: string; counts: RecallPreview } | null>(null);
  const [busy, setBusy] = useState(false);
  const read = useMemo(() => readSelection(draft), [draft]);
  const current = preview && preview.key === selectionKey(read.selection) ? preview.counts : null;

  if (!isAdmin) return <NotAllowed title="New recall" needed="admin" />;

  const set = (key: keyof RecallDraft, value: string) => setDraft((d) => ({ ...d, [key]: value }));
  const problemOf = (field: keyof RecallDraft) => problems.find((p) => p.field === field)?.message;
  const fail = (found: DraftProblem[]) => {
    setProblems(found);
    document.getElementById(`recall-${found[0].field}`)?.focus();
  };

  const runPreview = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (!read.selection) return fail(read.problems);
    setProblems([]);
    setBusy(true);
    try {
      setPreview({ key: selectionKey(read.selection), counts: await previewRecall(read.selection) });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const save = async () => {
    setError(null);
    const { body, problems: found } = readRecall(draft);
    if (!body) return fail(found);
    setProblems([]);
    setBusy(true);
    try {
      const recall = await createRecall(body);
      setFlash(`Recall "${recall.name}" saved: ${plural(recall.units, 'unit')} held.`);
      navigate(paths.recall(recall.id));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  const field = (key: keyof RecallDraft, label: string, input: ReactElement, hint?: string) => (
    <div className="field">
      <label htmlFor={`recall-${key}`}>{label}</label>
      {input}
      {hint && <p className="hint">{hint}</p>}
      {problemOf(key) && (
        <p className="field-error" id={`recall-${key}-error`}>
          {problemOf(key)}
        </p>
      )}
    </div>
  );
  const attrs = (key: keyof RecallDraft) => ({
    id: `recall-${key}`,
    value: draft[key],
    'aria-invalid': problemOf(key) ? true : undefined,
    'aria-describedby': problemOf(key) ? `recall-${key}-error` : undefined,
    onChange: (e: { target: { value: string } }) => set(key, e.target.value),
  });

  return (
    <section aria-labelledby="new-recall-title" className="form">
      <p className="breadcrumb">
        <Link to={paths.recalls}>Recalls</Link>
      </p>
      <h1 id="new-recall-title">New recall</h1>
      <form onSubmit={runPreview} noValidate aria-label="Recall">
        {field('name', 'Name', <input {...attrs('name')} maxLength={200} />)}
        {field('reason', 'Reason', <textarea {...attrs('reason')} rows={2} maxLength={2000} />)}
        {field('sku', 'SKU', <input {...attrs('sku')} className="mono" maxLength={64} autoComplete="off" spellCheck={false} />)}
        <fieldset className="selection">
          <legend>Which units</legend>
          <div className="selection-fields">
            {field(
              'serials',
              'Serials and ranges',
              <textarea {...attrs('serials')} className="mono serial-list" rows={4} spellCheck={false} placeholder={'SN0998-SN1002\nSN2001, SN2005'} />,
              `${describeList(read.serialCount, read.rangeCount)} A range runs by the number a serial ends with: SN0998-SN1002 also holds SN999 and SN1000.`,
            )}
            {field('lot', 'Lot', <input {...attrs('lot')} maxLength={64} />)}
            {field('shippedFrom', 'Shipped from', <input {...attrs('shippedFrom')} type="date" />)}
            {field('shippedTo', 'Shipped to', <input {...attrs('shippedTo')} type="date" />, 'UTC days, both included')}
          </div>
          <p className="hint">Serials and ranges together form one set; lot and ship dates narrow it.</p>
        </fieldset>
        <div className="actions">
          <button type="submit" className={current ? 'secondary' : 'primary'} disabled={busy}>
            Preview
          </button>
        </div>
      </form>

      <ErrorMessage error={error} />

      {current && (
        <div className="card" aria-labelledby="preview-title" role="region">
          <h2 id="preview-title">This recall would hold {plural(current.units, 'unit')} of {current.sku}</h2>
          <dl className="counts">
            {statusRows(current.byStatus).map((row) => (
              <div key={row.label}>
                <dt>{row.label}</dt>
                <dd>{row.value}</dd>
              </div>
            ))}
          </dl>
          <dl className="facts">
            <div>
              <dt>Customers to contact</dt>
              <dd>{current.customers}</dd>
            </div>
            <div>
              <dt>Orders shipped with these units</dt>
              <dd>{current.orders}</dd>
            </div>
            <div>
              <dt>Open orders that will not ship</dt>
              <dd>{current.openOrders}</dd>
            </div>
            <div>
              <dt>Already held by a recall</dt>
              <dd>{current.alreadyRecalled}</dd>
            </div>
          </dl>
          {current.units === 0 ? (
            <p>No unit matches: widen the selection.</p>
          ) : (
            <div className="actions">
              <button type="button" className="primary" onClick={save} disabled={busy}>
                Save recall and hold {plural(current.units, 'unit')}
              </button>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
