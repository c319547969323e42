import { type FormEvent, useEffect, useState } from 'react';
import { getSettings, saveSettings } from '../../api/endpoints.ts';
import { useApi } from '../../api/use-api.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Notice } from '../../components/Notice.tsx';
import { useCan } from '../../session.tsx';
import { useTitle } from '../../use-title.ts';
import { WebhooksPanel } from './WebhooksPanel.tsx';

export function SettingsScreen() {
  useTitle('Settings');
  const isAdmin = useCan('admin');
  const settings = useApi((signal) => getSettings({ signal }), []);
  const [allowDuplicates, setAllowDuplicates] = useState(false);
  const [fnc1, setFnc1] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (settings.data) {
      setAllowDuplicates(settings.data.allowDuplicateSerialsInOrder);
      setFnc1(settings.data.gs1Fnc1Substitute ?? '');
    }
  }, [settings.data]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const saved = await saveSettings({ allowDuplicateSerialsInOrder: allowDuplicates, gs1Fnc1Substitute: fnc1 === '' ? null : fnc1 });
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
    (settings.data.allowDuplicateSerialsInOrder !== allowDuplicates || (settings.data.gs1Fnc1Substitute ?? '') !== fnc1);

  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <ErrorMessage error={settings.error ?? error} />
      <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>
      {settings.data && (
        <form className="card form" onSubmit={save}>
          <div className="field">
            <label className="choice">
              <input
                type="checkbox"
                checked={allowDuplicates}
                disabled={!isAdmin}
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
      {isAdmin && <WebhooksPanel />}
    </section>
  );
}
