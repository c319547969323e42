import { type FormEvent, useState } from 'react';
import { changeUserRole, createUser, disableUser, listUsers } from '../../api/endpoints.ts';
import type { Role, TenantUser } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Notice } from '../../components/Notice.tsx';
import { roleChoices } from '../../role-choices.ts';
import { formatDateTime } from '../../format.ts';
import { useSession } from '../../session.tsx';

/**
 * The people who sign in: add one with a first password (they sign in with it; the sign-in rules
 * apply), see who has which role and give another, and disable an account. Both end the person's
 * sessions at once; nobody changes or disables their own account here.
 */
export function UsersPanel() {
  const users = useApi((signal) => listUsers({ signal }), []);
  const me = useSession().user.email;
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('packer');
  const [password, setPassword] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setNotice(null);
    setBusy(true);
    try {
      const user = await createUser({ email, role, password });
      setNotice(`${user.email} can now sign in as ${user.role}.`);
      setEmail('');
      setPassword('');
      users.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const changeRole = async (user: TenantUser, next: Role) => {
    setError(null);
    setNotice(null);
    try {
      await changeUserRole(user.email, next);
      setNotice(`${user.email} is now ${next}; they sign in again to use it.`);
      users.reload();
    } catch (e) {
      setError(e);
    }
  };

  const disable = async (user: TenantUser) => {
    setError(null);
    setNotice(null);
    try {
      await disableUser(user.email);
      setNotice(`${user.email} is disabled and signed out.`);
      users.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section className="card" aria-labelledby="users-title">
      <h2 id="users-title">People</h2>
      <form onSubmit={(e) => void add(e)} aria-label="New user">
        <div className="field">
          <label htmlFor="user-email">Email</label>
          <input id="user-email" type="email" autoComplete="off" required value={email} maxLength={254} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="user-role">Role</label>
          <select id="user-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {roleChoices.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="user-password">First password</label>
          <input
            id="user-password"
            type="password"
            autoComplete="new-password"
            required
            value={password}
            maxLength={200}
            onChange={(e) => setPassword(e.target.value)}
            aria-describedby="user-password-help"
          />
          <p className="hint" id="user-password-help">
            At least 10 characters and not a common password. Give it to the person yourself.
          </p>
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Adding…' : 'Add user'}
          </button>
        </div>
      </form>
      <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>
      <ErrorMessage error={users.error ?? error} />
      {users.data && users.data.items.length > 0 && (
        <div className="table-wrap">
          <table aria-label="Users" aria-busy={users.loading}>
            <thead>
              <tr>
                <th>Email</th>
                <th>Role</th>
                <th>Added</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((user) => (
                <tr key={user.id}>
                  <td>{user.email}</td>
                  <td>
                    {user.disabledAt || user.email === me ? (
                      user.role
                    ) : (
                      <select aria-label={`Role of ${user.email}`} value={user.role} onChange={(e) => void changeRole(user, e.target.value as Role)}>
                        {roleChoices.map((r) => (
                          <option key={r.value} value={r.value}>
                            {r.value}
                          </option>
                        ))}
                      </select>
                    )}
                  </td>
                  <td>{formatDateTime(user.createdAt)}</td>
                  <td>{user.disabledAt ? `disabled ${formatDateTime(user.disabledAt)}` : 'active'}</td>
                  <td>
                    {!user.disabledAt && user.email !== me && (
                      <ConfirmButton label="Disable" confirmLabel="Disable now" ariaLabel={`Disable ${user.email}`} onConfirm={() => void disable(user)} />
                    )}
                    {user.email === me && <span className="hint">you</span>}
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
