import { type FormEvent, useEffect, useId, useState } from 'react';
import { isApiError } from '../../api/client.ts';
import { createProduct, getProduct, updateProduct } from '../../api/endpoints.ts';
import type { Product } from '../../api/types.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Notice } from '../../components/Notice.tsx';
import { setFlash, takeFlash } from '../../flash.ts';
import { Link, navigate, paths } from '../../router.ts';
import { useCan } from '../../session.tsx';
import { useTitle } from '../../use-title.ts';
import { GenerateSerials } from './GenerateSerials.tsx';
import { checkProductForm, emptyProductForm, fieldOfError, formFromProduct, type ProductForm, serialFormatExamples } from './product-form.ts';

type FieldErrors = Partial<Record<keyof ProductForm, string>>;

/** Add a product (sku null) or edit one; an admin can generate serials for a saved one. */
export function ProductFormScreen({ sku }: { sku: string | null }) {
  const editing = sku !== null;
  useTitle(editing ? `Edit ${sku}` : 'Add product');
  const isAdmin = useCan('admin');
  const [form, setForm] = useState<ProductForm>(emptyProductForm);
  const [loaded, setLoaded] = useState(!editing);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(() => takeFlash());
  const [busy, setBusy] = useState(false);
  /** The product as the server has it: generation works from its saved format. */
  const [saved, setSaved] = useState<Product | null>(null);
  const [generating, setGenerating] = useState(false);
  const id = useId();

  useEffect(() => {
    if (sku === null) return;
    const controller = new AbortController();
    setLoaded(false);
    getProduct(sku, { signal: controller.signal })
      .then((p) => {
        setSaved(p);
        setForm(formFromProduct(p));
        setLoaded(true);
      })
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e);
      });
    return () => controller.abort();
  }, [sku]);

  const set = <K extends keyof ProductForm>(key: K, value: ProductForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    const check = checkProductForm(form);
    if (!check.ok) {
      setErrors(check.errors);
      setError(new Error(check.summary));
      const first = Object.keys(check.errors)[0];
      document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    setErrors({});
    setError(null);
    setBusy(true);
    try {
      const { sku: newSku, ...patch } = check.input;
      if (editing) {
        const updated = await updateProduct(sku, patch);
        setSaved(updated);
        setForm(formFromProduct(updated));
        setNotice(`Product ${updated.sku} saved.`);
      } else {
        const created = await createProduct({ sku: newSku, ...patch });
        setFlash(`Product ${created.sku} created.`);
        navigate(paths.productEdit(created.sku));
      }
    } catch (e) {
      setError(e);
      // the server's word on one field (PRODUCT_ALREADY_EXISTS, SERIAL_FORMAT_INVALID) is shown at that field too
      const field = isApiError(e) ? fieldOfError(e.code) : null;
      if (field && e instanceof Error) {
        setErrors({ [field]: e.message });
        document.getElementById(`${id}-${field}`)?.focus();
      }
    } finally {
      setBusy(false);
    }
  };

  const field = (key: keyof ProductForm, help?: string) => {
    const described = [help, errors[key] ? `${id}-${key}-error` : undefined].filter(Boolean).join(' ');
    return {
      id: `${id}-${key}`,
      'aria-invalid': errors[key] ? true : undefined,
      'aria-describedby': described || undefined,
    };
  };
  const fieldError = (key: keyof ProductForm) =>
    errors[key] ? (
      <p className="field-error" id={`${id}-${key}-error`}>
        {errors[key]}
      </p>
    ) : null;

  return (
    <section aria-labelledby={`${id}-title`}>
      <p className="breadcrumb">
        <Link to={paths.products}>← Products</Link>
      </p>
      <div className="screen-head">
        <h1 id={`${id}-title`}>{editing ? `Edit product ${sku}` : 'Add product'}</h1>
        {isAdmin && saved && !generating && (
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setGenerating(true)}>
              Generate serials
            </button>
          </div>
        )}
      </div>
      {!isAdmin && <p className="hint">Only an admin can change products.</p>}
      <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>
      {isAdmin && saved && generating && (
        <GenerateSerials sku={saved.sku} serialFormat={saved.serialFormat} gtin={saved.gtin} onClose={() => setGenerating(false)} />
      )}
      <ErrorMessage error={error} />
      {loaded && (
        <form className="card form" onSubmit={submit} noValidate>
          <div className="field">
            <label htmlFor={`${id}-sku`}>SKU</label>
            <input
              {...field('sku')}
              value={form.sku}
              onChange={(e) => set('sku', e.target.value)}
              readOnly={editing}
              required
              maxLength={64}
              autoFocus={!editing}
              autoComplete="off"
            />
            {editing && <p className="hint">The SKU names the product everywhere and cannot change.</p>}
            {fieldError('sku')}
          </div>
          <div className="field">
            <label htmlFor={`${id}-name`}>Name</label>
            <input {...field('name')} value={form.name} onChange={(e) => set('name', e.target.value)} required maxLength={200} autoFocus={editing} />
            {fieldError('name')}
          </div>
          <div className="field">
            <label htmlFor={`${id}-gtin`}>GTIN (optional)</label>
            <input
              {...field('gtin')}
              value={form.gtin}
              onChange={(e) => set('gtin', e.target.value)}
              inputMode="numeric"
              maxLength={14}
              autoComplete="off"
            />
            <p className="hint">EAN-13, UPC-A, EAN-8 or GTIN-14; scanning it at the packing station chooses this product's line.</p>
            {fieldError('gtin')}
          </div>
          <div className="field">
            <label className="choice">
              <input
                type="checkbox"
                id={`${id}-needsSerialNumber`}
                checked={form.needsSerialNumber}
                onChange={(e) => set('needsSerialNumber', e.target.checked)}
              />
              Needs serial number
            </label>
            <p className="hint">When ticked, each unit packed must have its serial number captured before the order ships.</p>
          </div>
          <div className="field">
            <label htmlFor={`${id}-serialFormat`}>Serial format (optional)</label>
            <input
              {...field('serialFormat', `${id}-serialFormat-help`)}
              className="mono"
              value={form.serialFormat}
              onChange={(e) => set('serialFormat', e.target.value)}
              maxLength={200}
              autoComplete="off"
              spellCheck={false}
            />
            {fieldError('serialFormat')}
            <div className="hint format-help" id={`${id}-serialFormat-help`}>
              <p>
                What this product's serials look like: serials that do not match are refused when packing, and{' '}
                <strong>Generate serials</strong> makes new ones from it. For example:
              </p>
              <ul>
                {serialFormatExamples.map((example) => (
                  <li key={example.format}>
                    <code>{example.format}</code> — {example.meaning}
                  </li>
                ))}
              </ul>
              <p>
                <code>{'{9}'}</code> a digit, <code>{'{A}'}</code> a letter, <code>{'{X}'}</code> a letter or digit,{' '}
                <code>{'{#}'}</code> a digit of the counter, <code>{'{9:5}'}</code> five digits; anything outside braces is
                literal.
              </p>
            </div>
          </div>
          <div className="actions">
            <button type="submit" className="primary" disabled={busy || !isAdmin}>
              {busy ? 'Saving…' : editing ? 'Save' : 'Add product'}
            </button>
            <Link to={paths.products} className="button secondary">
              Cancel
            </Link>
          </div>
        </form>
      )}
    </section>
  );
}
