import { type FormEvent, useState } from 'react';
import { signIn } from '../../api/endpoints.ts';
import type { User } from '../../api/types.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { useTitle } from '../../use-title.ts';
import { checkSignIn } from './sign-in-form.ts';

export function SignInScreen({ onSignedIn }: { onSignedIn: (user: User) => void }) {
  useTitle('Sign in');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = checkSignIn(email, password);
    if (problem) {
      setError(new Error(problem));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const answer = await signIn(email.trim(), password);
      onSignedIn(answer.user);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <main className="sign-in" id="main">
      <form className="card sign-in-card" onSubmit={submit} noValidate aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to Unitrace</h1>
        <ErrorMessage error={error} />
        <div className="field">
          <label htmlFor="sign-in-email">Email</label>
          <input
            id="sign-in-email"
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            autoFocus
            required
          />
        </div>
        <div className="field">
          <label htmlFor="sign-in-password">Password</label>
          <input
            id="sign-in-password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </div>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
