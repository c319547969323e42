import { type FormEvent, useEffect, useState } from 'react';
import { getSettings, saveSettings } from '../../api/endpoints.ts';
import type { DuplicateScope } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Notice } from '../../components/Notice.tsx';
import { useCan } from '../../session.tsx';
import { useTitle } from '../../use-title.ts';
import { ApiKeysPanel } from './ApiKeysPanel.tsx';
import { PasswordPanel } from './PasswordPanel.tsx';
import { UsersPanel } from './UsersPanel.tsx';
import { WebhooksPanel } from './WebhooksPanel.tsx';

const SCOPES: Array<{ value: DuplicateScope; label: string }> = [
  { value: 'sku', label: 'of its SKU: a unit ships again only after it came back (recommended)' },
  { value: 'tenant', label: 'across all SKUs: the same serial never appears on two SKUs' },
  { value: 'order', label: 'only within one order (serials repeat across orders, like lot numbers)' },
];

export function SettingsScreen() {
  useTitle('Settings');
  const isAdmin = useCan('admin');
  const settings = useApi((signal) => getSettings({ signal }), []);
  const [allowDuplicates, setAllowDuplicates] = useState(false);
  const [scope, setScope] = useState<DuplicateScope>('sku');
  const [requireReceived, setRequireReceived] = useState(false);
  const [fnc1, setFnc1] = useState('');
  const [orderFormat, setOrderFormat] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (settings.data) {
      setAllowDuplicates(settings.data.allowDuplicateSerialsInOrder);
      setScope(settings.data.duplicateScope);
      setRequireReceived(settings.data.requireReceivedSerials);
      setFnc1(settings.data.gs1Fnc1Substitute ?? '');
      setOrderFormat(settings.data.orderNumberFormat ?? '');
    }
  }, [settings.data]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const saved = await saveSettings({
        allowDuplicateSerialsInOrder: allowDuplicates,
        gs1Fnc1Substitute: fnc1 === '' ? null : fnc1,
        orderNumberFormat: orderFormat.trim() === '' ? null : orderFormat.trim(),
        duplicateScope: scope,
        requireReceivedSerials: requireReceived,
      });
      settings.setData(saved);
      setNotice('Settings saved.');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const changed =
    settings.data !== null &&
    (settings.data.allowDuplicateSerialsInOrder !== allowDuplicates ||
      (settings.data.gs1Fnc1Substitute ?? '') !== fnc1 ||
      (settings.data.orderNumberFormat ?? '') !== orderFormat.trim() ||
      settings.data.duplicateScope !== scope ||
      settings.data.requireReceivedSerials !== requireReceived);

  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <ErrorMessage error={settings.error ?? error} />
      <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>
      {settings.data && (
        <form className="card form" onSubmit={save}>
          <fieldset className="field" aria-describedby="settings-scope-help">
            <legend>A serial number identifies one unit…</legend>
            {SCOPES.map((option) => (
              <label className="choice" key={option.value}>
                <input
                  type="radio"
                  name="duplicate-scope"
                  value={option.value}
                  checked={scope === option.value}
                  disabled={!isAdmin}
                  onChange={() => {
                    setScope(option.value);
                    setNotice(null);
                  }}
                />
                {option.label}
              </label>
            ))}
            <p className="hint" id="settings-scope-help">
              Packing refuses a unit that is already packed in another order, or shipped and not yet come back, naming
              that order. Recalled, quarantined and scrapped units are always refused.
            </p>
          </fieldset>
          <div className="field">
            <label className="choice">
              <input
                type="checkbox"
                checked={requireReceived}
                disabled={!isAdmin}
                onChange={(e) => {
                  setRequireReceived(e.target.checked);
                  setNotice(null);
                }}
                aria-describedby="settings-received-help"
              />
              Only pack serials that are in stock
            </label>
            <p className="hint" id="settings-received-help">
              When ticked, the packing station refuses a serial that was never received, generated or restocked for
              its SKU.
            </p>
          </div>
          <div className="field">
            <label className="choice">
              <input
                type="checkbox"
                checked={allowDuplicates}
                disabled={!isAdmin || scope !== 'order'}
                onChange={(e) => {
                  setAllowDuplicates(e.target.checked);
                  setNotice(null);
                }}
                aria-describedby="settings-duplicates-help"
              />
              Allow duplicate serial numbers in an order
            </label>
            <p className="hint" id="settings-duplicates-help">
              When ticked, the packing station accepts the same serial number more than once in one order (for example
              kits whose parts share a serial); when not, a second scan of a serial already in the order is refused.
              Only for serials unique per order.
            </p>
          </div>
          <div className="field">
            <label htmlFor="settings-order-format">What your order numbers look like</label>
            <input
              id="settings-order-format"
              value={orderFormat}
              maxLength={200}
              disabled={!isAdmin}
              placeholder="SO-{######}"
              onChange={(e) => {
                setOrderFormat(e.target.value);
                setNotice(null);
              }}
              aria-describedby="settings-order-format-help"
            />
            <p className="hint" id="settings-order-format-help">
              In the serial-format language (for example SO-{'{######}'}). A scan at the packing station that matches it,
              or that is the number of an existing order, opens that order instead of being captured as a serial.
            </p>
          </div>
          <div className="field">
            <label htmlFor="settings-fnc1">FNC1 substitute sent by your scanners</label>
            <input
              id="settings-fnc1"
              value={fnc1}
              maxLength={8}
              disabled={!isAdmin}
              onChange={(e) => {
                setFnc1(e.target.value);
                setNotice(null);
              }}
              aria-describedby="settings-fnc1-help"
            />
            <p className="hint" id="settings-fnc1-help">
              Leave empty when your scanners send the GS character between GS1 fields. If they are set up to send
              something else instead (for example ^), enter it here so the packing station reads GS1 barcodes correctly.
            </p>
          </div>
          {isAdmin ? (
            <div className="actions">
              <button type="submit" className="primary" disabled={busy || !changed}>
                {busy ? 'Saving…' : 'Save'}
              </button>
            </div>
          ) : (
            <p className="hint">Only an admin can change settings.</p>
          )}
        </form>
      )}
      <PasswordPanel />
      {isAdmin && <UsersPanel />}
      {isAdmin && <ApiKeysPanel />}
      {isAdmin && <WebhooksPanel />}
    </section>
  );
}
