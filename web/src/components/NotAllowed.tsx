import type { Role } from '../api/types.ts';
import { Link, paths } from '../router.ts';
import { useSession } from '../session.tsx';

/** What a user sees on a screen their role cannot use (the server would refuse with 403 anyway). */
export function NotAllowed({ title, needed }: { title: string; needed: Role }) {
  const { user } = useSession();
  return (
    <section aria-labelledby="not-allowed-title">
      <h1 id="not-allowed-title">{title}</h1>
      <div className="empty-state">
        <p className="empty-title">
          This needs the {needed} role; you are signed in as {user.role}.
        </p>
        <p className="empty-next">
          Ask an admin for access, or look things up in <Link to={paths.orders}>Orders</Link> and the{' '}
          <Link to={paths.report}>Serial Number Report</Link>.
        </p>
      </div>
    </section>
  );
}
