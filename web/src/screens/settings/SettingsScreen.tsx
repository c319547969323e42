import { type FormEvent, useEffect, useState } from 'react';
import { getSettings, saveSettings } from '../../api/endpoints.ts';
import { useApi } from '../../api/use-api.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Notice } from '../../components/Notice.tsx';
import { useCan } from '../../session.tsx';
import { useTitle } from '../../use-title.ts';

export function SettingsScreen() {
  useTitle('Settings');
  const isAdmin = useCan('admin');
  const settings = useApi((signal) => getSettings({ signal }), []);
  const [allowDuplicates, setAllowDuplicates] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (settings.data) setAllowDuplicates(settings.data.allowDuplicateSerialsInOrder);
  }, [settings.data]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const saved = await saveSettings({ allowDuplicateSerialsInOrder: allowDuplicates });
      settings.setData(saved);
      setNotice('Settings saved.');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const changed = settings.data !== null && settings.data.allowDuplicateSerialsInOrder !== allowDuplicates;

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
    </section>
  );
}
