import { type FormEvent, useState } from 'react';
import { createApiKey, listApiKeys, revokeApiKey } from '../../api/endpoints.ts';
import type { ApiKey, Role } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { roleChoices } from '../../role-choices.ts';
import { formatDateTime } from '../../format.ts';

/**
 * The tenant's API keys, for integrations: create one (its secret is shown here once, then only
 * its hash is kept), see which exist and revoke one, which stops it at once.
 */
export function ApiKeysPanel() {
  const keys = useApi((signal) => listApiKeys({ signal }), []);
  const [label, setLabel] = useState('');
  const [role, setRole] = useState<Role>('packer');
  const [created, setCreated] = useState<{ apiKey: string; label: string | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const key = await createApiKey({ role, label: label.trim() || null });
      setCreated({ apiKey: key.apiKey, label: key.label });
      setLabel('');
      keys.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (key: ApiKey) => {
    setError(null);
    try {
      await revokeApiKey(key.id);
      keys.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section className="card" aria-labelledby="api-keys-title">
      <h2 id="api-keys-title">API keys</h2>
      <p className="hint">
        For integrations: send the key as <code>Authorization: Bearer …</code>. Give each integration its own key with
        the least role it needs, so it can be revoked alone.
      </p>
      <form onSubmit={(e) => void create(e)} aria-label="New API key">
        <div className="field">
          <label htmlFor="api-key-label">What the key is for</label>
          <input id="api-key-label" value={label} maxLength={200} placeholder="Shop integration" onChange={(e) => setLabel(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="api-key-role">Role</label>
          <select id="api-key-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {roleChoices.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Creating…' : 'Create key'}
          </button>
        </div>
      </form>
      {created && (
        <div className="message message-ok" role="status">
          <p>
            New key{created.label ? ` for ${created.label}` : ''}. It is shown only this once: copy it now.
          </p>
          <p>
            <code className="api-key-secret" aria-label="The new API key">
              {created.apiKey}
            </code>
          </p>
          <button type="button" className="link-button" onClick={() => setCreated(null)}>
            Done, I have copied it
          </button>
        </div>
      )}
      <ErrorMessage error={keys.error ?? error} />
      {keys.data && keys.data.items.length > 0 && (
        <div className="table-wrap">
          <table aria-label="API keys" aria-busy={keys.loading}>
            <thead>
              <tr>
                <th>For</th>
                <th>Role</th>
                <th>Created</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {keys.data.items.map((key) => (
                <tr key={key.id}>
                  <td>{key.label ?? <span className="hint">no label</span>}</td>
                  <td>{key.role}</td>
                  <td>{formatDateTime(key.createdAt)}</td>
                  <td>{key.revokedAt ? `revoked ${formatDateTime(key.revokedAt)}` : 'active'}</td>
                  <td>
                    {!key.revokedAt && (
                      <ConfirmButton label="Revoke" confirmLabel="Revoke now" ariaLabel={`Revoke ${key.label ?? 'the key'}`} onConfirm={() => void revoke(key)} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
