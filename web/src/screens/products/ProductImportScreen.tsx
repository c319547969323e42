import { type ChangeEvent, type FormEvent, useState } from 'react';
import { importProducts } from '../../api/endpoints.ts';
import type { ImportResult } from '../../api/types.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { NotAllowed } from '../../components/NotAllowed.tsx';
import { Notice } from '../../components/Notice.tsx';
import { plural } from '../../format.ts';
import { Link, paths } from '../../router.ts';
import { useCan } from '../../session.tsx';
import { useTitle } from '../../use-title.ts';
import { type CsvPreview, previewCsv } from './csv-preview.ts';

const COLUMNS = 'sku,name,gtin,needsSerialNumber,serialFormat';
const PREVIEW_ROWS = 10;

export function ProductImportScreen() {
  useTitle('Import products');
  if (!useCan('admin')) return <NotAllowed title="Import products" needed="admin" />;
  return <ProductImport />;
}

function ProductImport() {
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<CsvPreview | null>(null);
  const [check, setCheck] = useState<ImportResult | null>(null);
  const [done, setDone] = useState<ImportResult | null>(null);
  const [skipBadRows, setSkipBadRows] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'check' | 'import' | null>(null);

  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0] ?? null;
    setFile(chosen);
    setCheck(null);
    setDone(null);
    setError(null);
    setPreview(null);
    if (!chosen) return;
    // The preview reads only the start of the file; the server reads all of it.
    const head = await chosen.slice(0, 256 * 1024).text();
    setPreview(previewCsv(head, PREVIEW_ROWS));
  };

  const run = async (dryRun: boolean) => {
    if (!file) {
      setError(new Error('file: choose a CSV file first'));
      return;
    }
    setBusy(dryRun ? 'check' : 'import');
    setError(null);
    try {
      const result = await importProducts(file, { dryRun, skipBadRows: !dryRun && skipBadRows });
      if (dryRun) {
        setCheck(result);
        setDone(null);
      } else setDone(result);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(true);
  };

  const shown = done ?? check;

  return (
    <section aria-labelledby="import-title">
      <p className="breadcrumb">
        <Link to={paths.products}>← Products</Link>
      </p>
      <h1 id="import-title">Import products from CSV</h1>
      <p>
        The first line names the columns: <code>{COLUMNS}</code>. Only <code>sku</code> and <code>name</code> are required;
        an existing SKU is updated. Check the file first: nothing is saved until you press Import.
      </p>
      <form className="card form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="import-file">CSV file</label>
          <input id="import-file" type="file" accept=".csv,text/csv" onChange={choose} />
        </div>
        <div className="actions">
          <button type="submit" disabled={!file || busy !== null}>
            {busy === 'check' ? 'Checking…' : 'Check file'}
          </button>
        </div>
      </form>

      <ErrorMessage error={error} />

      {preview && preview.header.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption>
              Preview: the first {plural(preview.rows.length, 'row')} of {file?.name}
              {preview.more ? ' (more follow)' : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                {preview.header.map((h, i) => (
                  <th scope="col" key={i}>
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((row, r) => (
                <tr key={r}>
                  <td>{r + 2}</td>
                  {preview.header.map((_, c) => (
                    <td key={c}>{row[c] ?? ''}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {shown && (
        <div className="card" aria-live="polite">
          <h2>{shown.dryRun ? 'Check result (nothing saved yet)' : 'Imported'}</h2>
          {!shown.dryRun && (
            <Notice>
              {plural(shown.created, 'product')} created, {shown.updated} updated, {shown.skipped} skipped.
            </Notice>
          )}
          <dl className="counts">
            <div>
              <dt>Rows</dt>
              <dd>{shown.rows}</dd>
            </div>
            <div>
              <dt>{shown.dryRun ? 'Would create' : 'Created'}</dt>
              <dd>{shown.created}</dd>
            </div>
            <div>
              <dt>{shown.dryRun ? 'Would update' : 'Updated'}</dt>
              <dd>{shown.updated}</dd>
            </div>
            <div>
              <dt>{shown.dryRun ? 'Bad rows' : 'Skipped'}</dt>
              <dd>{shown.dryRun ? shown.errors.length : shown.skipped}</dd>
            </div>
          </dl>
          {shown.errors.length > 0 && (
            <div className="table-wrap">
              <table>
                <caption>{plural(shown.errors.length, 'problem')} by line</caption>
                <thead>
                  <tr>
                    <th scope="col">Line</th>
                    <th scope="col">Problem</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.errors.map((e, i) => (
                    <tr key={i}>
                      <td>{e.line}</td>
                      <td>{e.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {check && !done && (
            <div className="actions">
              {check.errors.length > 0 && (
                <label className="choice">
                  <input type="checkbox" checked={skipBadRows} onChange={(e) => setSkipBadRows(e.target.checked)} />
                  Skip bad rows (import the good ones)
                </label>
              )}
              <button type="button" className="primary" disabled={busy !== null} onClick={() => void run(false)}>
                {busy === 'import' ? 'Importing…' : 'Import'}
              </button>
            </div>
          )}
          {done && (
            <p>
              <Link to={paths.products}>See the products</Link>
            </p>
          )}
        </div>
      )}
    </section>
  );
}
