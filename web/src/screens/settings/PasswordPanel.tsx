import { type FormEvent, useState } from 'react';
import { changePassword } from '../../api/endpoints.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Notice } from '../../components/Notice.tsx';

/** The signed-in person's own password: the current one, then the new one. */
export function PasswordPanel() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setNotice(null);
    setBusy(true);
    try {
      await changePassword(current, next);
      setNotice('Password changed. You stay signed in here; your other sessions have ended.');
      setCurrent('');
      setNext('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="password-title">
      <h2 id="password-title">Your password</h2>
      <form onSubmit={(e) => void submit(e)} aria-label="Change your password">
        <div className="field">
          <label htmlFor="password-current">Current password</label>
          <input id="password-current" type="password" autoComplete="current-password" required value={current} maxLength={200} onChange={(e) => setCurrent(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="password-new">New password</label>
          <input
            id="password-new"
            type="password"
            autoComplete="new-password"
            required
            value={next}
            maxLength={200}
            onChange={(e) => setNext(e.target.value)}
            aria-describedby="password-new-help"
          />
          <p className="hint" id="password-new-help">
            At least 10 characters and not a common password; several unrelated words work well.
          </p>
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
      <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>
      <ErrorMessage error={error} />
    </section>
  );
}
