import { type ChangeEvent, type FormEvent, type ReactNode, useId, useState } from 'react';
import type { ImportResult } from '../api/types.ts';
import { plural } from '../format.ts';
import { Link } from '../router.ts';
import { type CsvPreview, previewCsv } from './csv-preview.ts';
import { ErrorMessage } from './ErrorMessage.tsx';
import { Notice } from './Notice.tsx';

const PREVIEW_ROWS = 10;

type Props = {
  /** 'product' or 'order': the word for what each row creates. */
  noun: string;
  title: string;
  /** The header line the file must start with. */
  columns: string;
  /** What else to know about the file, in a sentence or two. */
  about: ReactNode;
  run: (file: Blob, options: { dryRun: boolean; skipBadRows: boolean }) => Promise<ImportResult>;
  back: { to: string; label: string };
};

/**
 * A CSV import with a preview: the first rows as read in the browser, then the server's dry run
 * (counts and a per-line problem list), then the import itself, optionally skipping bad rows.
 */
export function CsvImport({ noun, title, columns, about, run: send, back }: Props) {
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<CsvPreview | null>(null);
  const [check, setCheck] = useState<ImportResult | null>(null);
  const [done, setDone] = useState<ImportResult | null>(null);
  const [skipBadRows, setSkipBadRows] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'check' | 'import' | null>(null);
  const id = useId();

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
      const result = await send(file, { dryRun, skipBadRows: !dryRun && skipBadRows });
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
    <section aria-labelledby={`${id}-title`}>
      <p className="breadcrumb">
        <Link to={back.to}>← {back.label}</Link>
      </p>
      <h1 id={`${id}-title`}>{title}</h1>
      <p>
        The first line names the columns: <code>{columns}</code>. {about} Check the file first: nothing is saved until you
        press Import.
      </p>
      <form className="card form" onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}-file`}>CSV file</label>
          <input id={`${id}-file`} type="file" accept=".csv,text/csv" onChange={choose} />
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
              {plural(shown.created, noun)} created, {shown.updated} updated, {shown.skipped} skipped.
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
              <Link to={back.to}>See the {back.label.toLowerCase()}</Link>
            </p>
          )}
        </div>
      )}
    </section>
  );
}
