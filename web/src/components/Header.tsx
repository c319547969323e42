import { type FormEvent, useState } from 'react';
import type { User } from '../api/types.ts';
import { roleAllows } from '../domain.ts';
import { Link, navigate, paths } from '../router.ts';

type Props = { user: User; pathname: string; onSignOut: () => void };

const sections = [
  { to: '/packing', label: 'Packing', role: 'packer' },
  { to: '/receiving', label: 'Receiving', role: 'packer' },
  { to: '/returns', label: 'Returns', role: 'packer' },
  { to: '/orders', label: 'Orders', role: 'viewer' },
  { to: '/products', label: 'Products', role: 'viewer' },
  { to: '/report', label: 'Report', role: 'viewer' },
  { to: '/recalls', label: 'Recalls', role: 'viewer' },
  { to: '/settings', label: 'Settings', role: 'viewer' },
  { to: '/audit', label: 'Audit', role: 'admin' },
] as const;

/** On every page: the sections the user's role can use, the serial search, and signing out. */
export function Header({ user, pathname, onSignOut }: Props) {
  const [serial, setSerial] = useState('');

  const find = (event: FormEvent) => {
    event.preventDefault();
    const value = serial.trim();
    if (!value) return;
    setSerial('');
    navigate(paths.serial(value));
  };

  return (
    <header className="app-header">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="brand">
        <Link to="/">Unitrace</Link>
        <span className="tenant">{user.tenantName}</span>
      </div>
      <nav aria-label="Main" className="main-nav">
        <ul>
          {sections
            .filter((s) => roleAllows(user.role, s.role))
            .map((s) => (
              <li key={s.to}>
                <Link to={s.to} aria-current={pathname.startsWith(s.to) ? 'page' : undefined}>
                  {s.label}
                </Link>
              </li>
            ))}
        </ul>
      </nav>
      <form role="search" aria-label="Serial number search" className="serial-search" onSubmit={find}>
        <label htmlFor="serial-search-input" className="visually-hidden">
          Find serial number
        </label>
        <input
          id="serial-search-input"
          type="search"
          value={serial}
          onChange={(e) => setSerial(e.target.value)}
          placeholder="Find serial number…"
          autoComplete="off"
          spellCheck={false}
        />
        <button type="submit">Find</button>
      </form>
      <div className="user">
        <span className="user-email" title={`signed in as ${user.email} (${user.role})`}>
          {user.email} <span className="role">{user.role}</span>
        </span>
        <button type="button" className="secondary" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}
